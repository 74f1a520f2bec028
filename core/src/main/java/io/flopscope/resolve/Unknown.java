package io.flopscope.resolve;

/** A part of the cost that could not be analysed: never counted as zero, always listed. */
public record Unknown(String className, String file, int line, String reason) {
    @Override public String toString() {
        return (file == null ? "<input>" : file) + (line > 0 ? ":" + line : "") + ": " + className + ": " + reason;
    }
}
