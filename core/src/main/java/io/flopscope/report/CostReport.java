package io.flopscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.Unknown;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** Renders an evaluated cost tree as text, JSON, CSV or Markdown. Pure: returns strings. */
public final class CostReport {

    private final String model;
    private final Scenario scenario;
    private final boolean causal;
    private final EvaluatedNode root;
    private final List<Unknown> unknowns;
    private final int depth;

    public CostReport(String model, Scenario scenario, boolean causal, EvaluatedNode root, List<Unknown> unknowns, int depth) {
        this.model = model;
        this.scenario = scenario;
        this.causal = causal;
        this.root = root;
        this.unknowns = unknowns;
        this.depth = depth;
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        Numbers t = root.total();
        sb.append(model).append(" · ").append(scenarioLine()).append('\n');
        sb.append(Units.left("module", 58)).append(' ').append(Units.right("repeat", 6)).append(' ').append(Units.right("self FLOPs", 12)).append(' ')
          .append(Units.right("FLOPs", 12)).append(' ').append(Units.right("read", 12)).append(' ').append(Units.right("written", 12)).append(' ')
          .append(Units.right("share", 7)).append('\n');
        row(sb, root, "", true, 0, t.flops(), Rational.ONE);
        sb.append('\n');
        sb.append("total FLOPs    ").append(Units.si(t.flops(), "FLOP")).append("  (matmul ").append(Units.si(t.matmulFlops(), "FLOP"))
          .append(", vector ").append(Units.si(t.vectorFlops(), "FLOP")).append(")\n");
        sb.append("bytes read     ").append(Units.si(t.bytesRead(), "B")).append('\n');
        sb.append("bytes written  ").append(Units.si(t.bytesWritten(), "B")).append('\n');
        sb.append("exact          flops=").append(exact(t.flops())).append(" matmul_flops=").append(exact(t.matmulFlops()))
          .append(" vector_flops=").append(exact(t.vectorFlops())).append(" bytes_read=").append(exact(t.bytesRead()))
          .append(" bytes_written=").append(exact(t.bytesWritten())).append('\n');
        appendUnknowns(sb);
        return sb.toString();
    }

    private void appendUnknowns(StringBuilder sb) {
        if (unknowns.isEmpty()) return;
        sb.append("\nINCOMPLETE: ").append(unknowns.size()).append(unknowns.size() == 1 ? " part was" : " parts were")
          .append(" not analysed and NOT counted in the totals:\n");
        for (Unknown u : unknowns) sb.append("  ").append(u).append('\n');
    }

    /** Figures are totals over every instance: mult is the product of the repeats above this node. */
    private void row(StringBuilder sb, EvaluatedNode n, String indent, boolean last, int level, Rational whole, Rational mult) {
        Rational all = mult.multiply(n.repeat());
        String name = level == 0 ? n.simpleName() : indent + (last ? "└─ " : "├─ ") + n.simpleName() + (n.via() == null ? "" : " (" + n.via() + ")");
        if (name.length() > 58) name = name.substring(0, 57) + "…";
        Numbers total = EvaluatedNode.scale(n.cumulative(), all);
        sb.append(Units.left(name, 58)).append(' ').append(Units.right("×" + n.repeat().toDecimalString(), 6)).append(' ')
          .append(Units.right(Units.si(EvaluatedNode.scale(n.self(), all).flops(), "F"), 12)).append(' ').append(Units.right(Units.si(total.flops(), "F"), 12)).append(' ')
          .append(Units.right(Units.si(total.bytesRead(), "B"), 12)).append(' ').append(Units.right(Units.si(total.bytesWritten(), "B"), 12)).append(' ')
          .append(Units.right(Units.percent(total.flops(), whole), 7)).append('\n');
        if (depth >= 0 && level >= depth) return;
        String childIndent = level == 0 ? "" : indent + (last ? "   " : "│  ");
        for (int i = 0; i < n.children().size(); i++) row(sb, n.children().get(i), childIndent, i == n.children().size() - 1, level + 1, whole, all);
    }

    private String scenarioLine() { return scenarioLine(scenario, causal); }

    static String scenarioLine(Scenario scenario, boolean causal) {
        return scenario.phase().name().toLowerCase(Locale.ROOT) + " batch_size=" + scenario.batchSize() + " seq_len=" + scenario.seqLen()
                + " cache_len=" + scenario.cacheLen() + " weights=" + scenario.weights().id + " activations=" + scenario.activations().id
                + " kv=" + scenario.kvCache().id + (causal ? " causal" : "");
    }

