package io.flopscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.Unknown;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The totals of one forward call at every point of a grid of scenarios, as text, CSV (one row per point,
 * for pandas), JSON ({"model","points":[{"scenario","totals"}]}) or a self-contained HTML page with the
 * sweep charts. Pure: returns strings.
 */
public final class CostSweep {

    /** One grid point and the model's totals there. */
    public record Point(Scenario scenario, Numbers totals) {}

    /** The scenario columns of every sweep CSV. */
    public static final String SCENARIO_COLUMNS = "phase,batch_size,seq_len,cache_len,weight_dtype,activation_dtype,kv_dtype,causal";

    private final String model;
    private final boolean causal;
    private final List<Point> points;
    private final List<Unknown> unknowns;

    public CostSweep(String model, boolean causal, List<Point> points, List<Unknown> unknowns) {
        this.model = model;
        this.causal = causal;
        this.points = List.copyOf(points);
        this.unknowns = List.copyOf(unknowns);
    }

    public List<Point> points() { return points; }

    /** The scenario columns of one CSV row (see {@link #SCENARIO_COLUMNS}). */
    public static String scenarioCells(Scenario s, boolean causal) {
        return s.phase().name().toLowerCase(Locale.ROOT) + ',' + s.batchSize() + ',' + s.seqLen() + ',' + s.cacheLen() + ','
                + s.weights().id + ',' + s.activations().id + ',' + s.kvCache().id + ',' + causal;
    }

    /** "prefill · weights=bf16 activations=bf16 kv=bf16 · 12 points": what the points share. */
    public static String describe(List<Scenario> scenarios, boolean causal) {
        Scenario s = scenarios.get(0);
        return s.phase().name().toLowerCase(Locale.ROOT) + " · weights=" + s.weights().id + " activations=" + s.activations().id + " kv=" + s.kvCache().id
                + (causal ? " causal" : "") + " · " + scenarios.size() + (scenarios.size() == 1 ? " point" : " points");
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(model).append(" · sweep · ").append(describe(scenarios(), causal)).append('\n');
        sb.append(String.format(Locale.ROOT, "%10s %9s %9s %12s %12s %12s %12s %12s %10s%n", "batch_size", "seq_len", "cache_len", "FLOPs", "matmul", "vector",
                "read", "written", "FLOP/B"));
        for (Point p : points) {
            Numbers t = p.totals();
            sb.append(String.format(Locale.ROOT, "%10d %9d %9d %12s %12s %12s %12s %12s %10s%n", p.scenario().batchSize(), p.scenario().seqLen(), p.scenario().cacheLen(),
                    Units.si(t.flops(), "F"), Units.si(t.matmulFlops(), "F"), Units.si(t.vectorFlops(), "F"), Units.si(t.bytesRead(), "B"),
                    Units.si(t.bytesWritten(), "B"), intensity(t)));
        }
        if (!unknowns.isEmpty()) {
            sb.append("\nINCOMPLETE: ").append(unknowns.size()).append(unknowns.size() == 1 ? " part was" : " parts were")
              .append(" not analysed and NOT counted in the totals:\n");
            for (Unknown u : unknowns) sb.append("  ").append(u).append('\n');
        }
        return sb.toString();
    }

    private static String intensity(Numbers t) {
        return t.bytes().isZero() ? "-" : String.format(Locale.ROOT, "%.2f", t.flops().divide(t.bytes()).doubleValue());
    }

    private List<Scenario> scenarios() { return points.stream().map(Point::scenario).toList(); }

