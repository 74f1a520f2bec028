package io.flopscope.document;

import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tolerant clean-up of formulas as people write them: backticks, a trailing "(for wte)" comment,
 * a unit word ("4 bytes"). What is left must parse; the comment is kept for lints.
 */
public final class FormulaText {
    private static final Pattern UNIT = Pattern.compile("\\s+(bytes?|FLOPs?|flops|elements?|ops)\\s*$", Pattern.CASE_INSENSITIVE);

    private FormulaText() {}

    /** The cleaned formula and the comments stripped from it; error is null when it parses. */
    public record Cleaned(String formula, List<String> comments, FormulaSyntaxError error, int offset) {}

    public static Cleaned clean(String raw) {
        String s = raw.strip();
        int offset = raw.indexOf(s.isEmpty() ? raw : s);
        if (s.startsWith("`") && s.endsWith("`") && s.length() >= 2 && s.indexOf('`', 1) == s.length() - 1) {
            s = s.substring(1, s.length() - 1).strip();
            offset++;
        }
        List<String> comments = new ArrayList<>();
        FormulaSyntaxError first = tryParse(s);
        if (first == null) return new Cleaned(s, comments, null, offset);
        String t = stripProseGroups(s, comments);
        if (!t.equals(s) && !t.isEmpty() && tryParse(t) == null) return new Cleaned(t, comments, null, offset);
        for (int guard = 0; guard < 4; guard++) {
            String before = t;
            var unit = UNIT.matcher(t);
            if (unit.find()) {
                comments.add(unit.group(1));
                t = t.substring(0, unit.start()).strip();
            } else if (t.endsWith(")")) {
                int open = matchingOpen(t);
                if (open > 0 && !t.substring(0, open).strip().endsWith("}")) {
                    String inner = t.substring(open + 1, t.length() - 1);
                    if (tryParse(inner) != null) { // prose, not a parenthesised formula
                        comments.add(inner.strip());
                        t = t.substring(0, open).strip();
                    }
                }
            }
            if (t.equals(before)) break;
            if (!t.isEmpty() && tryParse(t) == null) return new Cleaned(t, comments, null, offset);
        }
        return new Cleaned(s, comments, first, offset);
    }

    /** Removes "(for attention_mask)"-style prose anywhere: a parenthesised group of several words that is no formula. */
    private static String stripProseGroups(String s, List<String> comments) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '(' && !(i > 0 && s.charAt(i - 1) == '}')) {
                int close = matchingClose(s, i);
                if (close > 0) {
                    String inner = s.substring(i + 1, close).strip();
                    if (inner.matches(".*[A-Za-z]+\\s+[A-Za-z]+.*") && tryParse(inner) != null) {
                        comments.add(inner);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString().replaceAll("\\s+", " ").strip();
    }

    private static int matchingClose(String t, int open) {
        int depth = 0;
        for (int i = open; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static int matchingOpen(String t) {
        int depth = 0;
        for (int i = t.length() - 1; i >= 0; i--) {
            char c = t.charAt(i);
            if (c == ')') depth++;
            else if (c == '(' && --depth == 0) return i;
        }
        return -1;
    }

    private static FormulaSyntaxError tryParse(String s) {
        try {
            FormulaParser.parse(s);
            return null;
        } catch (FormulaSyntaxError e) {
            return e;
        }
    }
}
