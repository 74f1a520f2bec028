package io.flopscope.analyzer.emit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.FlopClass;
import io.flopscope.document.Kernel;
import io.flopscope.document.KernelType;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.PhaseWeight;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Atom;
import io.flopscope.formula.Expr;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaPrinter;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.formula.SymbolicEvaluator;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of an analysis document (issue 12): each reference's arguments justified, and a summary that states the
 * module's own and cumulative cost per call in closed form, per phase where the document holds both, and at the root
 * the model's kernels by share at a stated scenario. Pure: documents in, documents out.
 */
public final class Summaries {
    private Summaries() {}

    /** The scenario the root's share table is stated at. */
    static final long TABLE_BATCH = 1, TABLE_SEQ = 128, TABLE_CACHE = 128;
    static final int TABLE_ROWS = 8;

    private static final Atom POSITIVE_CACHE = new Atom.Fn("positive", List.of(Poly.symbol("cache_len")));

    public static List<ModuleAnalysis> complete(List<ModuleAnalysis> documents, String root, Map<String, Object> config) {
        Library lib = Library.builtIn();
        List<ModuleAnalysis> docs = withJustifications(documents, lib); // before the documents join it: callees' parameters
        for (ModuleAnalysis a : docs) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        Resolver resolver = new Resolver(lib, false);
        List<ModuleAnalysis> out = new ArrayList<>();
        for (ModuleAnalysis a : docs) {
            boolean both = a.conditions().stream().anyMatch(c -> c.startsWith("prefill and decode together"));
            StringBuilder summary = new StringBuilder(a.summary());
            Cost self = selfCost(a);
            if (self != null) {
                summary.append("\n\nSelf cost per call, in closed form (this module's own kernels; what it calls is in those modules' documents):");
                appendForms(summary, self, both);
            }
            CostNode resolved = resolve(resolver, a.className());
            if (resolved != null) {
                var c = resolved.cumulative();
                summary.append(a.className().equals(root) ? MODEL : CUMULATIVE).append(" (this module and everything it calls):");
                appendForms(summary, new Cost(c.matmulFlops(), c.vectorFlops(), c.bytesRead(), c.bytesWritten()), both);
                if (a.className().equals(root)) appendShares(summary, resolved, config, both);
            }
            out.add(new ModuleAnalysis(a.className(), a.source(), a.conditions(), a.skipped(), a.parameters(), a.variables(), a.kernels(), summary.toString()));
        }
        return out;
    }

    private static final String CUMULATIVE = "\n\nCumulative cost per call, in closed form", MODEL = "\n\nThe model's totals per call, in closed form";

    /** A summary without what depends on other documents (cumulative forms, the model's totals and shares). */
    public static String intrinsic(String summary) {
        int cut = summary.length();
        for (String m : new String[] {CUMULATIVE, MODEL}) { int i = summary.indexOf(m); if (i >= 0) cut = Math.min(cut, i); }
        return summary.substring(0, cut);
    }

    record Cost(Poly matmul, Poly vector, Poly read, Poly write) {
        Cost map(java.util.function.UnaryOperator<Poly> f) { return new Cost(f.apply(matmul), f.apply(vector), f.apply(read), f.apply(write)); }
    }

    /** Prefill: no cache (cache_len = 0); decode: one new token per sequence on a cache (seq_len = 1, positive(cache_len) = 1). */
    static Poly prefill(Poly p) { return p.substitute(s -> s.equals("cache_len") ? Poly.ZERO : null); }

    static Poly decode(Poly p) { return p.replaceAtom(POSITIVE_CACHE, Poly.ONE).substitute(s -> s.equals("seq_len") ? Poly.ONE : null); }

    private static void appendForms(StringBuilder sb, Cost c, boolean both) {
        Cost p = c.map(Summaries::prefill), d = c.map(Summaries::decode);
        if (!both) { appendCost(sb, c, ""); return; }
        if (p.equals(d)) { sb.append("\n- the same in prefill and decode:"); appendCost(sb, p, "  "); return; }
        sb.append("\n- prefill (cache_len = 0):");
        appendCost(sb, p, "  ");
        sb.append("\n- decode (one new token per sequence: seq_len = 1, cache_len ≥ 1):");
        appendCost(sb, d, "  ");
    }

    private static void appendCost(StringBuilder sb, Cost c, String indent) {
        sb.append('\n').append(indent).append("- matmul FLOPs: `").append(c.matmul().toFormula()).append('`');
        sb.append('\n').append(indent).append("- vector FLOPs: `").append(c.vector().toFormula()).append('`');
        sb.append('\n').append(indent).append("- bytes read: `").append(c.read().toFormula()).append('`');
        sb.append('\n').append(indent).append("- bytes written: `").append(c.write().toFormula()).append('`');
    }

