package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import java.util.List;
import java.util.Optional;

/** What the interpreter needs from the indexed source tree. */
public interface SourceLookup {
    /** A class defined in the source. */
    record ClassDecl(String qualifiedName, String module, PyStmt.ClassDef def, List<String> bases) {}

    /** A module-level function defined in the source. */
    record FuncDecl(String qualifiedName, String module, PyStmt.FunctionDef def) {}

    Optional<PyModule> module(String dotted);

    Optional<ClassDecl> classDecl(String qualifiedName);

    Optional<FuncDecl> function(String qualifiedName);

    /** The qualified name a local name of a module stands for (through imports), or the module-qualified name. */
    String resolve(String module, String localName);

    /** The right-hand side of a module-level assignment {@code NAME = ...}, if any. */
    Optional<PyExpr> moduleAssignment(String module, String name);

    /** Problems of a module found by the index: syntax errors, unresolvable imports, unknown base classes. */
    default List<io.flopscope.diag.Diagnostic> moduleProblems(String module) { return List.of(); }

    /** A module's file as a document names it: relative to the SOURCE that was opened (the same on every machine). */
    default String documentFile(String file) { return file; }

    /** Whether cls is (transitively) a subclass of base (qualified names; torch.nn.Module aliases are one). */
    boolean isSubclassOf(String cls, String base);
}
