package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import io.flopscope.report.EvaluatedNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RooflineTest {
    static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-12 + 1e-300, what);
    }

    /** The toy by hand: effective rates 5e11 (matmul), 5e10 (vector), 5e10 B/s, launch 1 µs; fp32, batch 2, seq 3. */
    @Test void toyModelByHand() {
        var root = Toy.resolve(Toy.library(), "toy.Root");
        Scenario sc = Scenario.of(Phase.PREFILL, 2, 3, 0, Dtype.FP32);
        Target t = Target.of(Toy.profile(), Dtype.FP32, false, 1);
        Prediction p = Roofline.predict(EvaluatedNode.of(root, new Evaluator(sc, Toy.config())), t, Communication.NONE);

        assertEquals(3, p.kernels().size(), "the kernel that does nothing is not listed");
        Prediction.KernelPrediction gemm = p.kernels().get(0), scale = p.kernels().get(1), child = p.kernels().get(2);
        // gemm: 12e6 FLOPs (2.4e-5 s at 5e11), 4,048,000 bytes (8.096e-5 s at 5e10): memory-bound, plus one launch
        assertEquals("gemm", gemm.title());
        close(2.4e-5, gemm.time().matmul(), "gemm matmul term");
        close(8.096e-5, gemm.time().memory(), "gemm memory term");
        assertEquals(Bound.MEMORY, gemm.bound());
        close(8.096e-5 + 1e-6, gemm.seconds(), "gemm");
        close(12e6 / 4_048_000.0, gemm.intensity(), "gemm intensity");
        // fused scale: 6000 vector FLOPs, no bytes: its FLOP time, no launch, no intensity
        assertEquals("fused scale", scale.title());
        close(1.2e-7, scale.seconds(), "fused scale");
        assertEquals(0, scale.time().launch());
        assertEquals(0, scale.launches());
        assertEquals(Bound.COMPUTE_VECTOR, scale.bound());
        assertNull(scale.intensity());
        // child ×3: 30000 vector FLOPs (6e-7 s), 48000 bytes (9.6e-7 s) + 1 µs each
        assertEquals(Rational.of(3), child.count());
        assertEquals("Root/Child@4", child.module());
        close(3 * (9.6e-7 + 1e-6), child.seconds(), "children");
        assertEquals(3, child.launches());

        close(8.196e-5 + 1.2e-7 + 5.88e-6, p.seconds(), "total");
        assertEquals(4, p.launches());
        close(4e-6, p.launchSeconds(), "launch seconds");
        assertEquals(1, p.root().children().size());
        close(5.88e-6, p.root().children().get(0).seconds(), "module total of the children");
        assertEquals(Rational.of(12_000_000 + 6000 + 90000), p.totals().flops());
    }

    /**
     * The two timelines on the toy (4 launches, 2 module calls: Root and its Child ×3 is one node of count 3, so 4
     * calls; device 8.196e-5 + 1.2e-7 + 5.88e-6 = 8.796e-5 s): a slow host sets the step, a fast one leaves it to the
     * device after the first dispatch, and at the cross-over both give the same step.
     */
    @Test void hostBoundDeviceBoundAndTheCrossOver() {
        var root = Toy.resolve(Toy.library(), "toy.Root");
        Scenario sc = Scenario.of(Phase.PREFILL, 2, 3, 0, Dtype.FP32);
        EvaluatedNode n = EvaluatedNode.of(root, new Evaluator(sc, Toy.config()));
        double device = 8.796e-5;
        java.util.function.DoubleFunction<Prediction> with = perKernel -> Roofline.predict(n,
                Target.of(Toy.profile().withHost(new HardwareProfile.Host("test", perKernel, 2 * perKernel, 1e-6, 1e-6)), Dtype.FP32, false, 1), Communication.NONE);
        Prediction slow = with.apply(30e-6);
        assertEquals(4, slow.launches());
        assertEquals(4, slow.moduleCalls(), "Root once, Child three times");
        close(30e-6 * 4 + 60e-6 * 4 + 1e-6, slow.hostSeconds(), "host: kernels, module calls, step");
        assertTrue(slow.hostBound());
        close(slow.hostSeconds(), slow.seconds(), "host-bound: the host's time");
        close(device, slow.kernelSeconds(), "the device's timeline is the same");
        Prediction fast = with.apply(1e-6);
        assertTrue(!fast.hostBound());
        close(1e-6 + device, fast.seconds(), "device-bound: the first dispatch, then the device");
        // cross-over: per_kernel·(4 + 2·4) + 1e-6 = per_kernel + device
        double x = (device - 1e-6) / 11;
        Prediction cross = with.apply(x);
        close(cross.hostSeconds(), cross.seconds(), "at the cross-over the host's time ...");
        close(x + device, cross.seconds(), "... equals the device's");
    }

    @Test void bf16UsesTheBf16PeakAndTensorParallelismDividesEveryTerm() {
        var root = Toy.resolve(Toy.library(), "toy.Root");
        Scenario sc = Scenario.of(Phase.PREFILL, 2, 3, 0, Dtype.BF16);
        EvaluatedNode n = EvaluatedNode.of(root, new Evaluator(sc, Toy.config()));
        Prediction one = Roofline.predict(n, Target.of(Toy.profile(), Dtype.BF16, false, 1), Communication.NONE);
        close(12e6 / 1e12, one.kernels().get(0).time().matmul(), "bf16 matmul at 2e12 × 0.5");
        Target t2 = Target.of(Toy.profile(), Dtype.BF16, false, 2);
        ModelDims dims = ModelDims.of(Toy.config());
        Communication comm = Communication.of(dims, 2, 3, Dtype.BF16, t2);
        Prediction two = Roofline.predict(n, t2, comm);
        for (int i = 0; i < one.kernels().size(); i++) {
            Roofline.KernelTime a = one.kernels().get(i).time(), b = two.kernels().get(i).time();
            close(a.matmul() / 2, b.matmul(), "matmul / N");
            close(a.vector() / 2, b.vector(), "vector / N");
            close(a.memory() / 2, b.memory(), "memory / N");
            assertEquals(a.launch(), b.launch(), "launches are not split");
        }
        // 2 layers × 2 all-reduces of 2·3·8·2 = 96 bytes; ring: launch + 2·(2−1)/2·96 B / (1e10/2 B/s)
        assertEquals(4, comm.allReduces());
        assertEquals(Rational.of(96), comm.bytesEach());
        close(1e-6 + 96 / 5e9, comm.secondsEach(), "one all-reduce");
        close(two.kernelSeconds() + 4 * (1e-6 + 96 / 5e9), two.seconds(), "kernels + communication");
    }

    /**
     * The acceptance check on every built-in model: each kernel's time is ≥ each of its roofline bounds and
     * equals count × (max of the three terms + launch when it moves bytes), recomputed here from the profile's
     * raw figures; module and model totals are the sums; the model time is ≥ each whole-model bound.
     */
    @Test void everyKernelOfEveryBuiltInModelFollowsTheFormula() {
        List<Toy.Model> models = Toy.builtInModels();
        HardwareProfile h100 = HardwareProfile.builtIn("h100").orElseThrow();
        HardwareProfile t4 = HardwareProfile.builtIn("t4").orElseThrow();
        int checked = 0;
        for (Toy.Model m : models) {
            for (Scenario sc : List.of(Scenario.of(Phase.PREFILL, 2, 64, 0, Dtype.BF16), Scenario.of(Phase.DECODE, 3, 1, 100, Dtype.FP32),
                    Scenario.of(Phase.PREFILL, 1, 7, 0, Dtype.FP16))) {
                HardwareProfile h = sc.activations() == Dtype.FP16 ? t4 : h100;
                for (int tp : new int[] {1, 4}) {
                    Target t = Target.of(h, sc.activations(), false, tp);
                    EvaluatedNode n = EvaluatedNode.of(m.root(), new Evaluator(sc, m.config()));
                    Communication comm = tp == 1 ? Communication.NONE : Communication.of(ModelDims.of(m.config()), sc.batchSize(), sc.seqLen(), sc.activations(), t);
                    Prediction p = Roofline.predict(n, t, comm);
                    checked += check(m + " " + sc + " tp=" + tp, p, n, h, sc.activations().id, tp);
                }
            }
        }
        assertTrue(checked > 1000, "kernels checked: " + checked);
    }

    private static int check(String what, Prediction p, EvaluatedNode root, HardwareProfile h, String dtype, int tp) {
        double rm = h.matmulPeak(dtype).orElseThrow() * h.efficiency().matmul() * tp;
        double rv = h.vectorPeak(dtype).orElseThrow() * h.efficiency().vector() * tp;
        double rb = h.memoryBandwidthBytesPerS() * h.efficiency().memory() * tp;
        double sum = 0;
        Rational flops = Rational.ZERO, bytes = Rational.ZERO;
        for (Prediction.KernelPrediction k : p.kernels()) {
            String w = what + " " + k.module() + ":" + k.line() + " " + k.title();
            Numbers x = k.perInstance();
            double c = k.count().doubleValue();
            double mm = x.matmulFlops().doubleValue() / rm, vec = x.vectorFlops().doubleValue() / rv, mem = x.bytes().doubleValue() / rb;
            double launch = x.bytes().signum() > 0 ? h.launchOverheadS() : 0;
            double max = Math.max(mm, Math.max(vec, mem));
            close(c * (max + launch), k.seconds(), w);
            assertTrue(k.seconds() >= c * mm * (1 - 1e-12) && k.seconds() >= c * vec * (1 - 1e-12) && k.seconds() >= c * mem * (1 - 1e-12), w);
            Bound b = max == mm ? Bound.COMPUTE_MATMUL : max == vec ? Bound.COMPUTE_VECTOR : Bound.MEMORY;
            assertEquals(b, k.bound(), w);
            if (x.bytes().signum() > 0) close(x.flops().doubleValue() / x.bytes().doubleValue(), k.intensity(), w);
            else assertNull(k.intensity(), w);
            assertEquals(launch > 0 ? c : 0, k.launches(), w);
            sum += k.seconds();
            flops = flops.add(x.flops().multiply(k.count()));
            bytes = bytes.add(x.bytes().multiply(k.count()));
        }
        close(sum, p.kernelSeconds(), what + " kernel sum");
        // the step: the longer of the host's dispatch and the device's kernels (after the first dispatch)
        HardwareProfile.Host host = h.host();
        double hostTime = host.perKernelS() * p.launches() + host.perModuleCallS() * p.moduleCalls() + host.perStepS();
        close(hostTime, p.hostSeconds(), what + " host");
        close(Math.max(hostTime, host.perKernelS() + sum) + p.communication().seconds(), p.seconds(), what + " total");
        assertTrue(p.moduleCalls() >= 1, what + ": the model's own call at least");
        assertEquals(root.total().flops(), flops, what + ": every FLOP is in some kernel");
        assertEquals(root.total().bytes(), bytes, what + ": every byte is in some kernel");
        Numbers tot = p.totals();
        assertTrue(p.seconds() >= tot.matmulFlops().doubleValue() / rm && p.seconds() >= tot.vectorFlops().doubleValue() / rv
                && p.seconds() >= tot.bytes().doubleValue() / rb, what + ": the total is at least each whole-model bound");
        checkModules(what, p.root(), p.kernels());
        return p.kernels().size();
    }

    /** A module's time is the sum of the kernels under its path. */
    private static void checkModules(String what, Prediction.ModulePrediction m, List<Prediction.KernelPrediction> kernels) {
        double s = 0;
        for (Prediction.KernelPrediction k : kernels) if (k.module().equals(m.path()) || k.module().startsWith(m.path() + "/")) s += k.seconds();
        close(s, m.seconds(), what + " module " + m.path());
        for (Prediction.ModulePrediction c : m.children()) checkModules(what, c, kernels);
    }
}
