package io.flopscope.document;

/**
 * A kernel that runs in one phase only, in a document that holds prefill and decode together: its Repeat carries
 * the weight {@code 1 - positive(cache_len)} (prefill: no cache yet) or {@code positive(cache_len)} (decode), times
 * the kernel's own repeat if it has one. Markdown shows the weight in words ("Phase: decode only") and a kernel
 * whose sizes differ between the phases as one entry with both formulas (docs/document-format.md, "Phases");
 * JSON keeps the weight in the formula.
 *
 * @param phase "prefill" or "decode"
 * @param inner the kernel's own repeat, null for none
 */
public record PhaseWeight(String phase, String inner) {
    public static final String PREFILL = "1 - positive(cache_len)";
    public static final String DECODE = "positive(cache_len)";

    /** The weight of one phase. */
    public static String factor(String phase) { return phase.equals("prefill") ? PREFILL : DECODE; }

    /** A repeat weighted to one phase: the form {@link #parse} reads back. */
    public static String weighted(String phase, String repeat) {
        return repeat == null ? factor(phase) : "(" + factor(phase) + ") * (" + repeat + ")";
    }

    /** The phase weight of a repeat written by {@link #weighted}, or null for any other repeat. */
    public static PhaseWeight parse(String repeat) {
        if (repeat == null) return null;
        for (String phase : new String[] {"prefill", "decode"}) {
            String f = factor(phase);
            if (repeat.equals(f)) return new PhaseWeight(phase, null);
            String prefix = "(" + f + ") * (";
            if (repeat.startsWith(prefix) && repeat.endsWith(")") && balanced(repeat.substring(prefix.length(), repeat.length() - 1))) {
                return new PhaseWeight(phase, repeat.substring(prefix.length(), repeat.length() - 1));
            }
        }
        return null;
    }

    /**
     * Prefill kernels whose decode twin (same lines, title, kind and own repeat, different sizes) is written with
     * them as one entry (analyses of one line each, so that the entry reads back equal): index of the prefill kernel → index of its decode twin.
     */
    public static java.util.Map<Integer, Integer> decodeTwins(java.util.List<Kernel> ks) {
        java.util.Map<Integer, Integer> out = new java.util.HashMap<>();
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int i = 0; i < ks.size(); i++) {
            Kernel p = ks.get(i);
            PhaseWeight pw = PhaseWeight.parse(p.repeat());
            if (pw == null || !pw.phase().equals("prefill") || p.isUnanalysed()) continue;
            for (int j = i + 1; j < ks.size(); j++) {
                Kernel d = ks.get(j);
                PhaseWeight dw = PhaseWeight.parse(d.repeat());
                if (taken.contains(j) || dw == null || !dw.phase().equals("decode") || d.isUnanalysed()) continue;
                if (p.lines().equals(d.lines()) && p.title().equals(d.title()) && p.type() == d.type() && p.operation().equals(d.operation())
                        && p.flopClass() == d.flopClass() && p.optional() == d.optional() && java.util.Objects.equals(p.code(), d.code())
                        && java.util.Objects.equals(pw.inner(), dw.inner()) && !p.analysis().contains("\n") && !d.analysis().contains("\n")) {
                    out.put(i, j);
                    taken.add(j);
                    break;
                }
            }
        }
        return out;
    }

    /** The kernels with each decode twin moved right after its prefill kernel: the order the Markdown reads back. */
    public static java.util.List<Kernel> twinsAdjacent(java.util.List<Kernel> ks) {
        java.util.Map<Integer, Integer> twins = decodeTwins(ks);
        java.util.Set<Integer> moved = new java.util.HashSet<>(twins.values());
        java.util.List<Kernel> out = new java.util.ArrayList<>();
        for (int i = 0; i < ks.size(); i++) {
            if (moved.contains(i)) continue;
            out.add(ks.get(i));
            if (twins.containsKey(i)) out.add(ks.get(twins.get(i)));
        }
        return out;
    }

    private static boolean balanced(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '(') depth++;
            else if (s.charAt(i) == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }
}
