package io.flopscope.calibrate;

import java.util.List;

/** A measurement with the kernels the model predicts for it and the peaks they run against. */
public record Sample(Measurement measurement, Peaks peaks, List<KernelWork> kernels) {
    public Sample {
        kernels = List.copyOf(kernels);
        if (kernels.isEmpty()) throw new IllegalArgumentException(measurement.source() + ": no kernels to predict " + measurement.label() + " with");
    }

    /** The predicted seconds under these parameters: the roofline sum over the kernels. */
    public double predict(Params p) {
        double t = 0;
        for (KernelWork k : kernels) {
            double mm = k.matmulFlops() / (peaks.matmulFlopsPerS() * p.matmul());
            double vec = k.vectorFlops() / (peaks.vectorFlopsPerS() * p.vector());
            double mem = k.bytes() / (peaks.bytesPerS() * p.memory());
            t += Math.max(mm, Math.max(vec, mem)) + k.launches() * p.launchOverheadS();
        }
        return t;
    }

    public double launches() {
        double l = 0;
        for (KernelWork k : kernels) l += k.launches();
        return l;
    }
}
