package io.flopscope.analyzer.parse;

/**
 * tree-sitter-python's scanner keeps each open block's indentation width in one byte, so a block indented 256
 * columns or more (about 64 levels of four spaces) does not parse. Such a source is parsed with the indentation of
 * every logical line rewritten as one space per block level; {@link #shift} maps the columns back. Lines inside
 * strings and brackets, and continuation lines, are left as they are.
 */
final class DeepIndentation {
    static final int LIMIT = 256;

    final String text;
    /** Per 0-based row: original indentation length minus the rewritten one (0 for rows left as they are). */
    private final int[] shift;

    private DeepIndentation(String text, int[] shift) {
        this.text = text;
        this.shift = shift;
    }

    int shift(int row) { return row >= 0 && row < shift.length ? shift[row] : 0; }

    /** The rewritten source, or null when no logical line is indented LIMIT columns or more. */
    static DeepIndentation of(String src) {
        String[] lines = src.split("\n", -1);
        boolean deep = false;
        for (String l : lines) if (width(l) >= LIMIT && !l.isBlank()) { deep = true; break; }
        if (!deep) return null;
        int[] shift = new int[lines.length];
        int[] stack = new int[lines.length + 1];
        int top = 0;
        Scan state = new Scan();
        StringBuilder out = new StringBuilder(src.length());
        for (int row = 0; row < lines.length; row++) {
            String line = lines[row];
            int indent = indentLength(line);
            boolean logical = state.quote == 0 && state.depth == 0 && !state.continuation;
            String rest = line.substring(indent);
            if (logical && !rest.isEmpty() && !rest.equals("\r")) {
                int w = width(line);
                if (!rest.startsWith("#")) {
                    if (w > stack[top]) stack[++top] = w;
                    while (top > 0 && w < stack[top]) top--;
                }
                String replaced = " ".repeat(top);
                shift[row] = indent - replaced.length();
                out.append(replaced).append(rest);
            } else {
                out.append(line);
            }
            if (row < lines.length - 1) out.append('\n');
            state.line(line);
        }
        return new DeepIndentation(out.toString(), shift);
    }

    private static int indentLength(String l) {
        int i = 0;
        while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '\t' || l.charAt(i) == '\f')) i++;
        return i;
    }

    /** Indentation in columns, a tab to the next multiple of eight as Python counts it. */
    private static int width(String l) {
        int w = 0;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (c == ' ') w++;
            else if (c == '\t') w = (w / 8 + 1) * 8;
            else if (c != '\f') break;
        }
        return w;
    }

    /** Where a line ends: inside a string (quote and whether triple), inside brackets, or continued by a backslash. */
    private static final class Scan {
        char quote;
        boolean triple;
        int depth;
        boolean continuation;

        void line(String l) {
            continuation = false;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (quote != 0) {
                    if (c == '\\') { i++; if (i >= l.length() && !triple) continuation = true; continue; }
                    if (c == quote && (!triple || l.startsWith(String.valueOf(quote).repeat(3), i))) {
                        if (triple) i += 2;
                        quote = 0;
                    }
                    continue;
                }
                if (c == '#') break;
                if (c == '\'' || c == '"') {
                    triple = l.startsWith(String.valueOf(c).repeat(3), i);
                    quote = c;
                    if (triple) i += 2;
                } else if (c == '(' || c == '[' || c == '{') depth++;
                else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
                else if (c == '\\' && i == l.length() - 1) continuation = true;
            }
            if (quote != 0 && !triple && !continuation) quote = 0; // an unterminated one-line string ends with its line
        }
    }
}
