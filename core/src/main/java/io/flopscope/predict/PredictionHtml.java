package io.flopscope.predict;

import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import io.flopscope.report.HtmlReport;
import io.flopscope.report.HtmlReport.Cell;
import io.flopscope.report.SvgChart;
import io.flopscope.report.Units;
import io.flopscope.resolve.Unknown;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML pieces of a prediction, built with {@link HtmlReport} and {@link SvgChart}: key figures, the
 * roofline chart with every kernel as a point, the module tree with times, and the slowest kernels.
 */
public final class PredictionHtml {
    private PredictionHtml() {}

    /** One self-contained page for one forward call. */
    public static String page(String model, Scenario scenario, boolean causal, Prediction p, MemoryFootprint.Footprint memory, List<Unknown> unknowns) {
        HtmlReport h = new HtmlReport("FlopScope: " + model + " on " + p.target().hardware().name(), scenarioLine(scenario, causal, p));
        warnUnknowns(h, unknowns);
        append(h, model, scenario, causal, p, memory);
        return h.html();
    }

    static void warnUnknowns(HtmlReport h, List<Unknown> unknowns) {
        if (unknowns.isEmpty()) return;
        h.warning("Incomplete: " + unknowns.size() + (unknowns.size() == 1 ? " part" : " parts") + " could not be analysed and " + (unknowns.size() == 1 ? "is" : "are")
                + " NOT in the prediction", unknowns.stream().map(Unknown::toString).toList());
    }

    static String scenarioLine(Scenario scenario, boolean causal, Prediction p) {
        return String.format(Locale.ROOT, "%s batch_size=%d seq_len=%d cache_len=%d weights=%s activations=%s kv=%s%s%s",
                scenario.phase().name().toLowerCase(Locale.ROOT), scenario.batchSize(), scenario.seqLen(), scenario.cacheLen(),
                scenario.weights().id, scenario.activations().id, scenario.kvCache().id, causal ? " causal" : "",
                p.target().tensorParallel() > 1 ? " tp=" + p.target().tensorParallel() : "");
    }

