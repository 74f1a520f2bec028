package io.flopscope.document;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Source lines start..end, 1-based and inclusive. */
public record LineRange(int start, int end) {
    /** Compiled on first use, not with the record: ranges are made at start-up, parsed only when documents are read. */
    private static final class Syntax {
        static final Pattern RANGE = Pattern.compile("(\\d+)(?:\\s*[-–]\\s*(\\d+))?");
    }

    public LineRange {
        if (start < 1 || end < start) throw new IllegalArgumentException("bad line range " + start + "-" + end);
    }

    public static LineRange of(int line) { return new LineRange(line, line); }

    public boolean contains(LineRange o) { return start <= o.start && o.end <= end; }

    /** Reads "1093-1103, 1140-1143" or "12". */
    public static List<LineRange> parseList(String text) {
        List<LineRange> out = new ArrayList<>();
        Matcher m = Syntax.RANGE.matcher(text);
        while (m.find()) {
            int a = Integer.parseInt(m.group(1));
            int b = m.group(2) == null ? a : Integer.parseInt(m.group(2));
            if (a >= 1 && b >= a) out.add(new LineRange(a, b));
        }
        return out;
    }

    @Override public String toString() { return start == end ? Integer.toString(start) : start + "-" + end; }
}
