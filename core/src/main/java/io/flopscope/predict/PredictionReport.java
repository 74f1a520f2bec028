package io.flopscope.predict;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import io.flopscope.report.Units;
import io.flopscope.resolve.Unknown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Renders a {@link Prediction} of one forward call as text, JSON or CSV. Pure: returns strings. */
public final class PredictionReport {

    private final String model;
    private final Scenario scenario;
    private final boolean causal;
    private final Prediction p;
    private final List<Unknown> unknowns;

    public PredictionReport(String model, Scenario scenario, boolean causal, Prediction prediction, List<Unknown> unknowns) {
        this.model = model;
        this.scenario = scenario;
        this.causal = causal;
        this.p = prediction;
        this.unknowns = List.copyOf(unknowns);
    }

    // ---- text -------------------------------------------------------------------------------------

    /** @param depth module tree depth (negative: all); top: how many of the slowest kernels to list */
    public String text(int depth, int top) {
        StringBuilder sb = new StringBuilder();
        HardwareProfile h = p.target().hardware();
        sb.append(model).append(" on ").append(h.name()).append(" · ").append(scenarioLine()).append('\n');
        sb.append("rates: ").append(p.target().describe()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-58s %6s %12s %7s%n", "module (device timeline)", "repeat", "time", "share"));
        moduleRow(sb, p.root(), "", true, 0, depth);
        if (top != 0 && !p.kernels().isEmpty()) {
            List<Prediction.KernelPrediction> ks = new ArrayList<>(p.kernels());
            ks.sort(Comparator.comparingDouble(Prediction.KernelPrediction::seconds).reversed());
            int n = top < 0 ? ks.size() : Math.min(top, ks.size());
            sb.append('\n').append(n == ks.size() ? "kernels, slowest first:" : "slowest " + n + " of " + ks.size() + " kernels:").append('\n');
            sb.append(String.format(Locale.ROOT, "%12s %7s %-15s %10s %6s  %s%n", "time", "share", "bound", "FLOP/B", "count", "module:line  kernel"));
            for (int i = 0; i < n; i++) {
                Prediction.KernelPrediction k = ks.get(i);
                Double in = k.intensity();
                sb.append(String.format(Locale.ROOT, "%12s %7s %-15s %10s %6s  %s:%d  %s%n", Units.seconds(k.seconds()), share(k.seconds()), k.bound().label,
                        in == null ? "fused" : String.format(Locale.ROOT, "%.2f", in), "×" + k.count().toDecimalString(), k.module(), k.line(), k.title()));
            }
        }
        Numbers t = p.totals();
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-16s %s", "time", Units.seconds(p.seconds())));
        if (p.communication().allReduces() > 0) {
            sb.append(String.format(Locale.ROOT, "  (kernels %s + %d all-reduces of %s: %s)", Units.seconds(p.kernelSeconds()), p.communication().allReduces(),
                    Units.si(p.communication().bytesEach(), "B"), Units.seconds(p.communication().seconds())));
        }
        sb.append('\n');
        HardwareProfile.Host host = p.target().host();
        sb.append(String.format(Locale.ROOT, "%-16s host %s (%s: %s kernels × %s + %s module calls × %s%s) · device %s (kernels and gaps) → %s%n", "timelines",
                Units.seconds(p.hostSeconds()), host.runtime(), trim(p.launches()), Units.seconds(host.perKernelS()), trim(p.moduleCalls()), Units.seconds(host.perModuleCallS()),
                host.perStepS() > 0 ? " + " + Units.seconds(host.perStepS()) + " per step" : "", Units.seconds(p.kernelSeconds()),
                p.hostBound() ? "host-bound: the device waits for Python's dispatch" : "device-bound"));
        sb.append(String.format(Locale.ROOT, "%-16s %s  (matmul %s, vector %s)  → %s/s achieved%n", "FLOPs", Units.si(t.flops(), "FLOP"),
                Units.si(t.matmulFlops(), "FLOP"), Units.si(t.vectorFlops(), "FLOP"), Units.si(t.flops().doubleValue() / p.seconds(), "FLOP")));
        sb.append(String.format(Locale.ROOT, "%-16s %s  (read %s, written %s)  → %s/s achieved%n", "bytes", Units.si(t.bytes(), "B"),
                Units.si(t.bytesRead(), "B"), Units.si(t.bytesWritten(), "B"), Units.si(t.bytes().doubleValue() / p.seconds(), "B")));
        sb.append(String.format(Locale.ROOT, "%-16s %s × %s gap = %s (%s of the device's time)%n", "launches", trim(p.launches()), Units.seconds(p.target().launchOverhead()),
                Units.seconds(p.launchSeconds()), share(p.launchSeconds())));
        sb.append(String.format(Locale.ROOT, "%-16s compute-matmul %s · compute-vector %s · memory %s of the device's time (gaps included)%n", "time by bound",
                share(p.seconds(Bound.COMPUTE_MATMUL)), share(p.seconds(Bound.COMPUTE_VECTOR)), share(p.seconds(Bound.MEMORY))));
        appendUnknowns(sb, unknowns);
        return sb.toString();
    }

    static void appendUnknowns(StringBuilder sb, List<Unknown> unknowns) {
        if (unknowns.isEmpty()) return;
        sb.append("\nINCOMPLETE: ").append(unknowns.size()).append(" part").append(unknowns.size() == 1 ? "" : "s")
          .append(" could not be analysed and are NOT in the prediction:\n");
        for (Unknown u : unknowns) sb.append("  ").append(u).append('\n');
    }

    private void moduleRow(StringBuilder sb, Prediction.ModulePrediction m, String indent, boolean last, int level, int depth) {
        String name = level == 0 ? m.simpleName() : indent + (last ? "└─ " : "├─ ") + m.simpleName() + (m.via() == null ? "" : " (" + m.via() + ")");
        if (name.length() > 58) name = name.substring(0, 57) + "…";
        sb.append(String.format(Locale.ROOT, "%-58s %6s %12s %7s%n", name, "×" + m.repeat().toDecimalString(), Units.seconds(m.seconds()), share(m.seconds())));
        if (depth >= 0 && level >= depth) return;
        String childIndent = level == 0 ? "" : indent + (last ? "   " : "│  ");
        for (int i = 0; i < m.children().size(); i++) moduleRow(sb, m.children().get(i), childIndent, i == m.children().size() - 1, level + 1, depth);
    }

    /** A share of the device's timeline: the kernels, their bounds and gaps (the host's timeline runs beside it). */
    private String share(double s) {
        return p.kernelSeconds() <= 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s / p.kernelSeconds());
    }

