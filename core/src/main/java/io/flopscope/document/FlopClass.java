package io.flopscope.document;

/** Which total a basic kernel's FLOPs go to (docs/conventions.md). */
public enum FlopClass {
    /** mm, addmm, bmm, baddbmm, matmul, linear, conv, the two attention products: torch's FlopCounterMode set. */
    MATMUL,
    /** everything else: element-wise, reductions, softmax, norms, activations. */
    VECTOR;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
