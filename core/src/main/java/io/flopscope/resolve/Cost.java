package io.flopscope.resolve;

import io.flopscope.formula.Poly;

/** FLOPs (split into matmul and vector) and bytes, each an exact symbolic polynomial. */
public record Cost(Poly matmulFlops, Poly vectorFlops, Poly bytesRead, Poly bytesWritten) {
    public static final Cost ZERO = new Cost(Poly.ZERO, Poly.ZERO, Poly.ZERO, Poly.ZERO);

    public Poly flops() { return matmulFlops.add(vectorFlops); }
    public Poly bytes() { return bytesRead.add(bytesWritten); }

    public Cost plus(Cost o) {
        return new Cost(matmulFlops.add(o.matmulFlops), vectorFlops.add(o.vectorFlops), bytesRead.add(o.bytesRead), bytesWritten.add(o.bytesWritten));
    }

    public Cost times(Poly k) {
        if (k.equals(Poly.ONE)) return this;
        return new Cost(matmulFlops.multiply(k), vectorFlops.multiply(k), bytesRead.multiply(k), bytesWritten.multiply(k));
    }

    public boolean isZero() { return matmulFlops.isZero() && vectorFlops.isZero() && bytesRead.isZero() && bytesWritten.isZero(); }

    public Cost map(java.util.function.UnaryOperator<Poly> f) {
        return new Cost(f.apply(matmulFlops), f.apply(vectorFlops), f.apply(bytesRead), f.apply(bytesWritten));
    }
}
