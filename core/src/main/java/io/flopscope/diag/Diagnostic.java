package io.flopscope.diag;

/**
 * One problem found in an input, with where it is. line and column are 1-based; 0 means unknown.
 * Printed the way compilers print them: {@code file:line:col: error: message}.
 */
public record Diagnostic(Severity severity, String file, int line, int column, String message) {
    public static Diagnostic error(String file, int line, String message) { return new Diagnostic(Severity.ERROR, file, line, 0, message); }
    public static Diagnostic warning(String file, int line, String message) { return new Diagnostic(Severity.WARNING, file, line, 0, message); }

    public boolean isError() { return severity == Severity.ERROR; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(file == null ? "<input>" : file);
        if (line > 0) sb.append(':').append(line);
        if (line > 0 && column > 0) sb.append(':').append(column);
        return sb.append(": ").append(severity.label()).append(": ").append(message).toString();
    }
}
