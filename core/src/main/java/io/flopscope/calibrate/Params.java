package io.flopscope.calibrate;

import io.flopscope.predict.HardwareProfile;
import java.util.Locale;

/**
 * What calibration fits: the efficiency of each kernel class (fractions of peak) and the host's time per kernel it
 * launches (its time per module call scales with it, keeping the runtime's ratio; docs/measurements.md).
 */
public record Params(double matmul, double vector, double memory, double hostPerKernelS) {
    public Params {
        if (!(matmul > 0 && vector > 0 && memory > 0 && hostPerKernelS >= 0) || !Double.isFinite(matmul + vector + memory + hostPerKernelS)) {
            throw new IllegalArgumentException("efficiencies must be positive and the host time non-negative: " + matmul + ", " + vector + ", " + memory + ", " + hostPerKernelS);
        }
    }

    public static Params of(HardwareProfile h) {
        return new Params(h.efficiency().matmul(), h.efficiency().vector(), h.efficiency().memory(), h.host().perKernelS());
    }

    /** A copy of {@code base} with these efficiencies and this host time per kernel. */
    public HardwareProfile applyTo(HardwareProfile base) {
        return base.withEfficiency(new HardwareProfile.Efficiency(matmul, vector, memory)).withHost(base.host().withPerKernel(hostPerKernelS));
    }

    public double get(int i) {
        return switch (i) {
            case 0 -> matmul;
            case 1 -> vector;
            case 2 -> memory;
            case 3 -> hostPerKernelS;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    @Override public String toString() {
        return String.format(Locale.ROOT, "matmul %.4f, vector %.4f, memory %.4f, host %.3f µs per kernel", matmul, vector, memory, hostPerKernelS * 1e6);
    }
}
