package io.flopscope.resolve;

import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.FlopClass;
import io.flopscope.document.Kernel;
import io.flopscope.document.KernelType;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.formula.Expr;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaPrinter;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.RefTerms;
import io.flopscope.formula.SymbolicEvaluator.SymbolicException;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expands module references into a {@link CostNode} tree with exact symbolic costs. One resolver is
 * one memoising query: each (class, arguments) is resolved once, and a class that reaches itself is a cycle.
 * Problems become diagnostics and {@link Unknown}s; nothing unresolved is counted as zero.
 */
public final class Resolver {
    private final Library library;
    private final boolean causal;
    private final Map<String, CostNode> memo = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<Diagnostic> diagnostics = new LinkedHashSet<>();

    public Resolver(Library library, boolean causal) {
        this.library = library;
        this.causal = causal;
    }

    public record Resolution(CostNode root, List<Diagnostic> diagnostics) {
        public boolean hasErrors() {
            for (Diagnostic d : diagnostics) if (d.isError()) return true;
            return false;
        }
    }

    /** Resolves a root module with no arguments (its parameters take their defaults). */
    /** The deepest chain of module references resolved; real models nest a few dozen levels at most. */
    static final int MAX_DEPTH = 256;

    public Resolution resolve(String className) {
        CostNode root = node(className, Map.of(), null, 0);
        return new Resolution(root, List.copyOf(diagnostics));
    }

    public List<Diagnostic> diagnostics() { return List.copyOf(diagnostics); }

    /**
     * Checks one document without expanding its callees: every formula parses and evaluates, every
     * reference names a known module and its arguments bind. Required parameters stay symbolic.
     */
    public List<Diagnostic> check(LibraryEntry entry) {
        Frame f = new Frame(entry, Map.of(), true);
        f.run();
        checkStructure(entry);
        return List.copyOf(diagnostics);
    }

    private CostNode node(String className, Map<String, Poly> args, String callerFile, int callerLine) {
        String canonical = library.canonical(className);
        String key = canonical + new TreeMap<>(args) + (causal ? "/causal" : "");
        CostNode cached = memo.get(key);
        if (cached != null) return cached;
        LibraryEntry entry = library.find(canonical).map(e -> accepting(e, args.keySet())).orElse(null);
        if (entry == null) {
            String hint = library.similar(className).isEmpty() ? "" : " (did you mean " + String.join(" or ", library.similar(className)) + "?)";
            String reason = "no analysis for module " + className + hint;
            diagnostics.add(Diagnostic.error(callerFile, callerLine, reason));
            return unknownNode(className, callerFile, callerLine, reason);
        }
        if (stack.contains(canonical)) {
            List<String> path = new ArrayList<>(stack);
            java.util.Collections.reverse(path); // the deque iterates from its top
            String reason = "cycle: " + String.join(" -> ", path.subList(path.indexOf(canonical), path.size())) + " -> " + canonical;
            diagnostics.add(Diagnostic.error(callerFile, callerLine, reason));
            return unknownNode(className, callerFile, callerLine, reason);
        }
        var broken = library.brokenDocument(canonical);
        if (broken.isPresent()) {
            Diagnostic b = broken.get();
            String reason = "the analysis of " + className + " has an error: " + b.file() + ":" + b.line() + ": " + b.message();
            diagnostics.add(Diagnostic.error(callerFile, callerLine, reason));
            return unknownNode(className, b.file(), b.line(), reason);
        }
        if (stack.size() >= MAX_DEPTH) {
            // resolution recurses per reference; a chain this deep is a generated or broken library, not a model
            String reason = "module references nest deeper than " + MAX_DEPTH + " levels at " + className;
            diagnostics.add(Diagnostic.error(callerFile, callerLine, reason));
            return unknownNode(className, callerFile, callerLine, reason);
        }
        stack.push(canonical);
        try {
            CostNode n = new Frame(entry, args, false).run();
            memo.put(key, n);
            return n;
        } finally {
            stack.pop();
        }
    }

    /**
     * The variant the library chose, or, when a caller passes an argument that variant has no parameter for, a sibling
     * variant that takes every argument (a class called with and without a size given by its constructor: DeepSeek's
     * activation inside its dense and its shared-expert MLP). None fits: the chosen one, whose binding then reports it.
     */
    private LibraryEntry accepting(LibraryEntry chosen, java.util.Set<String> args) {
        if (takes(chosen, args)) return chosen;
        for (LibraryEntry e : library.variants(chosen.analysis().className())) if (takes(e, args)) return e;
        return chosen;
    }

