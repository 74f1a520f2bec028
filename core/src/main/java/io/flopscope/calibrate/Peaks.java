package io.flopscope.calibrate;

import io.flopscope.predict.Target;

/** The datasheet rates a measurement's kernels run against (before any efficiency). */
public record Peaks(double matmulFlopsPerS, double vectorFlopsPerS, double bytesPerS) {
    public Peaks {
        if (!(matmulFlopsPerS > 0 && vectorFlopsPerS > 0 && bytesPerS > 0) || !Double.isFinite(matmulFlopsPerS + vectorFlopsPerS + bytesPerS)) {
            throw new IllegalArgumentException("peaks must be positive: " + matmulFlopsPerS + ", " + vectorFlopsPerS + ", " + bytesPerS);
        }
    }

    /** The peaks a roofline target uses for its dtype, times its tensor-parallel degree. */
    public static Peaks of(Target t) {
        int n = t.tensorParallel();
        return new Peaks(t.hardware().matmulPeak(t.matmulDtype()).orElseThrow() * n, t.hardware().vectorPeak(t.vectorDtype()).orElseThrow() * n,
                t.hardware().memoryBandwidthBytesPerS() * n);
    }
}
