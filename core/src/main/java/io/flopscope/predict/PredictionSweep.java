package io.flopscope.predict;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Scenario;
import io.flopscope.report.CostSweep;
import io.flopscope.report.HtmlReport;
import io.flopscope.report.SweepCharts;
import io.flopscope.report.Units;
import io.flopscope.resolve.Unknown;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Predictions at every point of a grid of scenarios on one device: text, CSV (one row per point, for
 * pandas), JSON ({"model","hardware","points":[{"scenario","totals","memory"}]}) and HTML with latency,
 * tokens-per-second and memory charts. Pure: returns strings.
 */
public final class PredictionSweep {
    /** One grid point: its scenario, its prediction and, when the config allows, its memory footprint. */
    public record Point(Scenario scenario, Prediction prediction, MemoryFootprint.Footprint memory) {}

    private final String model;
    private final boolean causal;
    private final List<Point> points;
    private final List<Unknown> unknowns;

    public PredictionSweep(String model, boolean causal, List<Point> points, List<Unknown> unknowns) {
        if (points.isEmpty()) throw new IllegalArgumentException("a sweep needs at least one point");
        this.model = model;
        this.causal = causal;
        this.points = List.copyOf(points);
        this.unknowns = List.copyOf(unknowns);
    }

    public List<Point> points() { return points; }

    /**
     * Tokens through the model per second: batch_size × seq_len / seconds. In a prefill these are prompt
     * tokens processed; in a decode step (seq_len = 1) they are the tokens generated.
     */
    public static double tokensPerSecond(Scenario s, double seconds) {
        return seconds > 0 ? s.batchSize() * (double) s.seqLen() / seconds : Double.NaN;
    }

    private Target target() { return points.get(0).prediction().target(); }

    private List<Scenario> scenarios() { return points.stream().map(Point::scenario).toList(); }

    private String header() {
        Target t = target();
        return model + " on " + t.hardware().name() + " · sweep · " + CostSweep.describe(scenarios(), causal) + (t.tensorParallel() > 1 ? " · tp=" + t.tensorParallel() : "");
    }

    // ---- text ---------------------------------------------------------------------------------------

    public String text() {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        sb.append("rates: ").append(target().describe()).append("\n\n");
        boolean mem = points.stream().anyMatch(p -> p.memory() != null);
        sb.append(String.format(Locale.ROOT, "%10s %9s %9s %12s %12s %8s %8s %8s %8s%s%n", "batch_size", "seq_len", "cache_len", "time", "tokens/s",
                "matmul", "vector", "memory", "launch", mem ? String.format(Locale.ROOT, " %12s %s", "mem/device", "fits") : ""));
        for (Point p : points) {
            Prediction x = p.prediction();
            Scenario s = p.scenario();
            sb.append(String.format(Locale.ROOT, "%10d %9d %9d %12s %12s %8s %8s %8s %8s", s.batchSize(), s.seqLen(), s.cacheLen(), Units.seconds(x.seconds()),
                    String.format(Locale.ROOT, "%.1f", tokensPerSecond(s, x.seconds())), pct(x.seconds(Bound.COMPUTE_MATMUL), x), pct(x.seconds(Bound.COMPUTE_VECTOR), x),
                    pct(x.seconds(Bound.MEMORY), x), pct(x.launchSeconds(), x)));
            if (mem) {
                sb.append(p.memory() == null ? String.format(Locale.ROOT, " %12s %s", "-", "-")
                        : String.format(Locale.ROOT, " %12s %s", Units.si(p.memory().totalPerDevice(), "B"), p.memory().fits() ? "yes" : "NO"));
            }
            sb.append('\n');
        }
        sb.append("\nmatmul, vector, memory: share of the time in kernels with that bound (launches included); launch: share spent on launch overhead.\n");
        sb.append("tokens/s = batch_size × seq_len / time.\n");
        PredictionReport.appendUnknowns(sb, unknowns);
        return sb.toString();
    }