    /** Whether a variant has a parameter for every argument, and an argument (or a default) for every parameter. */
    private static boolean takes(LibraryEntry e, java.util.Set<String> args) {
        var ps = e.analysis().parameters();
        if (ps == null) return true;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (var p : ps) {
            names.add(p.name());
            if (p.defaultFormula() == null && !args.contains(p.name())) return false;
        }
        return names.containsAll(args);
    }

    private static CostNode unknownNode(String className, String file, int line, String reason) {
        return new CostNode(className, file, Map.of(), List.of(), Cost.ZERO, Cost.ZERO, List.of(new Unknown(className, file, line, reason)));
    }

    /** The resolution of one module under one set of arguments. */
    private final class Frame {
        final LibraryEntry entry;
        final ModuleAnalysis a;
        final String file;
        final boolean checkOnly;
        final ModuleScope scope;
        final List<Unknown> unknowns = new ArrayList<>();
        final Map<String, Poly> args;

        Frame(LibraryEntry entry, Map<String, Poly> args, boolean checkOnly) {
            this.entry = entry;
            this.a = entry.analysis();
            this.file = entry.file();
            this.checkOnly = checkOnly;
            this.args = args;
            DocumentPositions pos = entry.positions();
            this.scope = ModuleScope.of(a, args, causal, checkOnly, (name, msg) -> {
                int line = pos.variableLines().getOrDefault(name, pos.parametersLine());
                problem(line, msg);
            });
        }

        void problem(int line, String message) {
            diagnostics.add(new Diagnostic(Severity.ERROR, file, line, 0, message));
            unknowns.add(new Unknown(a.className(), file, line, message));
        }

        void warn(int line, String message) { diagnostics.add(new Diagnostic(Severity.WARNING, file, line, 0, message)); }

        CostNode run() {
            List<CostNode.KernelCost> kernels = new ArrayList<>();
            Cost self = Cost.ZERO;
            Cost cumulative = Cost.ZERO;
            List<Unknown> all = new ArrayList<>();
            for (int i = 0; i < a.kernels().size(); i++) {
                Kernel k = a.kernels().get(i);
                if (k.optional() && !checkOnly) continue;
                CostNode.KernelCost kc = kernel(k, entry.positions().kernel(i));
                if (kc == null) continue;
                kernels.add(kc);
                self = self.plus(kc.own());
                cumulative = cumulative.plus(kc.cumulative());
                for (CostNode.Call c : kc.calls()) all.addAll(c.node().unknowns());
            }
            all.addAll(0, unknowns);
            return new CostNode(a.className(), file, Map.copyOf(args), kernels, self, cumulative, List.copyOf(new LinkedHashSet<>(all)));
        }

        private CostNode.KernelCost kernel(Kernel k, DocumentPositions.KernelPositions pos) {
            int heading = pos.heading();
            if (k.isUnanalysed()) {
                String where = a.source().file() == null ? "" : " (" + a.source().file() + ":" + k.lines() + ")";
                unknowns.add(new Unknown(a.className(), file, heading, "line " + k.lines() + where + ": " + k.unanalysed()));
                if (checkOnly) warn(heading, "line " + k.lines() + " is unanalysed: " + k.unanalysed());
                return null;
            }
            Poly repeat = Poly.ONE;
            if (k.repeat() != null) {
                Poly r = evalPlain(k.repeat(), at(pos.repeat(), heading), "repeat");
                if (r == null) return null;
                repeat = r;
            }
            Map<String, PendingCall> calls = new LinkedHashMap<>();
            Poly flops = field(k.flops(), at(pos.flops(), heading), "FLOPs", calls);
            Poly read = field(k.read(), at(pos.read(), heading), "Read", calls);
            Poly write = field(k.write(), at(pos.write(), heading), "Write", calls);
            if (flops == null || read == null || write == null) return null;
            if (k.type() == KernelType.BASIC && !calls.isEmpty()) {
                warn(heading, "basic kernel at line " + k.lines() + " references a module; mark it composite");
            }
            if (k.type() == KernelType.COMPOSITE && calls.isEmpty()) {
                warn(heading, "composite kernel at line " + k.lines() + " references no module; mark it basic");
            }
            Cost own = new Cost(k.flopClass() == FlopClass.MATMUL ? flops : Poly.ZERO,
                    k.flopClass() == FlopClass.VECTOR ? flops : Poly.ZERO, read, write).times(repeat);
            List<CostNode.Call> resolved = new ArrayList<>();
            for (PendingCall pc : calls.values()) {
                java.util.Set<String> named = new java.util.HashSet<>();
                boolean positional = false;
                for (var arg : pc.ref.args()) if (arg.name() != null) named.add(arg.name()); else positional = true;
                // arguments bound by position keep the library's choice (their names depend on the variant)
                LibraryEntry callee = positional ? library.find(pc.ref.className()).orElse(null)
                        : library.find(pc.ref.className()).map(e -> accepting(e, named)).orElse(null);
                if (callee == null) {
                    String hint = library.similar(pc.ref.className()).isEmpty() ? "" : " (did you mean " + String.join(" or ", library.similar(pc.ref.className())) + "?)";
                    problem(pc.line, "unknown module ${" + pc.ref.className() + "}" + hint);
                    continue;
                }
                ArgumentBinder.Bound bound = ArgumentBinder.bind(callee.analysis(), pc.ref, scope.evaluator());
                if (!bound.errors().isEmpty()) {
                    for (String e : bound.errors()) problem(pc.line, e);
                    continue;
                }
                if (checkOnly) continue;
                CostNode child = node(pc.ref.className(), bound.values(), file, pc.line);
                resolved.add(new CostNode.Call(pc.multiplier.multiply(repeat), child, pc.line));
            }
            return new CostNode.KernelCost(k, own, resolved);
        }

