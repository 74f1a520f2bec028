package io.flopscope.diag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** "Did you mean" for a name the user mistyped: the known names closest by edit distance, within a third of its length. */
public final class Suggestions {
    private Suggestions() {}

    public static List<String> closest(String typed, Collection<String> known) {
        int limit = Math.max(1, typed.length() / 3), best = Integer.MAX_VALUE;
        List<String> out = new ArrayList<>();
        for (String k : known) {
            int d = distance(typed.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d > limit) continue;
            if (d < best) { best = d; out.clear(); }
            if (d == best && !out.contains(k)) out.add(k);
        }
        out.sort(null);
        return out;
    }

    /** " (did you mean a or b?)", or "" when nothing is close. */
    public static String hint(String typed, Collection<String> known) {
        List<String> c = closest(typed, known);
        return c.isEmpty() ? "" : " (did you mean " + String.join(" or ", c.subList(0, Math.min(3, c.size()))) + "?)";
    }

    /** Levenshtein distance, with a transposition counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
        return d[a.length()][b.length()];
    }
}
