package io.flopscope.document;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Writes a {@link ModuleAnalysis} in the seed's structure; {@link MarkdownReader} reads it back equal. */
public final class MarkdownWriter {
    private static final Pattern SKIP_WORDS = Pattern.compile("(?i)\\bskip(?:ped)?\\b[^.]*?(standard inference|default inference|\\bif\\b)");

    private MarkdownWriter() {}

    public static String write(ModuleAnalysis a) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Computational Cost Analysis: ").append(a.className()).append("\n\n");
        SourceLocation s = a.source();
        sb.append("## Source Code Location\n");
        if (s.file() != null) sb.append("- **File**: `").append(s.file()).append("`\n");
        if (s.className() != null) {
            sb.append("- **Class**: `").append(s.className()).append('`');
            if (s.classLine() != null) sb.append(" (line ").append(s.classLine()).append(')');
            sb.append('\n');
        }
        if (s.init() != null) sb.append("- **Init Method**: Lines ").append(s.init()).append('\n');
        if (s.forward() != null) sb.append("- **Forward Method**: Lines ").append(s.forward()).append('\n');
        sb.append('\n');

        sb.append("## Inference Configuration Analysis\n\n### Default Inference Conditions\n");
        for (String c : a.conditions()) sb.append("- ").append(c).append('\n');
        sb.append("\n### Skipped Conditional Branches\n");
        for (SkippedBranch b : a.skipped()) {
            sb.append("- Lines ").append(b.lines().stream().map(LineRange::toString).collect(Collectors.joining(", ")))
              .append(": ").append(b.reason()).append('\n');
        }
        sb.append('\n');

        if (a.parameters() != null) {
            sb.append("## Parameters\n`(");
            boolean kw = false;
            boolean first = true;
            for (Parameter p : a.parameters()) {
                if (!first) sb.append(", ");
                first = false;
                if (p.keywordOnly() && !kw) { sb.append("*, "); kw = true; }
                sb.append(p.name());
                if (p.defaultFormula() != null) sb.append('=').append(p.defaultFormula());
            }
            sb.append(")`\n\n");
            for (Parameter p : a.parameters()) {
                if (!p.description().isEmpty()) sb.append("- `").append(p.name()).append("`: ").append(p.description()).append('\n');
            }
            sb.append('\n');
        }

        sb.append("## Variable and Shape Definitions\n");
        for (Variable v : a.variables()) {
            sb.append("- `").append(v.name()).append('`');
            if (v.formula() != null) {
                sb.append(" = `").append(v.formula()).append('`');
                if (!v.description().isEmpty()) sb.append(": ").append(v.description());
            } else {
                sb.append(": ").append(v.description());
            }
            sb.append('\n');
        }
        sb.append('\n');

