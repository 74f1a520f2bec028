package io.flopscope.predict;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.report.Units;
import io.flopscope.resolve.Unknown;
import java.util.List;
import java.util.Locale;

/** Renders a generation run and a memory footprint as text or JSON. Pure: returns strings. */
public final class GenerationReport {
    private GenerationReport() {}

    // ---- generation -------------------------------------------------------------------------------

    public static String text(String model, Generation.Result r, MemoryFootprint.Footprint mem, List<Unknown> unknowns) {
        Generation.Spec s = r.spec();
        StringBuilder sb = new StringBuilder();
        sb.append(model).append(" on ").append(r.target().hardware().name()).append(" · ").append(header(s, r.target())).append('\n');
        sb.append("rates: ").append(r.target().describe()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-22s %12s   prefill of %d × %d tokens%n", "time to first token", Units.seconds(r.ttftSeconds()), s.batch(), s.prompt()));
        if (r.firstDecode() != null) {
            sb.append(String.format(Locale.ROOT, "%-22s %12s   cache_len %d%n", "first decode step", Units.seconds(r.firstDecode().seconds()), s.firstCache()));
            sb.append(String.format(Locale.ROOT, "%-22s %12s   cache_len %d%n", "last decode step", Units.seconds(r.lastDecode().seconds()), s.lastCache()));
            boolean hostBound = r.closedFormKernels() == 0 && r.loopKernels() == 0;
            sb.append(String.format(Locale.ROOT, "%-22s %12s   %d steps (%s)%n", "decode", Units.seconds(r.decodeSeconds()), s.decodeSteps(),
                    hostBound ? "host-bound at every step: steps × the host's time"
                            : "summed in closed form: " + r.closedFormKernels() + " kernels" + (r.loopKernels() == 0 ? "" : ", step by step: " + r.loopKernels())));
        } else {
            sb.append(String.format(Locale.ROOT, "%-22s %12s   (one new token: the prefill yields it)%n", "decode", "-"));
        }
        sb.append(String.format(Locale.ROOT, "%-22s %12s%n", "total", Units.seconds(r.totalSeconds())));
        sb.append(String.format(Locale.ROOT, "%-22s %12s   %d × %d new tokens / total%n", "tokens per second", String.format(Locale.ROOT, "%.1f", r.tokensPerSecond()),
                s.batch(), s.newTokens()));
        if (mem != null) {
            sb.append('\n');
            memoryLines(sb, mem);
        }
        PredictionReport.appendUnknowns(sb, unknowns);
        return sb.toString();
    }

    private static String header(Generation.Spec s, Target t) {
        return String.format(Locale.ROOT, "batch %d, prompt %d, %d new token%s, weights=%s activations=%s kv=%s%s", s.batch(), s.prompt(), s.newTokens(),
                s.newTokens() == 1 ? "" : "s", s.weights().id, s.activations().id, s.kvCache().id, t.tensorParallel() > 1 ? ", tp=" + t.tensorParallel() : "");
    }

    public static ObjectNode jsonNode(String model, Generation.Result r, MemoryFootprint.Footprint mem, boolean complete) {
        Generation.Spec s = r.spec();
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("hardware", r.target().hardware().id());
        o.put("prompt", s.prompt());
        o.put("new", s.newTokens());
        o.put("batch", s.batch());
        o.put("ttft_seconds", r.ttftSeconds());
        if (r.firstDecode() == null) {
            o.putNull("first_decode_seconds");
            o.putNull("last_decode_seconds");
        } else {
            o.put("first_decode_seconds", r.firstDecode().seconds());
            o.put("last_decode_seconds", r.lastDecode().seconds());
        }
        o.put("total_seconds", r.totalSeconds());
        o.put("tokens_per_second", r.tokensPerSecond());
        o.put("decode_seconds", r.decodeSeconds());
        o.put("decode_steps", s.decodeSteps());
        o.put("closed_form_kernels", r.closedFormKernels());
        o.put("loop_kernels", r.loopKernels());
        o.put("tensor_parallel", r.target().tensorParallel());
        o.put("weight_dtype", s.weights().id);
        o.put("activation_dtype", s.activations().id);
        o.put("kv_dtype", s.kvCache().id);
        o.put("matmul_dtype", r.target().matmulDtype());
        o.put("complete", complete);
        if (mem != null) o.set("memory", memoryNode(mem));
        return o;
    }

    public static String json(String model, Generation.Result r, MemoryFootprint.Footprint mem, boolean complete) {
        return PredictionReport.write(jsonNode(model, r, mem, complete));
    }

    // ---- memory -----------------------------------------------------------------------------------

    public static String memoryText(String model, HardwareProfile h, MemoryFootprint.Footprint m, Long maxBatch, List<Unknown> unknowns) {
        StringBuilder sb = new StringBuilder();
        sb.append(model).append(" on ").append(h.name()).append(String.format(Locale.ROOT, " · batch %d, prompt %d, %d new token%s%s%n%n", m.batch(), m.prompt(),
                m.newTokens(), m.newTokens() == 1 ? "" : "s", m.tensorParallel() > 1 ? ", tp=" + m.tensorParallel() : ""));
        memoryLines(sb, m);
        if (maxBatch != null) {
            sb.append(String.format(Locale.ROOT, "%-22s %s%n", "max batch", maxBatch == 0 ? "none: batch 1 does not fit" : maxBatch + " (largest batch whose footprint fits)"));
        }
        PredictionReport.appendUnknowns(sb, unknowns);
        return sb.toString();
    }

    static void memoryLines(StringBuilder sb, MemoryFootprint.Footprint m) {
        String per = m.tensorParallel() > 1 ? " per device (÷" + m.tensorParallel() + ")" : "";
        sb.append(String.format(Locale.ROOT, "%-22s %,d%n", "parameters", m.parameters().num()));
        sb.append(String.format(Locale.ROOT, "%-22s %12s%s%n", "weights", Units.si(m.weightsPerDevice(), "B"), per));
        sb.append(String.format(Locale.ROOT, "%-22s %12s%s   %d × %d tokens × %s per token%n", "KV cache", Units.si(m.kvCachePerDevice(), "B"), per,
                m.batch(), m.finalLength(), Units.si(m.kvBytesPerToken(), "B")));
        sb.append(String.format(Locale.ROOT, "%-22s %12s%s   largest kernel: %s%n", "peak activations (est.)", Units.si(m.activationsPerDevice(), "B"), per, m.activationKernel()));
        double cap = m.capacityBytes();
        // the card's capacity as `hardware` states it (GiB, the binary size DRAM has), its bytes in SI beside it
        sb.append(String.format(Locale.ROOT, "%-22s %12s   of %.1f GiB = %s (%.1f%%): %s%n", "total per device", Units.si(m.totalPerDevice(), "B"),
                cap / (1L << 30), Units.si(cap, "B"), 100 * m.totalPerDevice().doubleValue() / cap, m.fits() ? "fits" : "DOES NOT FIT"));
    }

    public static ObjectNode memoryNode(MemoryFootprint.Footprint m) {
        ObjectNode o = JsonOutput.object();
        o.put("tensor_parallel", m.tensorParallel());
        PredictionReport.putNumber(o, "parameters", m.parameters());
        PredictionReport.putNumber(o, "weights_bytes", m.weightsPerDevice());
        PredictionReport.putNumber(o, "kv_cache_bytes", m.kvCachePerDevice());
        PredictionReport.putNumber(o, "kv_bytes_per_token", m.kvBytesPerToken());
        o.put("final_length", m.finalLength());
        PredictionReport.putNumber(o, "activation_bytes", m.activationsPerDevice());
        o.put("activation_kernel", m.activationKernel());
        PredictionReport.putNumber(o, "total_bytes", m.totalPerDevice());
        o.put("capacity_bytes", m.capacityBytes());
        o.put("fits", m.fits());
        return o;
    }

    public static String memoryJson(String model, HardwareProfile h, MemoryFootprint.Footprint m, Long maxBatch, boolean complete) {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("hardware", h.id());
        o.put("prompt", m.prompt());
        o.put("new", m.newTokens());
        o.put("batch", m.batch());
        o.setAll(memoryNode(m));
        if (maxBatch != null) o.put("max_batch", maxBatch);
        o.put("complete", complete);
        return PredictionReport.write(o);
    }

    // ---- hardware ---------------------------------------------------------------------------------

    public static String hardwareText(List<HardwareProfile> profiles) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %-36s %12s %11s %10s  %s%n", "id", "name", "bf16 TFLOP/s", "bandwidth", "memory", "aliases"));
        for (HardwareProfile h : profiles) {
            sb.append(String.format(Locale.ROOT, "%-22s %-36s %12s %11s %10s  %s%n", h.id(), h.name(),
                    h.matmulPeak("bf16").map(v -> String.format(Locale.ROOT, "%.1f", v / 1e12)).orElse("-"),
                    String.format(Locale.ROOT, "%.2f TB/s", h.memoryBandwidthBytesPerS() / 1e12),
                    String.format(Locale.ROOT, "%.1f GiB", h.memoryCapacityBytes() / (double) (1L << 30)), String.join(", ", h.aliases())));
        }
        return sb.toString();
    }

