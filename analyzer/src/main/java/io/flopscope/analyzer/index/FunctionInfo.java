package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyStmt;

/**
 * One function or method found in the source.
 *
 * @param qualifiedName {@code module.func} or {@code module.Class.method}
 * @param module the dotted module that defines it
 * @param file the file, as shown in diagnostics
 * @param def the def statement
 * @param ownerClass the qualified name of the class for a method, null for a module-level function
 */
public record FunctionInfo(String qualifiedName, String module, String file, PyStmt.FunctionDef def, String ownerClass) {
    public boolean isMethod() { return ownerClass != null; }
}