        sb.append("## Line-by-Line Computational Analysis\n");
        String phase = null;
        List<Kernel> ks = a.kernels();
        java.util.Map<Integer, Integer> partner = PhaseWeight.decodeTwins(ks);
        java.util.Set<Integer> paired = new java.util.HashSet<>(partner.values());
        for (int i = 0; i < ks.size(); i++) {
            if (paired.contains(i)) continue;
            Kernel k = ks.get(i);
            if (!Objects.equals(phase, k.phase()) && !k.phase().isEmpty()) {
                sb.append("\n### ").append(k.phase()).append('\n');
            }
            phase = k.phase();
            // consecutive lines without a kernel: one entry with a one-line reason
            int j = i;
            while (noKernel(k) && j + 1 < ks.size() && noKernel(ks.get(j + 1)) && Objects.equals(ks.get(j + 1).phase(), k.phase())) j++;
            if (j > i) {
                writeNoKernels(sb, ks.subList(i, j + 1));
                i = j;
            } else if (partner.containsKey(i)) {
                writePair(sb, k, ks.get(partner.get(i)));
            } else {
                writeKernel(sb, k);
            }
        }
        sb.append('\n');
        sb.append("## Summary of Computational Kernels\n");
        if (!a.summary().isEmpty()) sb.append(a.summary()).append('\n');
        return sb.toString();
    }

    /** A line that runs no kernel: zero cost in both phases, nothing to justify or report. */
    static boolean noKernel(Kernel k) {
        return k.type() == KernelType.BASIC && "none".equals(k.operation()) && "0".equals(k.flops()) && "0".equals(k.read()) && "0".equals(k.write())
                && k.repeat() == null && !k.isUnanalysed() && !k.optional() && k.justification().isEmpty();
    }

    /** Consecutive lines without a kernel as one entry: their range, their code, their reasons once each. */
    private static void writeNoKernels(StringBuilder sb, List<Kernel> ks) {
        LineRange first = ks.get(0).lines(), last = ks.get(ks.size() - 1).lines();
        java.util.LinkedHashSet<String> reasons = new java.util.LinkedHashSet<>();
        StringBuilder code = new StringBuilder();
        boolean allCode = true;
        for (Kernel k : ks) {
            for (String r : k.analysis().split("(?<=\\.)\\s+")) if (!r.isBlank()) reasons.add(r.strip());
            if (k.code() == null) allCode = false;
            else code.append(code.length() == 0 ? "" : "\n").append(k.code());
        }
        Kernel merged = new Kernel(new LineRange(first.start(), Math.max(first.end(), last.end())), "no kernel", ks.get(0).phase(),
                allCode ? code.toString() : null, KernelType.BASIC, "none", String.join(" ", reasons), ks.get(0).flopClass(), "0", "0", "0", null, false, "");
        sb.append("\n**Line ").append(merged.lines()).append(": no kernel**\n");
        writeCode(sb, merged.code());
        sb.append("- **Kernel Type**: basic\n- **Operation**: none\n- **Analysis**: ").append(merged.analysis().replace("\n", " ")).append('\n');
        sb.append("- **FLOPs**: 0\n- **FLOP Class**: ").append(merged.flopClass().label()).append("\n- **Memory Access**: Read: 0, Write: 0\n");
    }

    private static void writeCode(StringBuilder sb, String code) {
        if (code == null) return;
        // a fence longer than any run of backticks in the code (a docstring may hold a Markdown example)
        int longest = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`+").matcher(code);
        while (m.find()) longest = Math.max(longest, m.group().length());
        String fence = "`".repeat(Math.max(3, longest + 1));
        sb.append(fence).append("python\n").append(code).append('\n').append(fence).append('\n');
    }

    private static void writeHeader(StringBuilder sb, Kernel k) {
        sb.append("\n**Line ").append(k.lines());
        if (!k.title().isEmpty()) sb.append(": ").append(k.title());
        sb.append("**\n");
        writeCode(sb, k.code());
        sb.append("- **Kernel Type**: ").append(k.type().label()).append('\n');
        sb.append("- **Operation**: ").append(k.operation()).append('\n');
    }

    private static void writeAnalysis(StringBuilder sb, String text, String indent) {
        String[] analysis = text.split("\n", -1);
        sb.append(analysis[0]).append('\n');
        for (int i = 1; i < analysis.length; i++) {
            String l = analysis[i];
            if (l.startsWith("- ")) sb.append(indent).append("  - ").append(l.substring(2)).append('\n');
            else if (!l.isBlank()) sb.append(l).append('\n');
        }
    }

    /** A composite kernel's reference stands for its FLOPs, reads and writes alike: written once under Memory Access. */
    private static boolean oneReference(Kernel k) {
        return k.type() == KernelType.COMPOSITE && k.flops().equals(k.read()) && k.flops().equals(k.write());
    }

    private static void writeTail(StringBuilder sb, Kernel k, String repeat) {
        if (repeat != null) sb.append("- **Repeat**: ").append(repeat).append('\n');
        if (k.isUnanalysed()) sb.append("- **Status**: unanalysed: ").append(k.unanalysed()).append('\n');
        else if (k.optional()) sb.append("- **Status**: skipped for standard inference\n");
        else if (SKIP_WORDS.matcher(k.analysis()).find()) sb.append("- **Status**: counted\n");
        if (!k.justification().isEmpty()) sb.append('\n').append(k.justification()).append('\n');
    }

    private static void writeKernel(StringBuilder sb, Kernel k) {
        writeHeader(sb, k);
        sb.append("- **Analysis**: ");
        writeAnalysis(sb, k.analysis(), "");
        PhaseWeight w = PhaseWeight.parse(k.repeat());
        if (w != null) sb.append("- **Phase**: ").append(w.phase()).append(" only\n");
        sb.append("- **FLOPs**: ").append(k.flops()).append('\n');
        sb.append("- **FLOP Class**: ").append(k.flopClass().label()).append('\n');
        if (oneReference(k)) {
            sb.append("- **Memory Access**: ").append(k.read()).append('\n');
        } else {
            sb.append("- **Memory Access**:\n");
            sb.append("  - Read: ").append(k.read()).append('\n');
            sb.append("  - Write: ").append(k.write()).append('\n');
        }
        writeTail(sb, k, w == null ? k.repeat() : w.inner());
    }

    /** One line's kernel in both phases with different sizes: each formula for prefill and for decode, side by side. */
    private static void writePair(StringBuilder sb, Kernel p, Kernel d) {
        writeHeader(sb, p);
        if (p.analysis().equals(d.analysis())) {
            sb.append("- **Analysis**: ");
            writeAnalysis(sb, p.analysis(), "");
        } else {
            sb.append("- **Analysis**:\n  - Prefill: ");
            writeAnalysis(sb, p.analysis().replace("\n- ", "; ").replace('\n', ' '), "  ");
            sb.append("  - Decode: ");
            writeAnalysis(sb, d.analysis().replace("\n- ", "; ").replace('\n', ' '), "  ");
        }
        sb.append("- **Phase**: prefill and decode, with different sizes\n");
        sb.append("- **FLOPs**:\n  - Prefill: ").append(p.flops()).append("\n  - Decode: ").append(d.flops()).append('\n');
        sb.append("- **FLOP Class**: ").append(p.flopClass().label()).append('\n');
        sb.append("- **Memory Access**:\n");
        if (oneReference(p) && oneReference(d)) {
            sb.append("  - Prefill: ").append(p.read()).append("\n  - Decode: ").append(d.read()).append('\n');
        } else {
            sb.append("  - Read, prefill: ").append(p.read()).append("\n  - Read, decode: ").append(d.read()).append('\n');
            sb.append("  - Write, prefill: ").append(p.write()).append("\n  - Write, decode: ").append(d.write()).append('\n');
        }
        String merged = mergedJustification(p.justification(), d.justification());
        writeTail(sb, new Kernel(p.lines(), p.title(), p.phase(), p.code(), p.type(), p.operation(), p.analysis(), p.flopClass(), p.flops(),
                p.read(), p.write(), p.repeat(), p.optional(), merged, p.unanalysed()), PhaseWeight.parse(p.repeat()).inner());
    }

    private static final Pattern JUSTIFIED = Pattern.compile("^- `(\\w+) = ([^`]*)`: (.*)$");

    /**
     * One justification for both phases: an argument bound alike is listed once, one bound differently gives both
     * values. Justifications that do not line up argument by argument are written one after the other.
     */
    public static String mergedJustification(String p, String d) {
        if (p.isEmpty() || d.isEmpty() || p.equals(d)) return p.isEmpty() ? d : p;
        String[] a = p.split("\n"), b = d.split("\n");
        if (a.length != b.length) return p + "\n" + d;
        StringBuilder sb = new StringBuilder("**Parameter Justification**:");
        for (int i = 1; i < a.length; i++) {
            java.util.regex.Matcher x = JUSTIFIED.matcher(a[i]), y = JUSTIFIED.matcher(b[i]);
            if (!x.matches() || !y.matches() || !x.group(1).equals(y.group(1)) || !x.group(3).equals(y.group(3))) return p + "\n" + d;
            if (x.group(2).equals(y.group(2))) sb.append('\n').append(a[i]);
            else sb.append("\n- `").append(x.group(1)).append("`: `").append(x.group(2)).append("` in prefill, `").append(y.group(2))
                    .append("` in decode: ").append(x.group(3));
        }
        return sb.toString();
    }
}