    /** Key figures, the roofline, the module tree and the slowest kernels of one call, as sections of {@code h}. */
    static void append(HtmlReport h, String model, Scenario scenario, boolean causal, Prediction p, MemoryFootprint.Footprint memory) {
        h.facts("Prediction (" + scenarioLine(scenario, causal, p) + ")", facts(scenario, p, memory));
        h.charts("Roofline", List.of(roofline(p)), rooflineNote(p));
        h.tree("Time by module", List.of("repeat", "time", "share", "FLOPs", "bytes", "launches"), tree(p),
                List.of("line", "kernel", "bound", "time", "share", "FLOP/byte", "count"), 2);
        List<Prediction.KernelPrediction> ks = new ArrayList<>(p.kernels());
        ks.sort(Comparator.comparingDouble(Prediction.KernelPrediction::seconds).reversed());
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(15, ks.size()); i++) {
            Prediction.KernelPrediction k = ks.get(i);
            Double in = k.intensity();
            rows.add(List.of(Units.seconds(k.seconds()), share(k.seconds(), p), k.bound().label, in == null ? "fused" : String.format(Locale.ROOT, "%.2f", in),
                    "×" + k.count().toDecimalString(), k.module() + ":" + k.line(), k.title()));
        }
        h.table("Slowest " + rows.size() + " of " + ks.size() + " kernels", List.of("time", "share", "bound", "FLOP/byte", "count", "module:line", "kernel"), rows);
    }

    static List<String[]> facts(Scenario scenario, Prediction p, MemoryFootprint.Footprint memory) {
        Numbers t = p.totals();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"device", p.target().hardware().name(), p.target().describe()});
        rows.add(new String[] {"time", Units.seconds(p.seconds()), p.communication().allReduces() > 0
                ? "kernels " + Units.seconds(p.kernelSeconds()) + " + " + p.communication().allReduces() + " all-reduces " + Units.seconds(p.communication().seconds()) : null});
        rows.add(new String[] {"tokens per second", String.format(Locale.ROOT, "%.1f", PredictionSweep.tokensPerSecond(scenario, p.seconds())),
                "batch_size × seq_len / time"});
        rows.add(new String[] {"FLOPs", Units.si(t.flops(), "FLOP"), "→ " + Units.si(t.flops().doubleValue() / p.seconds(), "FLOP") + "/s achieved"});
        rows.add(new String[] {"bytes", Units.si(t.bytes(), "B"), "→ " + Units.si(t.bytes().doubleValue() / p.seconds(), "B") + "/s achieved"});
        rows.add(new String[] {"launches", PredictionReport.trim(p.launches()) + " × " + Units.seconds(p.target().launchOverhead()),
                Units.seconds(p.launchSeconds()) + " (" + share(p.launchSeconds(), p) + " of the time)"});
        rows.add(new String[] {"time by bound", "", "compute-matmul " + share(p.seconds(Bound.COMPUTE_MATMUL), p) + " · compute-vector "
                + share(p.seconds(Bound.COMPUTE_VECTOR), p) + " · memory " + share(p.seconds(Bound.MEMORY), p) + " (launches included)"});
        if (memory != null) {
            rows.add(new String[] {"memory per device", Units.si(memory.totalPerDevice(), "B"), String.format(Locale.ROOT, "weights %s + KV cache %s + activations %s (est.) of %s: %s",
                    Units.si(memory.weightsPerDevice(), "B"), Units.si(memory.kvCachePerDevice(), "B"), Units.si(memory.activationsPerDevice(), "B"),
                    Units.si(memory.capacityBytes(), "B"), memory.fits() ? "fits" : "DOES NOT FIT")});
        }
        return rows;
    }

    private static String share(double s, Prediction p) {
        return p.seconds() <= 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s / p.seconds());
    }

    /** Kernels that can be drawn on log axes: FLOPs &gt; 0 and bytes &gt; 0. */
    public static List<Prediction.KernelPrediction> drawable(Prediction p) {
        return p.kernels().stream().filter(k -> k.perInstance().flops().signum() > 0 && k.perInstance().bytes().signum() > 0 && k.seconds() > 0).toList();
    }

    public static final List<String> GROUPS = List.of(Bound.COMPUTE_MATMUL.label, Bound.COMPUTE_VECTOR.label, Bound.MEMORY.label);

    /**
     * The roofline chart: x = FLOPs / bytes of a kernel, y = FLOPs / time (its achieved FLOP/s, launch
     * included), point area ∝ its share of the time, colour = its bound. Solid lines are the attainable
     * rates (peak × efficiency × devices), dashed ones the datasheet peaks.
     */
    public static String roofline(Prediction p) {
        Target t = p.target();
        HardwareProfile hw = t.hardware();
        int n = t.tensorParallel();
        List<SvgChart.Roof> roofs = new ArrayList<>();
        roofs.add(new SvgChart.Roof("matmul " + t.matmulDtype() + " × " + fmt(hw.efficiency().matmul()) + " = " + Units.si(t.matmulRate(), "FLOP/s"), t.matmulRate(), false));
        roofs.add(new SvgChart.Roof("vector " + t.vectorDtype() + " × " + fmt(hw.efficiency().vector()) + " = " + Units.si(t.vectorRate(), "FLOP/s"), t.vectorRate(), false));
        double peak = hw.matmulPeak(t.matmulDtype()).orElseThrow() * n;
        roofs.add(new SvgChart.Roof("datasheet peaks", peak, true));
        List<SvgChart.Slope> slopes = List.of(
                new SvgChart.Slope("memory × " + fmt(hw.efficiency().memory()), t.memoryRate(), false),
                new SvgChart.Slope("memory peak", hw.memoryBandwidthBytesPerS() * n, true));
        List<SvgChart.RooflinePoint> pts = new ArrayList<>();
        for (Prediction.KernelPrediction k : drawable(p)) {
            double flops = k.flops().doubleValue();
            double achieved = flops / k.seconds();
            String tip = String.format(Locale.ROOT, "%s:%d %s%n%s (%s of the time), %s-bound, ×%s%n%.2f FLOP/byte, %sFLOP/s achieved", k.module(), k.line(), k.title(),
                    Units.seconds(k.seconds()), share(k.seconds(), p), k.bound().label, k.count().toDecimalString(), k.intensity(), SvgChart.tick(achieved));
            pts.add(new SvgChart.RooflinePoint(k.intensity(), achieved, k.seconds(), k.bound().label, tip));
        }
        return SvgChart.roofline("Roofline: " + hw.name() + (n > 1 ? " ×" + n : "") + " · memory " + Units.si(t.memoryRate(), "B/s") + " (× " + fmt(hw.efficiency().memory()) + ")",
                roofs, slopes, pts, GROUPS);
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.2f", v); }

    static String rooflineNote(Prediction p) {
        int drawn = drawable(p).size();
        long noFlops = p.kernels().stream().filter(k -> k.perInstance().flops().signum() == 0).count();
        long fused = p.kernels().stream().filter(k -> k.perInstance().bytes().signum() == 0).count();
        StringBuilder sb = new StringBuilder();
        sb.append(drawn).append(" of ").append(p.kernels().size()).append(" kernels drawn; a point's area grows with its share of the time, and its height is "
                + "its FLOPs over its time (launch overhead included), so small kernels sit far below the roofs.");
        if (noFlops > 0 || fused > 0) {
            sb.append(" Not drawn, because log axes cannot show them:");
            if (noFlops > 0) sb.append(' ').append(noFlops).append(noFlops == 1 ? " kernel that moves" : " kernels that move").append(" bytes without FLOPs");
            if (noFlops > 0 && fused > 0) sb.append(" and");
            if (fused > 0) sb.append(' ').append(fused).append(" fused ").append(fused == 1 ? "kernel" : "kernels").append(" with no bytes of their own");
            sb.append('.');
        }
        return sb.toString();
    }

    /** The module tree with each module's time, share, FLOPs, bytes and launches (over all its instances). */
    public static HtmlReport.Tree tree(Prediction p) {
        Map<String, Rational[]> sums = new HashMap<>(); // path -> {flops, bytes}
        Map<String, Double> launches = new HashMap<>();
        Map<String, List<Prediction.KernelPrediction>> own = new HashMap<>();
        for (Prediction.KernelPrediction k : p.kernels()) {
            own.computeIfAbsent(k.module(), x -> new ArrayList<>()).add(k);
            String path = k.module();
            while (true) {
                Rational[] s = sums.computeIfAbsent(path, x -> new Rational[] {Rational.ZERO, Rational.ZERO});
                s[0] = s[0].add(k.flops());
                s[1] = s[1].add(k.bytes());
                launches.merge(path, k.launches(), Double::sum);
                int slash = path.lastIndexOf('/');
                if (slash < 0) break;
                path = path.substring(0, slash);
            }
        }
        return node(p.root(), p, sums, launches, own);
    }

    private static HtmlReport.Tree node(Prediction.ModulePrediction m, Prediction p, Map<String, Rational[]> sums, Map<String, Double> launches,
                                        Map<String, List<Prediction.KernelPrediction>> own) {
        Rational[] s = sums.getOrDefault(m.path(), new Rational[] {Rational.ZERO, Rational.ZERO});
        List<Cell> cells = List.of(Cell.of("×" + m.repeat().toDecimalString()), new Cell(Units.seconds(m.seconds()), m.seconds() + " s"), Cell.of(share(m.seconds(), p)),
                HtmlReport.si(s[0], "FLOP"), HtmlReport.si(s[1], "B"), Cell.of(PredictionReport.trim(launches.getOrDefault(m.path(), 0.0))));
        List<List<Cell>> kernels = new ArrayList<>();
        for (Prediction.KernelPrediction k : own.getOrDefault(m.path(), List.of())) {
            Double in = k.intensity();
            kernels.add(List.of(Cell.of(Integer.toString(k.line())), Cell.of(k.title().isEmpty() ? k.operation() : k.title()), Cell.of(k.bound().label),
                    new Cell(Units.seconds(k.seconds()), k.seconds() + " s"), Cell.of(share(k.seconds(), p)),
                    Cell.of(in == null ? "fused" : String.format(Locale.ROOT, "%.2f", in)), Cell.of("×" + k.count().toDecimalString())));
        }
        List<HtmlReport.Tree> children = new ArrayList<>();
        for (Prediction.ModulePrediction c : m.children()) children.add(node(c, p, sums, launches, own));
        return new HtmlReport.Tree(m.simpleName(), m.via() == null ? "" : "(" + m.via() + ", line " + m.line() + ")", cells, kernels, children);
    }
}
