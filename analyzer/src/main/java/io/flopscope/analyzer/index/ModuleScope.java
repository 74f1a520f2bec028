package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names a module binds at module level (outside functions and classes, but inside module-level if/try/with/for
 * blocks), with the imports that bind them.
 *
 * <p>Later bindings replace earlier ones, as at run time, with one exception: a binding inside an {@code except}
 * handler does not replace an existing one (handlers are the fallback path; the analysis assumes imports succeed).
 */
final class ModuleScope {
    enum Kind { CLASS, FUNCTION, VARIABLE, MODULE_IMPORT, FROM_IMPORT }

    /**
     * @param target for MODULE_IMPORT the module path ({@code torch.nn}), for FROM_IMPORT {@code module.name} with the
     *     module made absolute (null when a relative import goes above the top package); otherwise null
     */
    record Binding(Kind kind, String target, PyStmt stmt, PyExpr value, PyExpr annotation) {}

    /** A star import; module is absolute, null when the relative import is invalid. */
    record Star(String module, PyStmt stmt) {}

    /**
     * One imported name, for checks: {@code import a.b} gives (a.b, null); {@code from x import y} gives (x, y);
     * a star import gives (x, "*"). module is null for a relative import above the top package.
     */
    record ImportRef(String module, String name, String written, PyStmt stmt, boolean guarded) {}

    final String module;
    final boolean isPackage;
    final Map<String, Binding> names = new LinkedHashMap<>();
    final List<Star> stars = new ArrayList<>();
    final List<ImportRef> imports = new ArrayList<>();

    private ModuleScope(String module, boolean isPackage) {
        this.module = module;
        this.isPackage = isPackage;
    }

    static ModuleScope of(PyModule m) {
        ModuleScope s = new ModuleScope(m.name(), m.isPackage());
        s.walk(m.body(), false, false);
        return s;
    }

    /**
     * The absolute module of a relative import, or null when it climbs above the top-level package.
     *
     * @param module the importing module
     * @param isPackage whether the importing module is a package ({@code __init__.py})
     */
    static String absolute(String module, boolean isPackage, String name, int level) {
        String rel = name == null ? "" : name;
        if (level <= 0) return rel;
        List<String> parts = new ArrayList<>(List.of(module.split("\\.")));
        if (!isPackage) parts.remove(parts.size() - 1);
        for (int i = 1; i < level; i++) {
            if (parts.isEmpty()) return null;
            parts.remove(parts.size() - 1);
        }
        if (parts.isEmpty()) return null;
        String base = String.join(".", parts);
        return rel.isEmpty() ? base : base + "." + rel;
    }

    private void put(String name, Binding b, boolean inHandler) {
        if (name == null || name.isEmpty()) return;
        if (inHandler && names.containsKey(name)) return;
        names.put(name, b);
    }

    private void walk(List<PyStmt> body, boolean inHandler, boolean guarded) {
        for (PyStmt s : body) stmt(s, inHandler, guarded);
    }

