package io.flopscope.analyzer.ast;

import io.flopscope.diag.Diagnostic;
import java.util.List;

/** One parsed file: its dotted module name, statements, source lines and parse problems (syntax errors with file:line). */
public record PyModule(String name, String file, List<PyStmt> body, List<String> lines, List<Diagnostic> problems, boolean isPackage) {
    /** The text of a 1-based line, or "" when out of range. */
    public String line(int n) { return n >= 1 && n <= lines.size() ? lines.get(n - 1) : ""; }
}