    static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private String scenarioLine() {
        return String.format(Locale.ROOT, "%s batch_size=%d seq_len=%d cache_len=%d weights=%s activations=%s kv=%s%s%s",
                scenario.phase().name().toLowerCase(Locale.ROOT), scenario.batchSize(), scenario.seqLen(), scenario.cacheLen(),
                scenario.weights().id, scenario.activations().id, scenario.kvCache().id, causal ? " causal" : "",
                p.target().tensorParallel() > 1 ? " tp=" + p.target().tensorParallel() : "");
    }

    // ---- JSON -------------------------------------------------------------------------------------

    public ObjectNode jsonNode() {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("hardware", p.target().hardware().id());
        o.put("hardware_name", p.target().hardware().name());
        o.set("scenario", scenarioNode(scenario, causal, p));
        o.set("totals", totalsNode(p));
        o.put("complete", unknowns.isEmpty());
        ObjectNode comm = o.putObject("communication");
        comm.put("all_reduces", p.communication().allReduces());
        putNumber(comm, "bytes_each", p.communication().bytesEach());
        comm.put("seconds_each", p.communication().secondsEach());
        comm.put("seconds", p.communication().seconds());
        ArrayNode ks = o.putArray("kernels");
        for (Prediction.KernelPrediction k : p.kernels()) {
            ObjectNode kn = ks.addObject();
            kn.put("module", k.module());
            kn.put("line", k.line());
            kn.put("seconds", k.seconds());
            kn.put("bound", k.bound().label);
            Double in = k.intensity();
            if (in == null) kn.putNull("intensity");
            else kn.put("intensity", in);
            kn.put("class", k.className());
            kn.put("title", k.title());
            putNumber(kn, "count", k.count());
            kn.put("launches", k.launches());
            putNumber(kn, "flops", k.flops());
            putNumber(kn, "matmul_flops", k.perInstance().matmulFlops().multiply(k.count()));
            putNumber(kn, "vector_flops", k.perInstance().vectorFlops().multiply(k.count()));
            putNumber(kn, "bytes", k.bytes());
            putNumber(kn, "bytes_read", k.perInstance().bytesRead().multiply(k.count()));
            putNumber(kn, "bytes_written", k.perInstance().bytesWritten().multiply(k.count()));
            ObjectNode ti = kn.putObject("seconds_per_instance");
            ti.put("matmul", k.time().matmul());
            ti.put("vector", k.time().vector());
            ti.put("memory", k.time().memory());
            ti.put("launch", k.time().launch());
            ti.put("total", k.time().total());
        }
        ArrayNode ms = o.putArray("modules");
        modules(ms, p.root());
        return o;
    }

