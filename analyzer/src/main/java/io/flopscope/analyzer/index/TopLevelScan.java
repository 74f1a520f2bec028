package io.flopscope.analyzer.index;

import java.util.HashMap;
import java.util.Map;

/**
 * A text scan (no parsing) for the names a Python file defines at column 0: {@code class N}, {@code def N},
 * {@code async def N}, {@code N = ...} and {@code N: T = ...}. Used to find candidate modules quickly; a name found
 * here may still be shadowed or sit inside a string, so callers confirm by parsing when it matters.
 */
final class TopLevelScan {
    static final char CLASS = 'c';
    static final char FUNCTION = 'f';
    static final char ASSIGN = 'v';
    /** A name bound more than one way (e.g. a def and an assignment). */
    static final char MIXED = 'm';

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("False", "None", "True", "and", "as",
            "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
            "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
            "return", "try", "while", "with", "yield", "match", "case", "print", "exec");

    private TopLevelScan() {}

    static Map<String, Character> scan(byte[] b) {
        Map<String, Character> out = new HashMap<>();
        int n = b.length;
        int i = 0;
        while (i < n) {
            if (identStart(b[i])) {
                int j = ident(b, i);
                String kind = ascii(b, i, j);
                int k = spaces(b, j);
                if (("class".equals(kind) || "def".equals(kind)) && k > j && k < n && identStart(b[k])) {
                    int e = ident(b, k);
                    add(out, ascii(b, k, e), "class".equals(kind) ? CLASS : FUNCTION);
                } else if ("async".equals(kind) && k > j && k < n && identStart(b[k])) {
                    int e = ident(b, k);
                    if ("def".equals(ascii(b, k, e))) {
                        int s = spaces(b, e);
                        if (s > e && s < n && identStart(b[s])) add(out, ascii(b, s, ident(b, s)), FUNCTION);
                    }
                } else if (KEYWORDS.contains(kind)) {
                    // a statement, not a binding
                } else if (k < n && b[k] == '=' && (k + 1 >= n || b[k + 1] != '=')) {
                    add(out, kind, ASSIGN);
                } else if (k < n && b[k] == ':') {
                    // annotated assignment: an '=' (not '==') later on the same line
                    int m = k + 1;
                    while (m < n && b[m] != '\n') {
                        if (b[m] == '=' && (m + 1 >= n || b[m + 1] != '=') && b[m - 1] != '=' && b[m - 1] != '!'
                                && b[m - 1] != '<' && b[m - 1] != '>') {
                            add(out, kind, ASSIGN);
                            break;
                        }
                        m++;
                    }
                }
            }
            while (i < n && b[i] != '\n') i++;
            i++;
        }
        return out;
    }

    private static void add(Map<String, Character> out, String name, char kind) {
        Character old = out.get(name);
        out.put(name, old == null || old == kind ? kind : MIXED);
    }

    private static boolean identStart(byte c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

    private static boolean identPart(byte c) { return identStart(c) || (c >= '0' && c <= '9'); }

    private static int ident(byte[] b, int i) {
        int j = i;
        while (j < b.length && identPart(b[j])) j++;
        return j;
    }

    private static int spaces(byte[] b, int i) {
        int j = i;
        while (j < b.length && (b[j] == ' ' || b[j] == '\t')) j++;
        return j;
    }

    private static String ascii(byte[] b, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) c[i - from] = (char) b[i];
        return new String(c);
    }
}