    private void stmt(PyStmt s, boolean inHandler, boolean guarded) {
        if (s instanceof PyStmt.ClassDef) {
            PyStmt.ClassDef c = (PyStmt.ClassDef) s;
            put(c.name(), new Binding(Kind.CLASS, null, s, null, null), inHandler);
        } else if (s instanceof PyStmt.FunctionDef) {
            PyStmt.FunctionDef f = (PyStmt.FunctionDef) s;
            put(f.name(), new Binding(Kind.FUNCTION, null, s, null, null), inHandler);
        } else if (s instanceof PyStmt.Import) {
            for (PyStmt.Alias a : ((PyStmt.Import) s).names()) {
                if (a.name().isEmpty()) continue;
                imports.add(new ImportRef(a.name(), null, a.name(), s, guarded));
                if (a.asName() != null) put(a.asName(), new Binding(Kind.MODULE_IMPORT, a.name(), s, null, null), inHandler);
                else {
                    String head = a.name().contains(".") ? a.name().substring(0, a.name().indexOf('.')) : a.name();
                    put(head, new Binding(Kind.MODULE_IMPORT, head, s, null, null), inHandler);
                }
            }
        } else if (s instanceof PyStmt.ImportFrom) {
            PyStmt.ImportFrom f = (PyStmt.ImportFrom) s;
            String abs = absolute(module, isPackage, f.module(), f.level());
            String written = ".".repeat(Math.max(0, f.level())) + f.module();
            for (PyStmt.Alias a : f.names()) {
                if ("*".equals(a.name())) {
                    stars.add(new Star(abs, s));
                    imports.add(new ImportRef(abs, "*", written, s, guarded));
                    continue;
                }
                if (a.name().isEmpty()) continue;
                imports.add(new ImportRef(abs, a.name(), written, s, guarded));
                String target = abs == null ? null : abs.isEmpty() ? a.name() : abs + "." + a.name();
                put(a.asName() != null ? a.asName() : a.name(), new Binding(Kind.FROM_IMPORT, target, s, null, null), inHandler);
            }
        } else if (s instanceof PyStmt.Assign) {
            PyStmt.Assign a = (PyStmt.Assign) s;
            for (PyExpr t : a.targets()) {
                if (t instanceof PyExpr.Name) put(((PyExpr.Name) t).id(), new Binding(Kind.VARIABLE, null, s, a.value(), null), inHandler);
                else targetNames(t, s, inHandler);
            }
        } else if (s instanceof PyStmt.AnnAssign) {
            PyStmt.AnnAssign a = (PyStmt.AnnAssign) s;
            if (a.target() instanceof PyExpr.Name) {
                String n = ((PyExpr.Name) a.target()).id();
                Binding old = names.get(n);
                // a bare annotation does not bind; keep an earlier value if there is one
                if (a.value() != null || old == null) put(n, new Binding(Kind.VARIABLE, null, s, a.value(), a.annotation()), inHandler);
            }
        } else if (s instanceof PyStmt.AugAssign) {
            PyStmt.AugAssign a = (PyStmt.AugAssign) s;
            if (a.target() instanceof PyExpr.Name && !names.containsKey(((PyExpr.Name) a.target()).id())) {
                put(((PyExpr.Name) a.target()).id(), new Binding(Kind.VARIABLE, null, s, null, null), inHandler);
            }
        } else if (s instanceof PyStmt.If) {
            PyStmt.If i = (PyStmt.If) s;
            walk(i.body(), inHandler, guarded);
            walk(i.orelse(), inHandler, guarded);
        } else if (s instanceof PyStmt.Try) {
            PyStmt.Try t = (PyStmt.Try) s;
            walk(t.body(), inHandler, guarded || !t.handlers().isEmpty());
            for (PyStmt.Try.Handler h : t.handlers()) {
                if (h.name() != null) put(h.name(), new Binding(Kind.VARIABLE, null, s, null, null), true);
                walk(h.body(), true, guarded);
            }
            walk(t.orelse(), inHandler, guarded);
            walk(t.finalbody(), inHandler, guarded);
        } else if (s instanceof PyStmt.For) {
            PyStmt.For f = (PyStmt.For) s;
            targetNames(f.target(), s, inHandler);
            walk(f.body(), inHandler, guarded);
            walk(f.orelse(), inHandler, guarded);
        } else if (s instanceof PyStmt.While) {
            PyStmt.While w = (PyStmt.While) s;
            walk(w.body(), inHandler, guarded);
            walk(w.orelse(), inHandler, guarded);
        } else if (s instanceof PyStmt.With) {
            PyStmt.With w = (PyStmt.With) s;
            for (PyStmt.With.WithItem item : w.items()) if (item.optionalVars() != null) targetNames(item.optionalVars(), s, inHandler);
            walk(w.body(), inHandler, guarded);
        }
    }

    private void targetNames(PyExpr t, PyStmt s, boolean inHandler) {
        if (t instanceof PyExpr.Name) put(((PyExpr.Name) t).id(), new Binding(Kind.VARIABLE, null, s, null, null), inHandler);
        else if (t instanceof PyExpr.TupleExpr) for (PyExpr e : ((PyExpr.TupleExpr) t).elts()) targetNames(e, s, inHandler);
        else if (t instanceof PyExpr.ListExpr) for (PyExpr e : ((PyExpr.ListExpr) t).elts()) targetNames(e, s, inHandler);
        else if (t instanceof PyExpr.Starred) targetNames(((PyExpr.Starred) t).value(), s, inHandler);
    }

    Map<String, Binding> names() { return Collections.unmodifiableMap(names); }
}