    /** The "scenario" object: shapes, dtypes and the device's dtype keys and tensor-parallel degree. */
    static ObjectNode scenarioNode(Scenario scenario, boolean causal, Prediction p) {
        ObjectNode s = io.flopscope.report.CostReport.scenarioNode(scenario, causal);
        s.put("matmul_dtype", p.target().matmulDtype());
        s.put("vector_dtype", p.target().vectorDtype());
        s.put("tensor_parallel", p.target().tensorParallel());
        return s;
    }

    /** The "totals" object: seconds, FLOPs, bytes, launches, seconds by bound. */
    static ObjectNode totalsNode(Prediction p) {
        Numbers t = p.totals();
        ObjectNode tot = JsonOutput.object();
        tot.put("seconds", p.seconds());
        putNumber(tot, "flops", t.flops());
        putNumber(tot, "bytes", t.bytes());
        putNumber(tot, "matmul_flops", t.matmulFlops());
        putNumber(tot, "vector_flops", t.vectorFlops());
        putNumber(tot, "bytes_read", t.bytesRead());
        putNumber(tot, "bytes_written", t.bytesWritten());
        tot.put("kernel_seconds", p.kernelSeconds());
        tot.put("device_seconds", p.kernelSeconds());
        tot.put("host_seconds", p.hostSeconds());
        tot.put("module_calls", p.moduleCalls());
        tot.put("host_bound", p.hostBound());
        tot.put("runtime", p.target().host().runtime());
        tot.put("communication_seconds", p.communication().seconds());
        tot.put("launches", p.launches());
        tot.put("launch_seconds", p.launchSeconds());
        ObjectNode byBound = tot.putObject("seconds_by_bound");
        for (Bound b : Bound.values()) byBound.put(b.label, p.seconds(b));
        return tot;
    }

    private static void modules(ArrayNode out, Prediction.ModulePrediction m) {
        ObjectNode n = out.addObject();
        n.put("module", m.path());
        n.put("class", m.className());
        putNumber(n, "count", m.count());
        n.put("seconds", m.seconds());
        for (Prediction.ModulePrediction c : m.children()) modules(out, c);
    }

    public String json() { return write(jsonNode()); }

    static String write(ObjectNode o) {
        return JsonOutput.write(o);
    }

    /** Exact integers as JSON integers; other rationals as exact decimals where they terminate, else as a double. */
    static void putNumber(ObjectNode o, String field, Rational r) {
        if (r.isInteger()) { o.put(field, r.num()); return; }
        String d = r.toDecimalString();
        if (d.contains("/")) o.put(field, r.doubleValue());
        else o.put(field, new BigDecimal(d));
    }

    // ---- CSV --------------------------------------------------------------------------------------

    public String csv() {
        StringBuilder sb = new StringBuilder("module,class,line,title,count,launches,matmul_flops,vector_flops,bytes,seconds,bound,intensity,"
                + "matmul_s,vector_s,memory_s,launch_s\n");
        for (Prediction.KernelPrediction k : p.kernels()) {
            Double in = k.intensity();
            sb.append(csvField(k.module())).append(',').append(k.className()).append(',').append(k.line()).append(',').append(csvField(k.title())).append(',')
              .append(k.count().toDecimalString()).append(',').append(trim(k.launches())).append(',')
              .append(k.perInstance().matmulFlops().multiply(k.count()).toDecimalString()).append(',')
              .append(k.perInstance().vectorFlops().multiply(k.count()).toDecimalString()).append(',')
              .append(k.bytes().toDecimalString()).append(',').append(k.seconds()).append(',').append(k.bound().label).append(',')
              .append(in == null ? "" : in.toString()).append(',').append(k.time().matmul()).append(',').append(k.time().vector()).append(',')
              .append(k.time().memory()).append(',').append(k.time().launch()).append('\n');
        }
        return sb.toString();
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