    /** Header {@link #SCENARIO_COLUMNS} then flops,matmul_flops,vector_flops,bytes_read,bytes_written,bytes (exact). */
    public String csv() {
        StringBuilder sb = new StringBuilder(SCENARIO_COLUMNS).append(",flops,matmul_flops,vector_flops,bytes_read,bytes_written,bytes\n");
        for (Point p : points) {
            Numbers t = p.totals();
            sb.append(scenarioCells(p.scenario(), causal)).append(',').append(exact(t.flops())).append(',').append(exact(t.matmulFlops())).append(',')
              .append(exact(t.vectorFlops())).append(',').append(exact(t.bytesRead())).append(',').append(exact(t.bytesWritten())).append(',')
              .append(exact(t.bytes())).append('\n');
        }
        return sb.toString();
    }

    /** CSV has no fractions: a non-terminating rational (never produced by the built-in dtypes) becomes a double. */
    private static String exact(Rational r) {
        String d = r.toDecimalString();
        return d.contains("/") ? Double.toString(r.doubleValue()) : d;
    }

    public String json() {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("complete", unknowns.isEmpty());
        ArrayNode ps = o.putArray("points");
        for (Point p : points) {
            ObjectNode n = ps.addObject();
            n.set("scenario", CostReport.scenarioNode(p.scenario(), causal));
            n.set("totals", CostReport.numbers(p.totals()));
        }
        CostReport.putUnanalysed(o, unknowns);
        return JsonOutput.write(o);
    }

    /** Axis names and coordinates of the points, for {@link SweepCharts}. */
    public static final List<String> AXES = List.of("batch_size", "seq_len", "cache_len");

    public static List<long[]> coords(List<Scenario> scenarios) {
        List<long[]> out = new ArrayList<>();
        for (Scenario s : scenarios) out.add(new long[] {s.batchSize(), s.seqLen(), s.cacheLen()});
        return out;
    }

    /** The sweep charts and table, then the cost tree of one point ({@code tree}, evaluated at {@code treeAt}). */
    public String html(EvaluatedNode tree, Scenario treeAt) {
        HtmlReport h = new HtmlReport("FlopScope sweep: " + model, describe(scenarios(), causal));
        if (!unknowns.isEmpty()) {
            h.warning("Incomplete: " + unknowns.size() + (unknowns.size() == 1 ? " part was" : " parts were") + " not analysed and NOT counted",
                    unknowns.stream().map(Unknown::toString).toList());
        }
        int n = points.size();
        double[] flops = new double[n], bytes = new double[n], intensity = new double[n];
        for (int i = 0; i < n; i++) {
            Numbers t = points.get(i).totals();
            flops[i] = t.flops().doubleValue();
            bytes[i] = t.bytes().doubleValue();
            intensity[i] = t.bytes().isZero() ? Double.NaN : flops[i] / bytes[i];
        }
        List<String> charts = SweepCharts.charts(AXES, coords(scenarios()), List.of(
                new SweepCharts.Metric("FLOPs", "", flops, v -> Units.si(v, "FLOP")),
                new SweepCharts.Metric("bytes moved", "B", bytes, v -> Units.si(v, "B")),
                new SweepCharts.Metric("FLOP per byte", "", intensity, v -> String.format(Locale.ROOT, "%.2f", v))));
        h.charts("Sweep", charts, charts.isEmpty() ? "Only one point: nothing varies." : null);
        List<List<String>> rows = new ArrayList<>();
        for (Point p : points) {
            Numbers t = p.totals();
            rows.add(List.of(Long.toString(p.scenario().batchSize()), Long.toString(p.scenario().seqLen()), Long.toString(p.scenario().cacheLen()),
                    Units.si(t.flops(), "FLOP"), Units.si(t.matmulFlops(), "FLOP"), Units.si(t.vectorFlops(), "FLOP"), Units.si(t.bytesRead(), "B"),
                    Units.si(t.bytesWritten(), "B"), intensity(t)));
        }
        h.table("Points", List.of("batch_size", "seq_len", "cache_len", "FLOPs", "matmul", "vector", "read", "written", "FLOP/byte"), rows);
        h.paragraph("The tree below is for the last point of the grid.");
        CostReport.appendHtml(h, model, treeAt, causal, tree, List.of());
        return h.html();
    }
}