    /** The "unanalysed" array of the JSON reports: what is not in the totals, with where and why. */
    public static void putUnanalysed(ObjectNode o, List<Unknown> unknowns) {
        ArrayNode u = o.putArray("unanalysed");
        for (Unknown x : unknowns) {
            ObjectNode n = u.addObject();
            n.put("class", x.className());
            n.put("file", x.file());
            n.put("line", x.line());
            n.put("reason", x.reason());
        }
    }

    /** The "scenario" object of the JSON reports (the predictor adds its device's keys to it). */
    public static ObjectNode scenarioNode(Scenario scenario, boolean causal) {
        ObjectNode s = JsonOutput.object();
        s.put("phase", scenario.phase().name().toLowerCase(Locale.ROOT));
        s.put("batch_size", scenario.batchSize());
        s.put("seq_len", scenario.seqLen());
        s.put("cache_len", scenario.cacheLen());
        s.put("weight_dtype", scenario.weights().id);
        s.put("activation_dtype", scenario.activations().id);
        s.put("kv_dtype", scenario.kvCache().id);
        s.put("causal", causal);
        return s;
    }

    public String json() { return JsonOutput.write(jsonTree()); }

    /** What {@link #json()} prints. */
    public ObjectNode jsonTree() {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.set("scenario", scenarioNode(scenario, causal));
        o.set("totals", numbers(root.total()));
        o.put("complete", unknowns.isEmpty());
        putUnanalysed(o, unknowns);
        o.set("tree", node(root, 0));
        return o;
    }

    private ObjectNode node(EvaluatedNode n, int level) {
        ObjectNode o = JsonOutput.object();
        o.put("class", n.className());
        if (n.via() != null) { o.put("via", n.via()); o.put("line", n.line()); }
        putNumber(o, "repeat", n.repeat());
        o.set("self", numbers(n.self()));
        o.set("cumulative", numbers(n.cumulative()));
        o.set("total", numbers(n.total()));
        ArrayNode ks = o.putArray("kernels");
        for (EvaluatedNode.EvaluatedKernel k : n.kernels()) {
            ObjectNode kn = ks.addObject();
            kn.put("line", k.line());
            kn.put("title", k.title());
            kn.put("flop_class", k.flopClass().label());
            kn.setAll(numbers(k.numbers()));
        }
        ArrayNode cs = o.putArray("children");
        if (depth < 0 || level < depth) for (EvaluatedNode c : n.children()) cs.add(node(c, level + 1));
        return o;
    }

    static ObjectNode numbers(Numbers x) {
        ObjectNode o = JsonOutput.object();
        putNumber(o, "flops", x.flops());
        putNumber(o, "matmul_flops", x.matmulFlops());
        putNumber(o, "vector_flops", x.vectorFlops());
        putNumber(o, "bytes_read", x.bytesRead());
        putNumber(o, "bytes_written", x.bytesWritten());
        return o;
    }

    /** Exact integers as JSON numbers; a non-integer (int4 halves) as an exact decimal number. */
    static void putNumber(ObjectNode o, String field, Rational r) {
        if (r.isInteger()) o.put(field, r.num());
        else {
            String d = r.toDecimalString();
            if (d.contains("/")) o.put(field, d);
            else o.put(field, new BigDecimal(d));
        }
    }

    static String exact(Rational r) { return r.toDecimalString(); }

    public String csv() {
        StringBuilder sb = new StringBuilder("path,class,line,repeat,instances,self_flops,flops,matmul_flops,vector_flops,bytes_read,bytes_written\n");
        csvRow(sb, root, root.simpleName(), 0, Rational.ONE);
        return sb.toString();
    }

    private void csvRow(StringBuilder sb, EvaluatedNode n, String path, int level, Rational mult) {
        Rational all = mult.multiply(n.repeat());
        Numbers t = EvaluatedNode.scale(n.cumulative(), all);
        sb.append(csvField(path)).append(',').append(n.className()).append(',').append(n.line()).append(',').append(n.repeat().toDecimalString()).append(',')
          .append(all.toDecimalString()).append(',').append(exact(EvaluatedNode.scale(n.self(), all).flops())).append(',').append(exact(t.flops())).append(',').append(exact(t.matmulFlops())).append(',')
          .append(exact(t.vectorFlops())).append(',').append(exact(t.bytesRead())).append(',').append(exact(t.bytesWritten())).append('\n');
        if (depth >= 0 && level >= depth) return;
        List<String> segments = n.childSegments();
        for (int i = 0; i < segments.size(); i++) csvRow(sb, n.children().get(i), path + "/" + segments.get(i), level + 1, all);
    }

