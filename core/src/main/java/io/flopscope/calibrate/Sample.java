package io.flopscope.calibrate;

import java.util.List;

/**
 * A measurement with the kernels the model predicts for it, the peaks they run against, and what the host does for
 * it: its nn.Module calls, and the runtime's fixed costs (the device's gap between kernels, the host's time per step
 * and per module call relative to its time per kernel, which calibration keeps).
 */
public record Sample(Measurement measurement, Peaks peaks, List<KernelWork> kernels, double moduleCalls, double deviceGapS,
                     double modulePerKernel, double hostPerStepS) {
    public Sample {
        kernels = List.copyOf(kernels);
        if (kernels.isEmpty()) throw new IllegalArgumentException(measurement.source() + ": no kernels to predict " + measurement.label() + " with");
    }

    /** The predicted seconds under these parameters: max(host, first dispatch + device), as Roofline.predict. */
    public double predict(Params p) {
        double device = 0;
        for (KernelWork k : kernels) {
            double mm = k.matmulFlops() / (peaks.matmulFlopsPerS() * p.matmul());
            double vec = k.vectorFlops() / (peaks.vectorFlopsPerS() * p.vector());
            double mem = k.bytes() / (peaks.bytesPerS() * p.memory());
            device += Math.max(mm, Math.max(vec, mem)) + k.launches() * deviceGapS;
        }
        double host = p.hostPerKernelS() * hostUnits() + hostPerStepS;
        return Math.max(host, p.hostPerKernelS() + device);
    }

    /** The host's time in units of its time per kernel: launches plus module calls at their relative cost. */
    public double hostUnits() { return launches() + modulePerKernel * moduleCalls; }

    public double launches() {
        double l = 0;
        for (KernelWork k : kernels) l += k.launches();
        return l;
    }
}
