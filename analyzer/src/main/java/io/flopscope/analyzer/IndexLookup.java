package io.flopscope.analyzer;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.analyzer.index.VariableInfo;
import io.flopscope.analyzer.trace.SourceLookup;
import java.util.Optional;

/** The interpreter's view of a {@link SourceIndex}. */
public final class IndexLookup implements SourceLookup {
    private final SourceIndex index;

    public IndexLookup(SourceIndex index) { this.index = index; }

    public SourceIndex index() { return index; }

    @Override public Optional<PyModule> module(String dotted) { return index.module(dotted); }

    @Override public String documentFile(String file) { return index.relativeToSource(file); }

    @Override public Optional<ClassDecl> classDecl(String q) {
        return index.classInfo(q).map(ci -> new ClassDecl(ci.qualifiedName(), ci.module(), ci.def(), ci.bases()));
    }

    @Override public Optional<FuncDecl> function(String q) {
        return index.function(q).filter(f -> !f.isMethod()).map(f -> new FuncDecl(f.qualifiedName(), f.module(), f.def()));
    }

    /** null when the module binds no such name (then a built-in of that name applies). */
    @Override public String resolve(String module, String localName) {
        return index.binds(module, localName) ? index.resolveName(module, localName) : null;
    }

    @Override public Optional<PyExpr> moduleAssignment(String module, String name) {
        return index.variable(module + "." + name).filter(v -> v.module().equals(module)).map(VariableInfo::value);
    }

    @Override public boolean isSubclassOf(String cls, String base) { return index.isSubclassOf(cls, base); }

    @Override public java.util.List<io.flopscope.diag.Diagnostic> moduleProblems(String module) {
        java.util.List<io.flopscope.diag.Diagnostic> out = new java.util.ArrayList<>(index.checkImports(module));
        String file = index.fileOf(module).map(Object::toString).orElse(null);
        for (var d : index.problems()) if (file != null && file.equals(d.file()) && !out.contains(d)) out.add(d);
        return out;
    }
}
