package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyStmt;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One class found in the source.
 *
 * @param qualifiedName {@code module.Class} (nested classes: {@code module.Outer.Inner})
 * @param module the dotted module that defines it
 * @param file the file, as shown in diagnostics
 * @param def the class statement
 * @param bases the bases' qualified names, resolved through imports and re-exports (external ones such as
 *     {@code torch.nn.Module} textually; a base that is not a dotted name keeps its source text)
 * @param methods the functions defined directly in the body, by name (a property setter or deleter does not replace
 *     the getter)
 * @param attributes class-level assignments ({@code x = ...}, {@code x: T = ...}, {@code x: T}) by name, in order
 */
public record ClassInfo(String qualifiedName, String module, String file, PyStmt.ClassDef def, List<String> bases,
                        Map<String, PyStmt.FunctionDef> methods, Map<String, Attr> attributes) {

    /** A class-level name: annotation and value may be null (not both). */
    public record Attr(String name, PyExpr annotation, PyExpr value, PyStmt stmt) {}

    public String simpleName() { return def.name(); }

    public Optional<PyStmt.FunctionDef> method(String name) { return Optional.ofNullable(methods.get(name)); }

    public Optional<Attr> attribute(String name) { return Optional.ofNullable(attributes.get(name)); }
}
