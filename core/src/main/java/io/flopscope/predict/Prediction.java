package io.flopscope.predict;

import io.flopscope.document.FlopClass;
import io.flopscope.evaluate.Numbers;
import io.flopscope.formula.Rational;
import java.util.List;

/**
 * The predicted time of one forward call.
 *
 * @param totals        FLOPs and bytes of the whole model (all devices together)
 * @param kernelSeconds the device's timeline: Σ over kernels of count × per-instance time (roofline + gap)
 * @param seconds       the step: max(host, first dispatch + device) + tensor-parallel communication
 * @param launches      kernel launches (kernels with bytes, times their counts)
 * @param moduleCalls   nn.Module calls of the step (the tree's nodes that are modules, times their counts)
 * @param hostSeconds   the host's timeline: per kernel, per module call and per step (docs/prediction.md)
 */
public record Prediction(Target target, Communication communication, Numbers totals, double kernelSeconds, double seconds,
                         double launches, List<KernelPrediction> kernels, ModulePrediction root, double moduleCalls, double hostSeconds) {

    /** Whether the host's dispatch, not the device's work, sets the step time. */
    public boolean hostBound() { return hostSeconds > kernelSeconds + target.host().perKernelS(); }

    /**
     * One basic kernel at one place in the tree.
     *
     * @param module      path of the module that owns it (Root/Child@line/...)
     * @param count       instances per forward call: the product of repeats from the root
     * @param perInstance FLOPs and bytes of one instance
     * @param seconds     count × time.total()
     */
    public record KernelPrediction(String module, String className, int line, String title, String operation, FlopClass flopClass,
                                   Rational count, Numbers perInstance, Roofline.KernelTime time, double seconds, double launches) {
        public Bound bound() { return time.bound(); }

        /** FLOPs per byte moved; null for a fused kernel that moves no bytes. */
        public Double intensity() {
            if (perInstance.bytes().signum() == 0) return null;
            return perInstance.flops().divide(perInstance.bytes()).doubleValue();
        }

        public Rational flops() { return perInstance.flops().multiply(count); }

        public Rational bytes() { return perInstance.bytes().multiply(count); }
    }

    /** A module's subtree: seconds is its share of the model's time (all its instances). */
    public record ModulePrediction(String path, String className, String via, int line, Rational repeat, Rational count, double seconds,
                                   List<ModulePrediction> children) {
        public String simpleName() { return className.substring(className.lastIndexOf('.') + 1); }
    }

    /** Seconds spent in kernels of each bound. */
    public double seconds(Bound b) {
        double s = 0;
        for (KernelPrediction k : kernels) if (k.bound() == b) s += k.seconds();
        return s;
    }

    public double launchSeconds() { return launches * target.launchOverhead(); }
}