    /** The module's own basic kernels, each times its Repeat (phase weights included); null when a formula does not reduce. */
    private static Cost selfCost(ModuleAnalysis a) {
        SymbolicEvaluator ev = new SymbolicEvaluator(Poly::symbol, false);
        Poly mm = Poly.ZERO, vec = Poly.ZERO, read = Poly.ZERO, write = Poly.ZERO;
        try {
            for (Kernel k : a.kernels()) {
                if (k.type() != KernelType.BASIC || k.isUnanalysed() || k.optional()) continue;
                Poly r = k.repeat() == null ? Poly.ONE : ev.eval(FormulaParser.parse(k.repeat()));
                Poly f = ev.eval(FormulaParser.parse(k.flops())).multiply(r);
                if (k.flopClass() == FlopClass.MATMUL) mm = mm.add(f); else vec = vec.add(f);
                read = read.add(ev.eval(FormulaParser.parse(k.read())).multiply(r));
                write = write.add(ev.eval(FormulaParser.parse(k.write())).multiply(r));
            }
        } catch (RuntimeException | SymbolicEvaluator.SymbolicException | FormulaSyntaxError e) {
            return null;
        }
        return new Cost(mm, vec, read, write);
    }

    private static CostNode resolve(Resolver resolver, String className) {
        try {
            Resolver.Resolution r = resolver.resolve(className);
            return r.hasErrors() || !r.root().complete() ? null : r.root();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- the root's kernels by share -----------------------------------------------------------------------------

    /**
     * The model's basic kernels at a stated scenario (batch 1, a 128-token prompt; a decode step on 128 cached tokens;
     * bf16; the config values the analysis read), largest first: prefill by FLOPs, decode by bytes, which bound each.
     * Left out when the config does not evaluate every formula.
     */
    private static void appendShares(StringBuilder sb, CostNode root, Map<String, Object> config, boolean both) {
        ModelConfig cfg = configOf(config);
        if (cfg == null) return;
        try {
            StringBuilder t = new StringBuilder();
            t.append("\n\nKernels by share at a stated scenario: batch_size = ").append(TABLE_BATCH).append(", bf16, the config values this analysis read.");
            table(t, EvaluatedNode.of(root, new Evaluator(Scenario.of(Phase.PREFILL, TABLE_BATCH, TABLE_SEQ, 0, Dtype.BF16), cfg)),
                    "Prefill of " + TABLE_SEQ + " tokens (cache_len = 0), by FLOPs", true);
            if (both) {
                table(t, EvaluatedNode.of(root, new Evaluator(Scenario.of(Phase.DECODE, TABLE_BATCH, 1, TABLE_CACHE, Dtype.BF16), cfg)),
                        "Decode of one token on " + TABLE_CACHE + " cached tokens, by bytes moved", false);
            }
            sb.append(t);
        } catch (RuntimeException e) {
            // a formula needs a value the analysed config lacks (a MoE routing count): no table rather than a wrong one
        }
    }

    private static ModelConfig configOf(Map<String, Object> config) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (var e : config.entrySet()) {
            Object v = e.getValue();
            if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) values.put(e.getKey(), v);
            else if (v instanceof List<?> l && l.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean || x instanceof String)) values.put(e.getKey(), v);
        }
        try {
            return ModelConfig.parse("analysed config", new ObjectMapper().writeValueAsString(values));
        } catch (Exception e) {
            return null;
        }
    }

    private record Row(String where, String title, Rational flops, Rational bytes) {}

    private static void table(StringBuilder sb, EvaluatedNode root, String heading, boolean byFlops) {
        Map<String, Row> rows = new LinkedHashMap<>();
        collect(root, Rational.ONE, rows);
        Numbers total = root.total();
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort((x, y) -> byFlops ? y.flops().compareTo(x.flops()) : y.bytes().compareTo(x.bytes()));
        sb.append("\n\n").append(heading).append(": ").append(String.format(Locale.ROOT, "%,d", total.flops().floor()))
          .append(" FLOPs, ").append(String.format(Locale.ROOT, "%,d", total.bytes().floor())).append(" bytes in all.\n\n");
        sb.append("| Kernel | Line | FLOPs | share | bytes | share |\n| --- | --- | ---: | ---: | ---: | ---: |");
        for (Row r : sorted.subList(0, Math.min(TABLE_ROWS, sorted.size()))) {
            sb.append("\n| ").append(r.title().replace("|", "\\|")).append(" | ").append(r.where()).append(" | ")
              .append(String.format(Locale.ROOT, "%,d", r.flops().floor())).append(" | ").append(percent(r.flops(), total.flops())).append(" | ")
              .append(String.format(Locale.ROOT, "%,d", r.bytes().floor())).append(" | ").append(percent(r.bytes(), total.bytes())).append(" |");
        }
    }

    /** Every basic kernel of the tree, summed over all its instances, keyed by class, line and title. */
    private static void collect(EvaluatedNode n, Rational parentCount, Map<String, Row> rows) {
        Rational count = parentCount.multiply(n.repeat());
        for (EvaluatedNode.EvaluatedKernel k : n.kernels()) {
            Numbers x = k.numbers();
            if (x.flops().signum() == 0 && x.bytes().signum() == 0) continue;
            String where = n.simpleName() + ":" + k.line();
            rows.merge(where + " " + k.title(), new Row(where, k.title(), x.flops().multiply(count), x.bytes().multiply(count)),
                    (a, b) -> new Row(a.where(), a.title(), a.flops().add(b.flops()), a.bytes().add(b.bytes())));
        }
        for (EvaluatedNode c : n.children()) collect(c, count, rows);
    }

    private static String percent(Rational part, Rational whole) {
        if (whole.signum() == 0) return "–";
        return String.format(Locale.ROOT, "%.1f%%", part.doubleValue() * 100 / whole.doubleValue());
    }

    // ---- references ------------------------------------------------------------------------------------------------

    /**
     * Every reference's arguments justified (the seed's "Parameter Justification", per reference): each bound
     * argument, its value here, and what the callee's document says the parameter is. The value's own symbols are in
     * this document's Variable and Shape Definitions, with the line that reads each config field.
     */
    static List<ModuleAnalysis> withJustifications(List<ModuleAnalysis> docs, Library builtIn) {
        Map<String, ModuleAnalysis> byClass = new LinkedHashMap<>();
        for (ModuleAnalysis a : docs) byClass.put(a.className(), a);
        List<ModuleAnalysis> out = new ArrayList<>();
        for (ModuleAnalysis a : docs) {
            List<Kernel> ks = new ArrayList<>();
            List<String> js = new ArrayList<>();
            for (Kernel k : a.kernels()) {
                js.add(k.type() == KernelType.COMPOSITE && !k.isUnanalysed() && k.justification().isEmpty() ? justification(k, byClass, builtIn) : k.justification());
            }
            // an entry that gives both phases has one justification, each argument's two values side by side
            for (var t : PhaseWeight.decodeTwins(a.kernels()).entrySet()) {
                String merged = io.flopscope.document.MarkdownWriter.mergedJustification(js.get(t.getKey()), js.get(t.getValue()));
                js.set(t.getKey(), merged);
                js.set(t.getValue(), merged);
            }
            for (int i = 0; i < a.kernels().size(); i++) {
                Kernel k = a.kernels().get(i);
                String j = js.get(i);
                ks.add(j.equals(k.justification()) ? k : new Kernel(k.lines(), k.title(), k.phase(), k.code(), k.type(), k.operation(), k.analysis(),
                        k.flopClass(), k.flops(), k.read(), k.write(), k.repeat(), k.optional(), j, k.unanalysed()));
            }
            out.add(new ModuleAnalysis(a.className(), a.source(), a.conditions(), a.skipped(), a.parameters(), a.variables(), ks, a.summary()));
        }
        return out;
    }

    private static String justification(Kernel k, Map<String, ModuleAnalysis> docs, Library builtIn) {
        Expr e;
        try {
            e = FormulaParser.parse(k.flops());
        } catch (FormulaSyntaxError x) {
            return "";
        }
        if (!(e instanceof Expr.Ref ref) || ref.args().isEmpty()) return "";
        ModuleAnalysis callee = docs.containsKey(ref.className()) ? docs.get(ref.className()) : builtIn.analysis(ref.className()).orElse(null);
        Map<String, String> meaning = new LinkedHashMap<>();
        if (callee != null && callee.parameters() != null) for (var p : callee.parameters()) meaning.put(p.name(), p.description());
        PhaseWeight w = PhaseWeight.parse(k.repeat());
        String callee0 = ref.className().substring(ref.className().lastIndexOf('.') + 1);
        StringBuilder sb = new StringBuilder("**Parameter Justification").append(w == null ? "" : " (" + w.phase() + ")").append("**:");
        for (Expr.Arg arg : ref.args()) {
            sb.append("\n- `").append(arg.name()).append(" = ").append(FormulaPrinter.print(arg.value())).append('`');
            String m = meaning.getOrDefault(arg.name(), "");
            sb.append(": ").append(m.isEmpty() ? "parameter " + arg.name() + " of " + callee0 : m);
        }
        return sb.toString();
    }
}
