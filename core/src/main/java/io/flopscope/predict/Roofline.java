package io.flopscope.predict;

import io.flopscope.evaluate.Numbers;
import io.flopscope.formula.Rational;
import io.flopscope.report.EvaluatedNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roofline model of docs/prediction.md. One instance of a basic kernel takes
 * <pre>
 *   max(matmul_flops / (matmul_peak[dtype] · eff.matmul · N),
 *       vector_flops / (vector_peak[dtype] · eff.vector · N),
 *       (bytes_read + bytes_written) / (bandwidth · eff.memory · N))  +  launch_overhead · [bytes &gt; 0]
 * </pre>
 * with N the tensor-parallel degree. A kernel that moves no bytes but has FLOPs (a bias add or scale
 * that the analysis records as fused into its neighbour) is fused into the kernel before it: its FLOP
 * time counts, no launch does. A kernel with neither FLOPs nor bytes costs nothing and is not listed.
 * A kernel inside a module runs (product of the repeats from the root) times.
 */
public final class Roofline {
    private Roofline() {}

    /** The three roofline terms of one kernel instance, its launch overhead (0 or the profile's) and the sum. */
    public record KernelTime(double matmul, double vector, double memory, double launch) {
        public double roof() { return Math.max(matmul, Math.max(vector, memory)); }

        public double total() { return roof() + launch; }

        /** The largest term; ties go to matmul, then vector. */
        public Bound bound() {
            if (matmul >= vector && matmul >= memory) return Bound.COMPUTE_MATMUL;
            if (vector >= memory) return Bound.COMPUTE_VECTOR;
            return Bound.MEMORY;
        }
    }

    /** One instance of a basic kernel with these numbers. */
    public static KernelTime time(Numbers n, Target t) {
        double mm = n.matmulFlops().signum() == 0 ? 0 : n.matmulFlops().doubleValue() / t.matmulRate();
        double vec = n.vectorFlops().signum() == 0 ? 0 : n.vectorFlops().doubleValue() / t.vectorRate();
        Rational bytes = n.bytes();
        double mem = bytes.signum() == 0 ? 0 : bytes.doubleValue() / t.memoryRate();
        return new KernelTime(mm, vec, mem, bytes.signum() > 0 ? t.launchOverhead() : 0);
    }

    /** True for a kernel that does nothing (no FLOPs, no bytes): not listed, no time. */
    static boolean empty(Numbers n) { return n.flops().signum() == 0 && n.bytes().signum() == 0; }

    /**
     * Predicts one forward call: every kernel of the evaluated tree, module subtotals, communication, and the two
     * timelines (docs/prediction.md, "Host and device"): the device runs the kernels back to back (roofline + gap
     * each); the host dispatches them (per kernel, per module call, per step) and runs ahead while the device works.
     * The step takes the longer of the two; the device cannot start before the first kernel is dispatched.
     */
    public static Prediction predict(EvaluatedNode root, Target t, Communication comm) {
        List<Prediction.KernelPrediction> kernels = new ArrayList<>();
        Prediction.ModulePrediction m = walk(root, root.simpleName(), Rational.ONE, t, kernels);
        double kernelSeconds = m.seconds();
        double launches = 0;
        for (Prediction.KernelPrediction k : kernels) launches += k.launches();
        double calls = moduleCalls(root, 1);
        double host = hostSeconds(t.host(), launches, calls);
        return new Prediction(t, comm, root.total(), kernelSeconds, step(t.host(), host, kernelSeconds) + comm.seconds(), launches,
                List.copyOf(kernels), m, calls, host);
    }

    /** The host's time for a step of these launches and module calls. */
    public static double hostSeconds(io.flopscope.predict.HardwareProfile.Host h, double launches, double moduleCalls) {
        return h.perKernelS() * launches + h.perModuleCallS() * moduleCalls + h.perStepS();
    }

    /** A step: the longer timeline, the device starting once the first kernel is dispatched. */
    public static double step(io.flopscope.predict.HardwareProfile.Host h, double hostSeconds, double deviceSeconds) {
        return Math.max(hostSeconds, h.perKernelS() + deviceSeconds);
    }

    /**
     * nn.Module calls of a forward call: every node of the tree (times its count) whose class is a module, not a
     * library function (torch.matmul, torch.nn.functional.*) the analyses also give a node of its own.
     */
    public static double moduleCalls(EvaluatedNode n, double parentCount) {
        double count = parentCount * n.repeat().doubleValue();
        double calls = isModule(n.className()) ? count : 0;
        for (EvaluatedNode c : n.children()) calls += moduleCalls(c, count);
        return calls;
    }

    static boolean isModule(String cls) { return !cls.startsWith("torch.") || cls.startsWith("torch.nn.modules."); }

    private static Prediction.ModulePrediction walk(EvaluatedNode n, String path, Rational parentCount, Target t, List<Prediction.KernelPrediction> out) {
        Rational count = parentCount.multiply(n.repeat());
        // execution order: a module's own kernels and its calls, by source line (kernels first on a tie)
        List<Object> steps = new ArrayList<>(n.kernels());
        steps.addAll(n.children());
        steps.sort(Comparator.comparingInt(Roofline::lineOf).thenComparingInt(s -> s instanceof EvaluatedNode ? 1 : 0));
        double seconds = 0;
        List<Prediction.ModulePrediction> children = new ArrayList<>();
        Map<EvaluatedNode, String> segments = new IdentityHashMap<>();
        for (int i = 0; i < n.children().size(); i++) segments.put(n.children().get(i), n.childSegments().get(i));
        for (Object s : steps) {
            if (s instanceof EvaluatedNode.EvaluatedKernel k) {
                if (empty(k.numbers())) continue;
                KernelTime kt = time(k.numbers(), t);
                double c = count.doubleValue();
                Prediction.KernelPrediction kp = new Prediction.KernelPrediction(path, n.className(), k.line(), k.title(), k.operation(), k.flopClass(),
                        count, k.numbers(), kt, c * kt.total(), kt.launch() > 0 ? c : 0);
                out.add(kp);
                seconds += kp.seconds();
            } else {
                EvaluatedNode c = (EvaluatedNode) s;
                Prediction.ModulePrediction cm = walk(c, path + "/" + segments.get(c), count, t, out);
                children.add(cm);
                seconds += cm.seconds();
            }
        }
        return new Prediction.ModulePrediction(path, n.className(), n.via(), n.line(), n.repeat(), count, seconds, List.copyOf(children));
    }

    private static int lineOf(Object s) {
        return s instanceof EvaluatedNode.EvaluatedKernel k ? k.line() : ((EvaluatedNode) s).line();
    }
}
