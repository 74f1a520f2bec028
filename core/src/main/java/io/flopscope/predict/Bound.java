package io.flopscope.predict;

/** Which roofline term sets a kernel's time: the largest of the three (ties go to the earlier one). */
public enum Bound {
    COMPUTE_MATMUL("compute-matmul"), COMPUTE_VECTOR("compute-vector"), MEMORY("memory");

    public final String label;

    Bound(String label) { this.label = label; }
}
