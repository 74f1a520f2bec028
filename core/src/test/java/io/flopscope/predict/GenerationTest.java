package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.resolve.CostNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationTest {
    static void relClose(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-9, what);
    }

    static Generation.Spec spec(long b, long p, long g, Dtype d) { return new Generation.Spec(b, p, g, d, d, d); }

    /** The acceptance check: prefill + closed-form decode sum == prefill + Σ of G−1 explicit decode steps at cache P..P+G−2. */
    @ParameterizedTest(name = "gpt2 {0} on {1} {2} tp={3} b={4} P={5} G={6}")
    @CsvSource({
            "sdpa, h100, bf16, 1, 1, 5, 9",
            "eager, h100, bf16, 1, 2, 5, 9",
            "sdpa, h100, fp32, 1, 3, 17, 12",
            "eager, t4, fp16, 1, 1, 1, 8",
            "sdpa, a100, bf16, 4, 8, 30, 10",
            "eager, mi300x, bf16, 2, 4, 100, 6"})
    void gpt2ClosedFormEqualsTheExplicitLoop(String attn, String hw, String dtype, int tp, long b, long p, long g) {
        Toy.Model m = Toy.gpt2(attn);
        Dtype d = Dtype.parse(dtype).orElseThrow();
        // captured kernels: the host out of the way, every decode step is the device's, summed in closed form
        Target t = Target.of(HardwareProfile.builtIn(hw).orElseThrow().withRuntime("cuda-graphs"), d, false, tp);
        Generation.Spec s = spec(b, p, g, d);
        Generation.Result r = Generation.run(m.root(), m.config(), s, t);
        double loop = Generation.decodeSumByLoop(m.root(), m.config(), s, t);
        relClose(loop, r.decodeSeconds(), "decode sum");
        ModelDims dims = ModelDims.of(m.config());
        double prefill = Generation.predict(m.root(), m.config(), s.prefill(), t, dims).seconds();
        relClose(prefill, r.ttftSeconds(), "time to first token = prefill");
        relClose(prefill + loop, r.totalSeconds(), "total");
        relClose(b * g / (prefill + loop), r.tokensPerSecond(), "tokens per second");
        relClose(Generation.predict(m.root(), m.config(), s.decode(p), t, dims).seconds(), r.firstDecode().seconds(), "first step");
        relClose(Generation.predict(m.root(), m.config(), s.decode(p + g - 2), t, dims).seconds(), r.lastDecode().seconds(), "last step");
        assertEquals(0, r.loopKernels(), "GPT-2 needs no step-by-step fallback");
        assertTrue(r.closedFormKernels() > 20, "closed-form kernel positions: " + r.closedFormKernels());
        assertTrue(r.lastDecode().seconds() >= r.firstDecode().seconds(), "the cache only grows");
    }

    @Test void everyBuiltInModelClosedFormEqualsTheLoop() {
        for (String runtime : HardwareProfile.runtimes()) {
            Target t = Target.of(HardwareProfile.builtIn("h200").orElseThrow().withRuntime(runtime), Dtype.BF16, false, 1);
            for (Toy.Model m : Toy.builtInModels()) {
                Generation.Spec s = spec(2, 3, 5, Dtype.BF16);
                relClose(Generation.decodeSumByLoop(m.root(), m.config(), s, t), Generation.run(m.root(), m.config(), s, t).decodeSeconds(), m + " " + runtime);
            }
        }
    }

    /**
     * The host's timeline against the device's over a generation: GPT-2 on an H200 in eager mode is host-bound at
     * every step (the sum is steps × the host's time); with the host set between the first and the last step's device
     * time, the steps below the cross-over take the host's time and the rest the device's; each sum equals the loop.
     */
    @Test void hostBoundDeviceBoundAndTheCrossOver() {
        Toy.Model m = Toy.gpt2("sdpa");
        HardwareProfile h200 = HardwareProfile.builtIn("h200").orElseThrow();
        Generation.Spec s = spec(8, 100, 400, Dtype.BF16);
        Target eager = Target.of(h200, Dtype.BF16, false, 1);
        Generation.DecodeSum hostBound = Generation.decodeSumClosedForm(m.root(), m.config(), s, eager);
        Prediction step = Generation.predict(m.root(), m.config(), s.decode(100), eager, null);
        assertTrue(step.hostBound(), "eager GPT-2 decode is host-bound");
        relClose(step.hostSeconds() * s.decodeSteps(), hostBound.seconds().doubleValue(), "steps × host");
        assertEquals(0, hostBound.closedForm(), "no device-bound step to sum");
        // a host between the first and the last step's device time: a cross-over inside the run
        Target graphs = Target.of(h200.withRuntime("cuda-graphs"), Dtype.BF16, false, 1);
        double d0 = Generation.predict(m.root(), m.config(), s.decode(s.firstCache()), graphs, null).kernelSeconds();
        double d1 = Generation.predict(m.root(), m.config(), s.decode(s.lastCache()), graphs, null).kernelSeconds();
        assertTrue(d1 > d0, "the device's time grows with the cache");
        Target mid = Target.of(h200.withHost(new HardwareProfile.Host("test", 0, 0, (d0 + d1) / 2, 1e-6)), Dtype.BF16, false, 1);
        Generation.DecodeSum crossing = Generation.decodeSumClosedForm(m.root(), m.config(), s, mid);
        relClose(Generation.decodeSumByLoop(m.root(), m.config(), s, mid), crossing.seconds().doubleValue(), "sum across the cross-over");
        assertTrue(crossing.closedForm() > 20, "the device-bound tail is summed in closed form: " + crossing.closedForm());
        assertTrue(crossing.seconds().doubleValue() > (d0 + d1) / 2 * s.decodeSteps() * 0.999, "never below the host's floor");
    }

    /**
     * The toy decoder crosses from memory- to matmul-bound at cache_len ≈ 22.4, gains a kernel at cache_len 21
     * (positive(cache_len − 20)) and has a floor(cache_len / 7) kernel that is summed step by step.
     */
    @Test void piecewiseSumsWithCrossoverPositiveAtomsAndFallback() {
        CostNode root = Toy.resolve(Toy.library(), "toy.Decoder");
        ModelConfig cfg = Toy.config();
        Target t = Target.of(Toy.profile(), Dtype.FP32, false, 1);
        for (long[] pg : new long[][] {{5, 60}, {1, 2}, {20, 3}, {22, 2}, {30, 40}, {1, 300}}) {
            Generation.Spec s = spec(2, pg[0], pg[1], Dtype.FP32);
            Generation.DecodeSum closed = Generation.decodeSumClosedForm(root, cfg, s, t);
            double loop = Generation.decodeSumByLoop(root, cfg, s, t);
            relClose(loop, closed.seconds().doubleValue(), "P=" + pg[0] + " G=" + pg[1]);
            assertEquals(1, closed.loop(), "the floor() kernel");
            assertEquals(3, closed.closedForm(), "the quadratic, the late and the per-layer child kernel");
        }
        // the crossover really is inside [5, 63]: matmul-bound at the end, memory-bound at the start
        Generation.Result r = Generation.run(root, cfg, spec(2, 5, 60, Dtype.FP32), t);
        assertEquals(Bound.MEMORY, r.firstDecode().kernels().get(0).bound());
        assertEquals(Bound.COMPUTE_MATMUL, r.lastDecode().kernels().get(0).bound());
        assertEquals(3, r.firstDecode().kernels().size(), "cache_len 5: no late kernel yet");
        assertEquals(4, r.lastDecode().kernels().size(), "cache_len 63: the late kernel runs");
    }

    @Test void oneNewTokenIsJustThePrefill() {
        Toy.Model m = Toy.gpt2("sdpa");
        Target t = Target.of(HardwareProfile.builtIn("h100").orElseThrow(), Dtype.BF16, false, 1);
        Generation.Result r = Generation.run(m.root(), m.config(), spec(4, 64, 1, Dtype.BF16), t);
        assertNull(r.firstDecode());
        assertEquals(0, r.decodeSeconds());
        assertEquals(r.ttftSeconds(), r.totalSeconds());
        relClose(4 / r.ttftSeconds(), r.tokensPerSecond(), "B·G / prefill");
    }

    @Test void badRunsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> spec(0, 5, 5, Dtype.BF16));
        assertThrows(IllegalArgumentException.class, () -> spec(1, 0, 5, Dtype.BF16));
        assertThrows(IllegalArgumentException.class, () -> spec(1, 5, 0, Dtype.BF16));
        Generation.Spec s = spec(3, 10, 5, Dtype.BF16);
        assertEquals(List.of(4L, 10L, 13L, 14L), List.of(s.decodeSteps(), s.firstCache(), s.lastCache(), s.finalLength()));
    }
}