        private int at(int line, int fallback) { return line > 0 ? line : fallback; }

        private Poly evalPlain(String text, int line, String what) {
            try {
                return scope.evaluator().eval(FormulaParser.parse(text));
            } catch (FormulaSyntaxError e) {
                problem(line, what + " does not parse: " + e.getMessage());
            } catch (SymbolicException e) {
                problem(line, what + ": " + scope.explain(e));
            }
            return null;
        }

        /** The residual (basic) part of one cost field; module references go to {@code calls}. */
        private Poly field(String text, int line, String what, Map<String, PendingCall> calls) {
            Expr e;
            try {
                e = FormulaParser.parse(text);
            } catch (FormulaSyntaxError ex) {
                problem(line, what + " does not parse: " + ex.getMessage());
                return null;
            }
            try {
                RefTerms t = RefTerms.split(e);
                // the same reference twice in one field adds up: ${X}() + ${X}() is 2 * ${X}()
                Map<String, PendingCall> here = new LinkedHashMap<>();
                for (RefTerms.Term term : t.refs()) {
                    Poly m = scope.evaluator().eval(term.multiplier());
                    String key = term.ref().className() + FormulaPrinter.print(term.ref());
                    PendingCall prev = here.get(key);
                    here.put(key, new PendingCall(term.ref(), prev == null ? m : prev.multiplier.add(m), line));
                }
                for (var en : here.entrySet()) {
                    String key = en.getKey();
                    Poly m = en.getValue().multiplier;
                    PendingCall existing = calls.get(key);
                    if (existing == null) calls.put(key, en.getValue());
                    else if (!existing.multiplier.equals(m)) {
                        warn(line, what + " counts ${" + en.getValue().ref.className() + "} " + m.toFormula() + " times but an earlier field counts it "
                                + existing.multiplier.toFormula() + " times; the first is used");
                    }
                }
                return scope.evaluator().eval(t.residual());
            } catch (SymbolicException ex) {
                problem(line, what + ": " + scope.explain(ex));
                return null;
            }
        }
    }

    private record PendingCall(Expr.Ref ref, Poly multiplier, int line) {}

    /** Structure checks that need no evaluation: kernel lines inside forward(), overlapping kernels. */
    private void checkStructure(LibraryEntry entry) {
        ModuleAnalysis a = entry.analysis();
        var fwd = a.source().forward();
        for (int i = 0; i < a.kernels().size(); i++) {
            Kernel k = a.kernels().get(i);
            int line = entry.positions().kernel(i).heading();
            if (fwd != null && !fwd.contains(k.lines())) {
                diagnostics.add(Diagnostic.error(entry.file(), line, "kernel lines " + k.lines() + " lie outside the forward method (lines " + fwd + ")"));
            }
            for (int j = 0; j < i; j++) {
                Kernel o = a.kernels().get(j);
                boolean partial = o.lines().start() <= k.lines().end() && k.lines().start() <= o.lines().end()
                        && !o.lines().contains(k.lines()) && !k.lines().contains(o.lines());
                // kernels on one line, or nested in a statement's range, are normal; a partial overlap is a mistake
                if (partial && !o.optional() && !k.optional()) {
                    diagnostics.add(Diagnostic.warning(entry.file(), line, "kernel lines " + k.lines() + " overlap kernel lines " + o.lines() + ": a line may be counted twice"));
                }
            }
        }
    }
}
