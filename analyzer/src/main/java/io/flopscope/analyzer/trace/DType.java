package io.flopscope.analyzer.trace;

/** Element types as the cost formulas name their sizes. */
public enum DType {
    ACTIVATION("a_bytes"), WEIGHT("w_bytes"), KV("kv_bytes"), FLOAT32("4"), INT64("8"), INT32("4"), BOOL("1"),
    /** A copy of weights (gathered expert weights): the weights' size, but not parameters the model holds. */
    WEIGHT_COPY("wcopy_bytes"),
    /** complex64: RoPE as rotation by complex numbers (torch.polar, view_as_complex), two float32 per element. */
    COMPLEX64("8");

    /** The size of one element in the formula language. */
    public final String bytes;

    DType(String bytes) { this.bytes = bytes; }

    /** The element size as a polynomial. */
    public io.flopscope.formula.Poly size() {
        return switch (this) {
            case ACTIVATION, WEIGHT, WEIGHT_COPY, KV -> io.flopscope.formula.Poly.symbol(bytes);
            default -> io.flopscope.formula.Poly.constant(Long.parseLong(bytes));
        };
    }

    public boolean isFloat() { return this == ACTIVATION || this == WEIGHT || this == WEIGHT_COPY || this == KV || this == FLOAT32; }
}
