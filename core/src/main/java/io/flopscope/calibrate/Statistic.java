package io.flopscope.calibrate;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which single time stands for a measurement's repeated timings. The median (the default) is robust to
 * a few slow calls; the minimum is the least disturbed call, for machines whose host-side speed
 * drifts while they are measured (a host-bound call, such as a small model's decode step in eager
 * PyTorch, takes what the CPU gives it).
 */
public enum Statistic {
    MEDIAN, MIN;

    public double of(double[] timings) {
        double[] t = timings.clone();
        Arrays.sort(t);
        int n = t.length;
        return switch (this) {
            case MIN -> t[0];
            case MEDIAN -> n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
        };
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }

    public static Statistic parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "median" -> MEDIAN;
            case "min", "minimum" -> MIN;
            default -> throw new IllegalArgumentException("statistic '" + s + "': expected median or min");
        };
    }
}