    /** A share of the device's timeline (kernels and gaps), where the bounds live. */
    private static String pct(double part, Prediction p) {
        return p.kernelSeconds() <= 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * part / p.kernelSeconds());
    }

    // ---- CSV ----------------------------------------------------------------------------------------

    public static final String CSV_HEADER = CostSweep.SCENARIO_COLUMNS + ",hardware,tensor_parallel,seconds,tokens_per_second,flops,matmul_flops,vector_flops,bytes,"
            + "kernel_seconds,communication_seconds,launches,launch_seconds,share_compute_matmul,share_compute_vector,share_memory,share_launch,"
            + "achieved_flops_per_s,achieved_bytes_per_s,memory_bytes,weights_bytes,kv_cache_bytes,activation_bytes,memory_capacity_bytes,memory_fits,"
            + "runtime,host_seconds,module_calls,host_bound";

    /**
     * One row per point; shares are fractions of the device's timeline (kernel_seconds) in [0, 1]; memory columns are
     * per device and empty when unknown; host_seconds is the host's timeline, seconds the longer of the two.
     */
    public String csv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Point p : points) {
            Prediction x = p.prediction();
            double s = x.seconds(), device = x.kernelSeconds();
            sb.append(CostSweep.scenarioCells(p.scenario(), causal)).append(',').append(x.target().hardware().id()).append(',').append(x.target().tensorParallel()).append(',')
              .append(s).append(',').append(tokensPerSecond(p.scenario(), s)).append(',')
              .append(dec(x.totals().flops())).append(',').append(dec(x.totals().matmulFlops())).append(',').append(dec(x.totals().vectorFlops())).append(',')
              .append(dec(x.totals().bytes())).append(',').append(x.kernelSeconds()).append(',').append(x.communication().seconds()).append(',')
              .append(PredictionReport.trim(x.launches())).append(',').append(x.launchSeconds()).append(',')
              .append(frac(x.seconds(Bound.COMPUTE_MATMUL), device)).append(',').append(frac(x.seconds(Bound.COMPUTE_VECTOR), device)).append(',')
              .append(frac(x.seconds(Bound.MEMORY), device)).append(',').append(frac(x.launchSeconds(), device)).append(',')
              .append(x.totals().flops().doubleValue() / s).append(',').append(x.totals().bytes().doubleValue() / s).append(',');
            MemoryFootprint.Footprint m = p.memory();
            if (m == null) sb.append(",,,,,");
            else {
                sb.append(dec(m.totalPerDevice())).append(',').append(dec(m.weightsPerDevice())).append(',').append(dec(m.kvCachePerDevice())).append(',')
                  .append(dec(m.activationsPerDevice())).append(',').append(m.capacityBytes()).append(',').append(m.fits());
            }
            sb.append(',').append(x.target().host().runtime()).append(',').append(x.hostSeconds()).append(',').append(PredictionReport.trim(x.moduleCalls()))
              .append(',').append(x.hostBound());
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String frac(double part, double whole) { return whole > 0 ? Double.toString(part / whole) : ""; }

    private static String dec(io.flopscope.formula.Rational r) {
        String d = r.toDecimalString();
        return d.contains("/") ? Double.toString(r.doubleValue()) : d;
    }

    // ---- JSON ---------------------------------------------------------------------------------------

    public String json() {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("hardware", target().hardware().id());
        o.put("hardware_name", target().hardware().name());
        o.put("complete", unknowns.isEmpty());
        ArrayNode ps = o.putArray("points");
        for (Point p : points) {
            ObjectNode n = ps.addObject();
            n.set("scenario", PredictionReport.scenarioNode(p.scenario(), causal, p.prediction()));
            ObjectNode tot = PredictionReport.totalsNode(p.prediction());
            double tps = tokensPerSecond(p.scenario(), p.prediction().seconds());
            if (Double.isFinite(tps)) tot.put("tokens_per_second", tps);
            else tot.putNull("tokens_per_second");
            n.set("totals", tot);
            if (p.memory() != null) n.set("memory", GenerationReport.memoryNode(p.memory()));
        }
        io.flopscope.report.CostReport.putUnanalysed(o, unknowns);
        return PredictionReport.write(o);
    }

    // ---- HTML ---------------------------------------------------------------------------------------

    /** Sweep charts and a table of the points, then the full prediction (roofline, module tree) of the last point. */
    public String html() {
        HtmlReport h = new HtmlReport("FlopScope sweep: " + model + " on " + target().hardware().name(), header());
        PredictionHtml.warnUnknowns(h, unknowns);
        int n = points.size();
        double[] seconds = new double[n], tps = new double[n], mem = new double[n];
        boolean haveMem = true;
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            seconds[i] = p.prediction().seconds();
            tps[i] = tokensPerSecond(p.scenario(), seconds[i]);
            if (p.memory() == null) haveMem = false;
            else mem[i] = p.memory().totalPerDevice().doubleValue();
        }
        List<SweepCharts.Metric> metrics = new ArrayList<>();
        metrics.add(new SweepCharts.Metric("latency", "s", seconds, Units::seconds));
        metrics.add(new SweepCharts.Metric("tokens per second", "", tps, v -> String.format(Locale.ROOT, "%.1f", v)));
        if (haveMem) metrics.add(new SweepCharts.Metric("memory per device", "B", mem, v -> Units.si(v, "B")));
        List<String> charts = SweepCharts.charts(CostSweep.AXES, CostSweep.coords(scenarios()), metrics);
        String note = charts.isEmpty() ? "Only one point: nothing varies."
                : "tokens per second = batch_size × seq_len / latency." + (haveMem ? " Memory is per device: weights + KV cache after the call + the call's peak activations (an estimate); capacity "
                + Units.si(target().hardware().memoryCapacityBytes(), "B") + "." : "");
        h.charts("Sweep", charts, note);
        List<List<String>> rows = new ArrayList<>();
        for (Point p : points) {
            Prediction x = p.prediction();
            Scenario s = p.scenario();
            rows.add(List.of(Long.toString(s.batchSize()), Long.toString(s.seqLen()), Long.toString(s.cacheLen()), Units.seconds(x.seconds()),
                    String.format(Locale.ROOT, "%.1f", tokensPerSecond(s, x.seconds())), pct(x.seconds(Bound.COMPUTE_MATMUL), x), pct(x.seconds(Bound.COMPUTE_VECTOR), x),
                    pct(x.seconds(Bound.MEMORY), x), pct(x.launchSeconds(), x), p.memory() == null ? "-" : Units.si(p.memory().totalPerDevice(), "B"),
                    p.memory() == null ? "-" : p.memory().fits() ? "yes" : "NO"));
        }
        h.table("Points", List.of("batch_size", "seq_len", "cache_len", "time", "tokens/s", "matmul-bound", "vector-bound", "memory-bound", "launch", "memory/device", "fits"), rows);
        Point last = points.get(n - 1);
        h.paragraph("The roofline and the module tree below are for the last point of the grid: " + PredictionHtml.scenarioLine(last.scenario(), causal, last.prediction()) + ".");
        PredictionHtml.append(h, model, last.scenario(), causal, last.prediction(), last.memory());
        return h.html();
    }
}
