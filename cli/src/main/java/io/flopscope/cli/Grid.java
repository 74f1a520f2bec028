package io.flopscope.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The values of a sweep option such as {@code --batch 1,2,4,8} or {@code --seq 128:4096:x2}: items
 * separated by commas, each a number or a range.
 * <ul>
 * <li>{@code N}: one value;</li>
 * <li>{@code A:B} or {@code A:B:+S} (also {@code A:B:S}): A, A+S, … up to B (S defaults to 1);</li>
 * <li>{@code A:B:xF} (also {@code *F}): A, A·F, A·F², … up to B; F may be a decimal above 1, each value
 * then rounded to the nearest integer (repeats dropped).</li>
 * </ul>
 * B is included when the progression reaches it. Values keep the order written, without repeats.
 */
final class Grid {
    /** At most this many values per option, and this many points per sweep. */
    static final int MAX_VALUES = 10_000;
    static final int MAX_POINTS = 10_000;

    private Grid() {}

    /** True when the text is a list or a range rather than one number: the command then runs a sweep. */
    static boolean isGrid(String text) { return text != null && (text.contains(",") || text.contains(":")); }

    static List<Long> parse(String option, String text) {
        String t = text.strip();
        if (t.isEmpty()) throw UserError.usage(option + ": empty value; " + SYNTAX);
        Set<Long> out = new LinkedHashSet<>();
        for (String raw : t.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) throw UserError.usage(option + " " + text + ": empty item in the list; " + SYNTAX);
            if (item.contains(":")) range(option, item, out);
            else out.add(number(option, item, text));
            if (out.size() > MAX_VALUES) throw UserError.usage(option + " " + text + ": more than " + MAX_VALUES + " values");
        }
        return List.copyOf(new ArrayList<>(out));
    }

    static final String SYNTAX = "expected a number, a list such as 1,2,4,8 or a range such as 128:4096:x2 (geometric) or 0:1024:+256 (arithmetic)";

    private static long number(String option, String s, String whole) {
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw UserError.usage(option + " " + whole + ": '" + s + "' is not a whole number; " + SYNTAX);
        }
    }

    private static void range(String option, String item, Set<Long> out) {
        String[] parts = item.split(":", -1);
        if (parts.length < 2 || parts.length > 3) throw UserError.usage(option + " " + item + ": a range is A:B, A:B:+STEP or A:B:xFACTOR");
        long a = number(option, parts[0].strip(), item), b = number(option, parts[1].strip(), item);
        if (b < a) throw UserError.usage(option + " " + item + ": the range ends (" + b + ") before it starts (" + a + ")");
        String step = parts.length == 3 ? parts[2].strip().toLowerCase(Locale.ROOT) : "+1";
        if (step.startsWith("x") || step.startsWith("*")) {
            BigDecimal f;
            try {
                f = new BigDecimal(step.substring(1));
            } catch (NumberFormatException e) {
                throw UserError.usage(option + " " + item + ": factor '" + step.substring(1) + "' is not a number");
            }
            if (f.compareTo(BigDecimal.ONE) <= 0) throw UserError.usage(option + " " + item + ": the factor must be above 1, got " + f.toPlainString());
            if (a <= 0) throw UserError.usage(option + " " + item + ": a geometric range must start above 0");
            double factor = f.doubleValue();
            boolean integral = f.stripTrailingZeros().scale() <= 0;
            long v = a;
            for (int i = 0; v <= b; i++) {
                out.add(v);
                if (out.size() > MAX_VALUES) throw UserError.usage(option + " " + item + ": more than " + MAX_VALUES + " values");
                long next;
                if (integral) {
                    try {
                        next = Math.multiplyExact(v, f.longValueExact());
                    } catch (ArithmeticException overflow) {
                        break;
                    }
                } else {
                    double d = Math.rint(a * Math.pow(factor, i + 1));
                    if (d >= Long.MAX_VALUE) break;
                    next = Math.max(v + 1, (long) d);
                }
                v = next;
            }
        } else {
            long s = number(option, step, item);
            if (s <= 0) throw UserError.usage(option + " " + item + ": the step must be at least 1, got " + s);
            for (long v = a; v <= b; v += s) {
                out.add(v);
                if (out.size() > MAX_VALUES) throw UserError.usage(option + " " + item + ": more than " + MAX_VALUES + " values");
                if (v > Long.MAX_VALUE - s) break;
            }
        }
    }
}
