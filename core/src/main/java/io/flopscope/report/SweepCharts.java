package io.flopscope.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * Line charts of a sweep over a grid: every metric against every axis that varies, with one line per
 * combination of the other varying axes. An axis whose values span a factor of 8 or more (all
 * positive) is drawn logarithmically, as is a metric spanning a factor of 100 or more.
 */
public final class SweepCharts {
    /** At most this many lines per chart; more are thinned evenly, keeping the first and the last. */
    public static final int MAX_LINES = 8;

    private SweepCharts() {}

    /** A figure per grid point, with its label and a formatter for tooltips. */
    /** @param unit the unit after the SI prefix on the y ticks (s, B; may be empty) */
    public record Metric(String label, String unit, double[] values, DoubleFunction<String> format) {}

    /**
     * @param axes   axis names, e.g. batch_size, seq_len, cache_len
     * @param coords one row per point, one value per axis
     */
    public static List<String> charts(List<String> axes, List<long[]> coords, List<Metric> metrics) {
        List<Integer> varying = varying(axes, coords);
        List<String> out = new ArrayList<>();
        for (Metric m : metrics) {
            for (int a : varying) out.add(chart(axes, coords, m, a, varying));
        }
        return out;
    }

    /** Indices of the axes with more than one value. */
    public static List<Integer> varying(List<String> axes, List<long[]> coords) {
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < axes.size(); a++) {
            TreeSet<Long> vs = new TreeSet<>();
            for (long[] c : coords) vs.add(c[a]);
            if (vs.size() > 1) out.add(a);
        }
        return out;
    }

    private static String chart(List<String> axes, List<long[]> coords, Metric m, int axis, List<Integer> varying) {
        // group the points by the values of the other varying axes, in order of first appearance
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < coords.size(); i++) {
            StringBuilder key = new StringBuilder();
            for (int o : varying) {
                if (o == axis) continue;
                key.append(key.length() == 0 ? "" : ", ").append(axes.get(o)).append('=').append(coords.get(i)[o]);
            }
            groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(i);
        }
        List<String> keys = new ArrayList<>(groups.keySet());
        List<String> shown = keys;
        if (keys.size() > MAX_LINES) {
            shown = new ArrayList<>();
            for (int j = 0; j < MAX_LINES; j++) shown.add(keys.get((int) Math.round(j * (keys.size() - 1) / (double) (MAX_LINES - 1))));
        }
        List<SvgChart.Series> series = new ArrayList<>();
        double xmin = Double.POSITIVE_INFINITY, xmax = 0, ymin = Double.POSITIVE_INFINITY, ymax = 0;
        for (String k : shown) {
            List<Integer> idx = new ArrayList<>(groups.get(k));
            idx.sort((p, q) -> Long.compare(coords.get(p)[axis], coords.get(q)[axis]));
            List<double[]> pts = new ArrayList<>();
            List<String> tips = new ArrayList<>();
            for (int i : idx) {
                double x = coords.get(i)[axis], y = m.values()[i];
                pts.add(new double[] {x, y});
                StringBuilder tip = new StringBuilder();
                for (int o = 0; o < axes.size(); o++) tip.append(axes.get(o)).append('=').append(coords.get(i)[o]).append(' ');
                tips.add(tip.toString().strip() + ": " + m.label() + " " + m.format().apply(y));
                if (x > 0) { xmin = Math.min(xmin, x); xmax = Math.max(xmax, x); }
                if (y > 0 && Double.isFinite(y)) { ymin = Math.min(ymin, y); ymax = Math.max(ymax, y); }
            }
            series.add(new SvgChart.Series(k, pts, tips));
        }
        boolean xLog = allPositive(coords, axis) && xmax >= 8 * xmin;
        boolean yLog = allPositive(m.values()) && ymax >= 100 * ymin;
        String title = m.label() + " vs " + axes.get(axis) + (shown.size() < keys.size() ? " (" + shown.size() + " of " + keys.size() + " lines)" : "");
        return SvgChart.lineChart(title, axes.get(axis) + (xLog ? " (log)" : ""), xLog, "", m.label() + (yLog ? " (log)" : ""), yLog, m.unit(), series);
    }

    private static boolean allPositive(List<long[]> coords, int axis) {
        for (long[] c : coords) if (c[axis] <= 0) return false;
        return true;
    }

    private static boolean allPositive(double[] v) {
        return Arrays.stream(v).allMatch(x -> x > 0 && Double.isFinite(x));
    }
}
