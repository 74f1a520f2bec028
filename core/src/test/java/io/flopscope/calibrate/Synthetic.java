package io.flopscope.calibrate;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Phase;
import io.flopscope.predict.HardwareProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Synthetic measurements: the roofline's own predictions on a planted profile, written as if measured. */
final class Synthetic {
    static final long[] BATCHES = {1, 2, 4, 8, 16, 32};
    static final long[] SEQS = {64, 128, 256, 512, 1024};
    static final long[] CACHES = {128, 256, 512, 768};

    private Synthetic() {}

    static HardwareProfile h200() { return HardwareProfile.builtIn("nvidia-h200").orElseThrow(); }

    /** GPT-2 prefill over BATCHES × SEQS and decode over BATCHES × CACHES, bf16, sdpa, with no timings yet. */
    static List<Measurement> gpt2Grid() {
        List<Measurement> out = new ArrayList<>();
        int line = 0;
        for (long b : BATCHES) for (long s : SEQS) out.add(point(++line, Phase.PREFILL, b, s, 0));
        for (long b : BATCHES) for (long c : CACHES) out.add(point(++line, Phase.DECODE, b, 1, c));
        return out;
    }

    static Measurement point(int line, Phase phase, long batch, long seq, long cache) {
        return new Measurement("synthetic:" + line, "gpt2", null, "nvidia-h200", Dtype.BF16, phase, batch, seq, cache, "sdpa", new double[] {1}, null);
    }

    /** The points with timings: three repeats, each {@code distort}(the roofline's time on {@code truth}). */
    static List<Measurement> timed(List<Measurement> grid, Workloads w, HardwareProfile truth, DoubleUnaryOperator distort) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : grid) {
            double t = distort.applyAsDouble(w.predict(m, truth));
            out.add(withTimings(m, new double[] {t, t * 1.001, t * 0.999}));
        }
        return out;
    }

    static Measurement withTimings(Measurement m, double[] timings) {
        return new Measurement(m.source(), m.model(), m.config(), m.hardware(), m.dtype(), m.phase(), m.batch(), m.seqLen(), m.cacheLen(), m.attn(), timings, m.env());
    }

    static HardwareProfile plant(HardwareProfile base, double matmul, double vector, double memory, double overheadS) {
        return new Params(matmul, vector, memory, overheadS).applyTo(base);
    }
}
