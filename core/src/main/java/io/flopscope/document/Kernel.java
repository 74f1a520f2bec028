package io.flopscope.document;

/**
 * One entry of the line-by-line analysis. Formulas are kept as text in the formula language
 * (docs/document-format.md); {@code repeat} multiplies the whole kernel.
 *
 * @param optional true when the kernel is off the default inference path ("Skip for standard inference"):
 *                 it is checked but not counted
 */
public record Kernel(
        LineRange lines,
        String title,
        String phase,
        String code,
        KernelType type,
        String operation,
        String analysis,
        FlopClass flopClass,
        String flops,
        String read,
        String write,
        String repeat,
        boolean optional,
        String justification,
        String unanalysed) {

    /** A kernel with everything analysed. */
    public Kernel(LineRange lines, String title, String phase, String code, KernelType type, String operation, String analysis,
                  FlopClass flopClass, String flops, String read, String write, String repeat, boolean optional, String justification) {
        this(lines, title, phase, code, type, operation, analysis, flopClass, flops, read, write, repeat, optional, justification, null);
    }

    /** Lines whose cost is unknown: never counted as zero, always reported with the reason. */
    public static Kernel unanalysed(LineRange lines, String title, String phase, String code, String reason) {
        return new Kernel(lines, title, phase, code, KernelType.BASIC, "unanalysed", reason, FlopClass.VECTOR, "0", "0", "0", null, false, "", reason);
    }

    public boolean isUnanalysed() { return unanalysed != null; }

    public Kernel withCode(String newCode) {
        return new Kernel(lines, title, phase, newCode, type, operation, analysis, flopClass, flops, read, write, repeat, optional, justification, unanalysed);
    }
}
