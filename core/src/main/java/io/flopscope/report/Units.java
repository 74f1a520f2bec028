package io.flopscope.report;

import io.flopscope.formula.Rational;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** SI formatting for people: 32.23 GFLOP, 970.7 MB (powers of 1000, as FLOP/s and bandwidth datasheets use). */
public final class Units {
    private static final String[] PREFIX = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};

    private Units() {}

    public static String si(Rational r, String unit) {
        BigDecimal v = new BigDecimal(r.num()).divide(new BigDecimal(r.den()), MathContext.DECIMAL64);
        return si(v.doubleValue(), unit);
    }

    public static String si(double v, String unit) {
        if (v == 0) return "0 " + unit;
        int p = 0;
        double a = Math.abs(v);
        while (a >= 1000 && p < PREFIX.length - 1) { a /= 1000; v /= 1000; p++; }
        String num = fixed(v, a >= 100 ? 1 : a >= 10 ? 2 : 3);
        return num + " " + PREFIX[p] + unit;
    }

    public static String seconds(double s) {
        if (s == 0) return "0 s";
        if (s >= 1) return String.format(Locale.ROOT, "%.3f s", s);
        if (s >= 1e-3) return String.format(Locale.ROOT, "%.3f ms", s * 1e3);
        return String.format(Locale.ROOT, "%.2f µs", s * 1e6);
    }

    public static String percent(Rational part, Rational whole) {
        if (whole.isZero()) return "-";
        return fixed(part.divide(whole).doubleValue() * 100, 1) + "%";
    }

    /**
     * {@code String.format(Locale.ROOT, "%.Nf", v)} without java.util.Formatter, whose first use loads locale data
     * (a fifth of a short command's run time): the shortest decimal of v, rounded half up, as Formatter does.
     */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.format(Locale.ROOT, "%." + decimals + "f", v);
        String s = BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP).toPlainString();
        return v < 0 || (v == 0 && 1 / v < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
    }

    /** s padded with spaces on the right (left-aligned) to width. */
    public static String left(String s, int width) { return s.length() >= width ? s : s + " ".repeat(width - s.length()); }

    /** s padded with spaces on the left (right-aligned) to width. */
    public static String right(String s, int width) { return s.length() >= width ? s : " ".repeat(width - s.length()) + s; }
}
