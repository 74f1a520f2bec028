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
        String num = a >= 100 ? String.format(Locale.ROOT, "%.1f", v) : a >= 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
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
        return String.format(Locale.ROOT, "%.1f%%", part.divide(whole).doubleValue() * 100);
    }
}
