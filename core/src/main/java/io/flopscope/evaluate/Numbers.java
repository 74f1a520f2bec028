package io.flopscope.evaluate;

import io.flopscope.formula.Rational;
import io.flopscope.resolve.Cost;

/** A {@link Cost} evaluated for one scenario: exact rationals (integers in practice). */
public record Numbers(Rational matmulFlops, Rational vectorFlops, Rational bytesRead, Rational bytesWritten) {
    public static final Numbers ZERO = new Numbers(Rational.ZERO, Rational.ZERO, Rational.ZERO, Rational.ZERO);

    public Rational flops() { return matmulFlops.add(vectorFlops); }
    public Rational bytes() { return bytesRead.add(bytesWritten); }
}