    private static String csvField(String s) { return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s; }

    /** One self-contained HTML page: the totals and the collapsible cost tree. */
    public String html() {
        HtmlReport h = new HtmlReport("FlopScope: " + model, scenarioLine());
        appendHtml(h, model, scenario, causal, root, unknowns);
        return h.html();
    }

    /** The totals, the parts not analysed and the cost tree of one scenario, as sections of a page. */
    static void appendHtml(HtmlReport h, String model, Scenario scenario, boolean causal, EvaluatedNode root, List<Unknown> unknowns) {
        if (!unknowns.isEmpty()) {
            h.warning("Incomplete: " + unknowns.size() + (unknowns.size() == 1 ? " part was" : " parts were") + " not analysed and NOT counted",
                    unknowns.stream().map(Unknown::toString).toList());
        }
        Numbers t = root.total();
        Rational bytes = t.bytes();
        h.facts("Totals of one forward call (" + scenarioLine(scenario, causal) + ")", List.of(
                new String[] {"FLOPs", Units.si(t.flops(), "FLOP"), "exact " + exact(t.flops())},
                new String[] {"matmul FLOPs", Units.si(t.matmulFlops(), "FLOP"), "exact " + exact(t.matmulFlops())},
                new String[] {"vector FLOPs", Units.si(t.vectorFlops(), "FLOP"), "exact " + exact(t.vectorFlops())},
                new String[] {"bytes read", Units.si(t.bytesRead(), "B"), "exact " + exact(t.bytesRead())},
                new String[] {"bytes written", Units.si(t.bytesWritten(), "B"), "exact " + exact(t.bytesWritten())},
                new String[] {"arithmetic intensity", bytes.isZero() ? "-" : String.format(Locale.ROOT, "%.2f FLOP/byte", t.flops().divide(bytes).doubleValue()), null}));
        h.tree("Cost tree of " + model + " (totals over all instances)", HtmlReport.COST_COLUMNS, HtmlReport.costTree(root), HtmlReport.COST_KERNEL_COLUMNS, 2);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("# Cost of ").append(model).append("\n\n").append(scenarioLine()).append("\n\n");
        sb.append("| module | repeat | FLOPs | matmul | vector | read | written | share |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
        mdRow(sb, root, 0, root.total().flops(), Rational.ONE);
        Numbers t = root.total();
        sb.append("\n**Totals:** ").append(exact(t.flops())).append(" FLOPs (matmul ").append(exact(t.matmulFlops())).append(", vector ")
          .append(exact(t.vectorFlops())).append("), ").append(exact(t.bytesRead())).append(" bytes read, ").append(exact(t.bytesWritten())).append(" bytes written.\n");
        if (!unknowns.isEmpty()) {
            sb.append("\n**Incomplete:** not analysed, not in the totals:\n\n");
            for (Unknown u : unknowns) sb.append("- `").append(u).append("`\n");
        }
        return sb.toString();
    }

    private void mdRow(StringBuilder sb, EvaluatedNode n, int level, Rational whole, Rational mult) {
        Rational all = mult.multiply(n.repeat());
        Numbers t = EvaluatedNode.scale(n.cumulative(), all);
        sb.append("| ").append("&nbsp;&nbsp;".repeat(level)).append(n.simpleName()).append(n.via() == null ? "" : " (" + n.via() + ")")
          .append(" | ").append(n.repeat().toDecimalString()).append(" | ").append(Units.si(t.flops(), "FLOP")).append(" | ").append(Units.si(t.matmulFlops(), "FLOP"))
          .append(" | ").append(Units.si(t.vectorFlops(), "FLOP")).append(" | ").append(Units.si(t.bytesRead(), "B")).append(" | ")
          .append(Units.si(t.bytesWritten(), "B")).append(" | ").append(Units.percent(t.flops(), whole)).append(" |\n");
        if (depth >= 0 && level >= depth) return;
        for (EvaluatedNode c : n.children()) mdRow(sb, c, level + 1, whole, all);
    }

}
