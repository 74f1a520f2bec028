package io.flopscope.calibrate;

import io.flopscope.predict.HardwareProfile;
import java.util.Locale;

/** What calibration fits: the efficiency of each kernel class (fractions of peak) and the per-launch overhead. */
public record Params(double matmul, double vector, double memory, double launchOverheadS) {
    public Params {
        if (!(matmul > 0 && vector > 0 && memory > 0 && launchOverheadS >= 0) || !Double.isFinite(matmul + vector + memory + launchOverheadS)) {
            throw new IllegalArgumentException("efficiencies must be positive and the overhead non-negative: " + matmul + ", " + vector + ", " + memory + ", " + launchOverheadS);
        }
    }

    public static Params of(HardwareProfile h) {
        return new Params(h.efficiency().matmul(), h.efficiency().vector(), h.efficiency().memory(), h.launchOverheadS());
    }

    /** A copy of {@code base} with these efficiencies and this launch overhead. */
    public HardwareProfile applyTo(HardwareProfile base) {
        return base.withEfficiency(new HardwareProfile.Efficiency(matmul, vector, memory)).withLaunchOverhead(launchOverheadS);
    }

    public double get(int i) {
        return switch (i) {
            case 0 -> matmul;
            case 1 -> vector;
            case 2 -> memory;
            case 3 -> launchOverheadS;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    @Override public String toString() {
        return String.format(Locale.ROOT, "matmul %.4f, vector %.4f, memory %.4f, launch %.3f µs", matmul, vector, memory, launchOverheadS * 1e6);
    }
}
