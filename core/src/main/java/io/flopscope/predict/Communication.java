package io.flopscope.predict;

import io.flopscope.evaluate.Dtype;
import io.flopscope.formula.Rational;

/**
 * Tensor-parallel communication of one forward call (docs/prediction.md, "Tensor parallelism"):
 * two all-reduces per layer (after the attention output projection and after the MLP), each of the
 * [batch, seq, hidden] activation. A ring all-reduce of B bytes over N devices sends and receives
 * 2·(N−1)/N·B bytes per device; with the profile's bidirectional interconnect figure W each direction
 * carries W/2, so one all-reduce takes launch + 2·(N−1)/N·B / (W/2).
 */
public record Communication(int tensorParallel, long allReduces, Rational bytesEach, double secondsEach) {
    public static final Communication NONE = new Communication(1, 0, Rational.ZERO, 0);

    public static Communication of(ModelDims dims, long batch, long seq, Dtype activations, Target t) {
        int n = t.tensorParallel();
        if (n == 1) return NONE;
        Rational bytes = Rational.of(batch).multiply(Rational.of(seq)).multiply(Rational.of(dims.hidden())).multiply(activations.bytes);
        return new Communication(n, 2 * dims.layers(), bytes, secondsExact(bytes, t).doubleValue());
    }

    /** The time of one all-reduce of {@code bytes}, exactly. */
    static Rational secondsExact(Rational bytes, Target t) {
        int n = t.tensorParallel();
        if (n == 1) return Rational.ZERO;
        Rational perDirection = HardwareProfile.exact(t.hardware().interconnectBytesPerS()).divide(Rational.of(2));
        Rational traffic = Rational.of(2L * (n - 1), n).multiply(bytes);
        return t.launchOverheadExact().add(traffic.divide(perDirection));
    }

    public double seconds() { return allReduces * secondsEach; }
}
