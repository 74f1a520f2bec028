package io.flopscope.calibrate;

/**
 * The work of one kernel of a forward call, over all its instances, as the roofline sees it: its time is
 * {@code max(matmulFlops / (matmulPeak·e_matmul), vectorFlops / (vectorPeak·e_vector), bytes / (bandwidth·e_memory))
 * + launches · overhead}. Because max is positively homogeneous, a kernel that runs n times is one
 * KernelWork with n times the FLOPs and bytes and {@code launches = n} (0 for a kernel fused into its neighbour).
 */
public record KernelWork(double matmulFlops, double vectorFlops, double bytes, double launches) {
    public KernelWork {
        if (!(matmulFlops >= 0 && vectorFlops >= 0 && bytes >= 0 && launches >= 0)
                || !Double.isFinite(matmulFlops + vectorFlops + bytes + launches)) {
            throw new IllegalArgumentException("kernel work must be finite and non-negative: " + matmulFlops + ", " + vectorFlops + ", " + bytes + ", " + launches);
        }
    }
}
