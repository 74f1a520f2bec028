package io.flopscope.document;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The code lines of an analysis, read from the source it describes. Built-in analyses ship without their code (the
 * code belongs to its authors); the line numbers are enough to fill it in from the user's copy of the same release.
 */
public final class SourceCode {
    private SourceCode() {}

    /** Lines start..end of a file, their common indentation removed; null when the file is shorter. */
    public static String lines(List<String> file, LineRange r) {
        if (file == null || file.isEmpty() || r.end() > file.size()) return null;
        StringBuilder sb = new StringBuilder();
        int indent = Integer.MAX_VALUE;
        for (int i = r.start(); i <= r.end(); i++) {
            String l = file.get(i - 1);
            if (!l.isBlank()) indent = Math.min(indent, l.length() - l.stripLeading().length());
        }
        for (int i = r.start(); i <= r.end(); i++) {
            String l = file.get(i - 1);
            if (sb.length() > 0) sb.append('\n');
            sb.append(l.length() >= indent && indent != Integer.MAX_VALUE ? l.substring(indent) : l.strip());
        }
        return sb.toString();
    }

    /**
     * The analysis with every kernel's code read from {@code file}, or the reason it cannot be: the file must be the
     * release the analysis was made from, which its class line says ({@code class LlamaMLP(nn.Module):} at the stated
     * line).
     */
    public static Filled fill(ModuleAnalysis a, List<String> file) {
        SourceLocation s = a.source();
        if (s.classLine() != null && s.className() != null) {
            String at = s.classLine() <= file.size() ? file.get(s.classLine() - 1).strip() : "";
            if (!at.startsWith("class " + s.className() + "(") && !at.startsWith("class " + s.className() + ":")) {
                return new Filled(a, Optional.of("line " + s.classLine() + " is not `class " + s.className() + "`: this file is another release than the one analysed"));
            }
        }
        List<Kernel> ks = new ArrayList<>();
        for (Kernel k : a.kernels()) ks.add(k.withCode(lines(file, k.lines())));
        return new Filled(new ModuleAnalysis(a.className(), s, a.conditions(), a.skipped(), a.parameters(), a.variables(), ks, a.summary()), Optional.empty());
    }

    /** The analysis, with its code when {@code mismatch} is empty. */
    public record Filled(ModuleAnalysis analysis, Optional<String> mismatch) {}
}