    public static String hardwareDetail(HardwareProfile h) {
        StringBuilder sb = new StringBuilder();
        sb.append(h.name()).append(" (").append(h.id()).append(")\n");
        if (!h.aliases().isEmpty()) sb.append("aliases           ").append(String.join(", ", h.aliases())).append('\n');
        sb.append("matmul peak       ");
        h.matmulFlopsPerS().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.1f  ", k, v / 1e12)));
        sb.append("TFLOP/s\nvector peak       ");
        h.vectorFlopsPerS().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.1f  ", k, v / 1e12)));
        sb.append("TFLOP/s\n");
        sb.append(String.format(Locale.ROOT, "memory            %.2f TB/s, %.1f GiB (%d bytes)%n", h.memoryBandwidthBytesPerS() / 1e12,
                h.memoryCapacityBytes() / (double) (1L << 30), h.memoryCapacityBytes()));
        sb.append(String.format(Locale.ROOT, "on-chip cache     %.1f MiB%n", h.onChipCacheBytes() / (double) (1L << 20)));
        sb.append(String.format(Locale.ROOT, "interconnect      %s%s%n", h.interconnectBytesPerS() > 0 ? String.format(Locale.ROOT, "%.0f GB/s", h.interconnectBytesPerS() / 1e9) : "none",
                h.interconnectName().isEmpty() ? "" : " (" + h.interconnectName() + ")"));
        sb.append(String.format(Locale.ROOT, "efficiency        matmul %.2f, vector %.2f, memory %.2f%n", h.efficiency().matmul(), h.efficiency().vector(), h.efficiency().memory()));
        sb.append(String.format(Locale.ROOT, "launch overhead   %s%n", Units.seconds(h.launchOverheadS())));
        for (String s : h.sources()) sb.append("source            ").append(s).append('\n');
        if (!h.notes().isEmpty()) sb.append("notes             ").append(h.notes()).append('\n');
        return sb.toString();
    }

    public static String hardwareJson(List<HardwareProfile> profiles) {
        var arr = JsonOutput.array();
        for (HardwareProfile h : profiles) arr.add(h.toJsonNode());
        return JsonOutput.write(arr);
    }
}
