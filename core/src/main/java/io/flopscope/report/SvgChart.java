package io.flopscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts as strings: line charts (linear or logarithmic axes) and the roofline scatter.
 * Pure string building: no scripts, no external resources; tooltips are SVG {@code <title>} elements.
 * Every chart is one {@code <svg class="chart ...">} element with a {@code viewBox}, so it scales with
 * the page.
 */
public final class SvgChart {
    /** Series colours (colour-blind safe, Okabe–Ito order). */
    public static final String[] PALETTE = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000"};

    static final int WIDTH = 560, HEIGHT = 340;
    static final int LEFT = 70, RIGHT = 16, TOP = 30, BOTTOM = 48;

    private SvgChart() {}

    /** One line of a line chart: (x, y) points in drawing order; tooltips name each point. */
    public record Series(String name, List<double[]> points, List<String> tooltips) {
        public Series {
            points = List.copyOf(points);
            tooltips = tooltips == null ? List.of() : List.copyOf(tooltips);
        }
    }

    /** A point of the roofline chart: arithmetic intensity (FLOP/byte), achieved FLOP/s, a weight for its size, a tooltip. */
    public record RooflinePoint(double intensity, double flopsPerSecond, double weight, String group, String tooltip) {}

    /** A horizontal compute roof (FLOP/s) with its name; dashed when it is a datasheet peak rather than an attainable rate. */
    public record Roof(String name, double flopsPerSecond, boolean dashed) {}

    /** A memory slope: bytes per second, so FLOP/s = intensity × bandwidth. */
    public record Slope(String name, double bytesPerSecond, boolean dashed) {}

    // ---- axes ---------------------------------------------------------------------------------------

    /**
     * An axis over [min, max], linear or log10, mapped to [from, to] in pixels. A log axis is either
     * widened to whole decades or, when {@code tight}, padded a little around the data; {@code fixedTicks}
     * (may be null) replaces the computed ticks.
     */
    record Axis(double min, double max, boolean log, double from, double to, List<Double> fixedTicks) {
        static Axis of(double lo, double hi, boolean log, double from, double to) { return of(lo, hi, log, false, from, to, null); }

        static Axis of(double lo, double hi, boolean log, boolean tight, double from, double to, List<Double> fixedTicks) {
            if (log) {
                if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
                if (!(hi > 0)) hi = lo * 10;
                if (tight) {
                    double pad = Math.max(0.04, 0.06 * Math.log10(hi / lo));
                    if (hi / lo < 1.0001) pad = 0.3;
                    return new Axis(lo / Math.pow(10, pad), hi * Math.pow(10, pad), true, from, to, fixedTicks);
                }
                double a = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
                double b = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
                if (b <= a) b = a * 10;
                return new Axis(a, b, true, from, to, fixedTicks);
            }
            if (hi == lo) { hi = lo == 0 ? 1 : lo + Math.abs(lo) * 0.5; lo = lo > 0 ? 0 : lo - 1; }
            if (lo > 0 && lo < hi * 0.5) lo = 0; // start positive quantities at zero unless they cluster far from it
            double step = niceStep((hi - lo) / 5);
            double a = Math.floor(lo / step + 1e-9) * step, b = Math.ceil(hi / step - 1e-9) * step;
            if (tight && fixedTicks != null) { // data ticks: pad by a little instead of rounding out
                double pad = (hi - lo) * 0.05;
                a = lo - pad;
                b = hi + pad;
            }
            return new Axis(a, b, false, from, to, fixedTicks);
        }

        double map(double v) {
            double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
            return from + f * (to - from);
        }

        List<Double> ticks() {
            if (fixedTicks != null) return fixedTicks;
            List<Double> out = new ArrayList<>();
            if (log) {
                int lo = (int) Math.floor(Math.log10(min) + 1e-9), hi = (int) Math.ceil(Math.log10(max) - 1e-9);
                for (int[] ms : new int[][] {{1, 2, 5}, {1}}) {
                    out.clear();
                    for (int e = lo; e <= hi; e++) {
                        for (int m : ms) {
                            double v = m * Math.pow(10, e);
                            if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.add(v);
                        }
                    }
                    if (out.size() <= 10) break;
                }
                if (out.size() > 10) { // many decades: every k-th decade
                    int stride = (int) Math.ceil(out.size() / 8.0);
                    List<Double> thin = new ArrayList<>();
                    for (int i = 0; i < out.size(); i += stride) thin.add(out.get(i));
                    out = thin;
                }
                if (out.size() < 2) { out.clear(); out.add(min); out.add(max); }
            } else {
                double step = niceStep((max - min) / 5);
                for (double v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-6; v += step) out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return out;
        }
    }

    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return n * p;
    }

    /** Compact tick labels without a unit: 0, 0.5, 12, 1024, 1k, 16.4k, 20M, 1G (whole numbers below 10000 exactly, except thousands). */
    public static String tick(double v) { return tick(v, ""); }

    /**
     * A tick label with its unit: SI prefixes for small values when there is a unit (0.08 s is "80ms"),
     * plain decimals down to 0.001 when there is none (0.25 FLOP/byte is "0.25").
     */
    public static String tick(double v, String unit) {
        if (unit.isEmpty() && Math.abs(v) >= 0.001 && Math.abs(v) < 1) return trimNumber(v);
        return prefixed(v) + unit;
    }

    private static String prefixed(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1 && a < 10000 && v == Math.rint(v) && ((long) a % 1000 != 0)) return Long.toString((long) v);
        String[] big = {"", "k", "M", "G", "T", "P", "E"};
        String[] small = {"", "m", "µ", "n", "p"};
        int p = 0;
        if (a >= 1) {
            while (a >= 1000 && p < big.length - 1) { a /= 1000; v /= 1000; p++; }
            return trimNumber(v) + big[p];
        }
        while (a < 1 && p < small.length - 1) { a *= 1000; v *= 1000; p++; }
        return trimNumber(v) + small[p];
    }

    private static String trimNumber(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.contains("e")) return s;
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    static String num(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    // ---- frame ----------------------------------------------------------------------------------------

    private static void open(StringBuilder sb, String cssClass, String title) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ").append(cssClass).append("\" viewBox=\"0 0 ")
          .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
          .append("\" role=\"img\" aria-label=\"").append(HtmlReport.escape(title)).append("\">\n");
        sb.append("<title>").append(HtmlReport.escape(title)).append("</title>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"#ffffff\"/>\n");
        sb.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"bold\">")
          .append(HtmlReport.escape(title)).append("</text>\n");
    }

    private static void axes(StringBuilder sb, Axis x, Axis y, String xLabel, String yLabel, String xUnit, String yUnit) {
        sb.append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (double t : x.ticks()) {
            double px = x.map(t);
            sb.append("<line x1=\"").append(num(px)).append("\" y1=\"").append(num(y.to)).append("\" x2=\"").append(num(px)).append("\" y2=\"").append(num(y.from)).append("\"/>\n");
        }
        for (double t : y.ticks()) {
            double py = y.map(t);
            sb.append("<line x1=\"").append(num(x.from)).append("\" y1=\"").append(num(py)).append("\" x2=\"").append(num(x.to)).append("\" y2=\"").append(num(py)).append("\"/>\n");
        }
        sb.append("</g>\n");
        sb.append("<rect x=\"").append(num(x.from)).append("\" y=\"").append(num(y.to)).append("\" width=\"").append(num(x.to - x.from))
          .append("\" height=\"").append(num(y.from - y.to)).append("\" fill=\"none\" stroke=\"#888888\"/>\n");
        sb.append("<g class=\"x-ticks\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333333\">\n");
        for (double t : x.ticks()) {
            sb.append("<text class=\"tick\" x=\"").append(num(x.map(t))).append("\" y=\"").append(num(y.from + 15)).append("\">").append(HtmlReport.escape(tick(t, xUnit))).append("</text>\n");
        }
        sb.append("</g>\n<g class=\"y-ticks\" font-size=\"11\" text-anchor=\"end\" fill=\"#333333\">\n");
        for (double t : y.ticks()) {
            sb.append("<text class=\"tick\" x=\"").append(num(x.from - 5)).append("\" y=\"").append(num(y.map(t) + 4)).append("\">").append(HtmlReport.escape(tick(t, yUnit))).append("</text>\n");
        }
        sb.append("</g>\n");
        sb.append("<text class=\"axis-label\" x=\"").append(num((x.from + x.to) / 2)).append("\" y=\"").append(HEIGHT - 8)
          .append("\" font-size=\"12\" text-anchor=\"middle\">").append(HtmlReport.escape(xLabel)).append("</text>\n");
        double cy = (y.from + y.to) / 2;
        sb.append("<text class=\"axis-label\" x=\"14\" y=\"").append(num(cy)).append("\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
          .append(num(cy)).append(")\">").append(HtmlReport.escape(yLabel)).append("</text>\n");
    }

    /** Legend entries flowed left to right in rows between the title and the plot; returns the y where the plot may start. */
    private static double legend(StringBuilder sb, List<String> names, List<String> colours, List<Boolean> dashed, double top) {
        if (names.isEmpty()) return top;
        sb.append("<g class=\"legend\" font-size=\"11\">\n");
        double x = LEFT, y = top + 11, right = WIDTH - RIGHT;
        for (int i = 0; i < names.size(); i++) {
            double w = 28 + 6.3 * names.get(i).length() + 12;
            if (x > LEFT && x + w > right) { x = LEFT; y += 15; }
            String c = colours.get(i);
            sb.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(num(y - 4)).append("\" x2=\"").append(num(x + 20)).append("\" y2=\"").append(num(y - 4))
              .append("\" stroke=\"").append(c).append("\" stroke-width=\"2\"").append(dashed.get(i) ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
            sb.append("<text x=\"").append(num(x + 25)).append("\" y=\"").append(num(y)).append("\">").append(HtmlReport.escape(names.get(i))).append("</text>\n");
            x += w;
        }
        sb.append("</g>\n");
        return y + 9;
    }

    // ---- line chart ------------------------------------------------------------------------------------

    /**
     * A line chart: one polyline per series and a circle (with a tooltip) per point. Points that a log axis
     * cannot show (≤ 0) or that are not finite are left out. When there are at most 12 distinct x values they
     * are the x ticks. Tick labels carry the units ({@code xUnit}, {@code yUnit}, may be empty) after an SI
     * prefix, so 0.08 seconds reads "80ms".
     */
    public static String lineChart(String title, String xLabel, boolean xLog, String xUnit, String yLabel, boolean yLog, String yUnit, List<Series> series) {
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!drawable(p[0], xLog) || !drawable(p[1], yLog)) continue;
                xlo = Math.min(xlo, p[0]); xhi = Math.max(xhi, p[0]); ylo = Math.min(ylo, p[1]); yhi = Math.max(yhi, p[1]);
                xs.add(p[0]);
            }
        }
        if (xlo > xhi) { xlo = 1; xhi = 10; ylo = 1; yhi = 10; }
        StringBuilder sb = new StringBuilder();
        open(sb, "line-chart", title);
        List<String> names = new ArrayList<>(), colours = new ArrayList<>();
        List<Boolean> dashed = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            if (series.size() > 1 || !series.get(i).name().isEmpty()) {
                names.add(series.get(i).name());
                colours.add(PALETTE[i % PALETTE.length]);
                dashed.add(false);
            }
        }
        double top = legend(sb, names, colours, dashed, TOP - 4);
        List<Double> xTicks = xs.size() <= 12 && xs.size() >= 2 ? List.copyOf(xs) : null;
        Axis x = Axis.of(xlo, xhi, xLog, true, LEFT, WIDTH - RIGHT, xTicks);
        Axis y = Axis.of(yLog ? ylo : Math.min(0, ylo), yhi, yLog, true, HEIGHT - BOTTOM, top + 4, null);
        axes(sb, x, y, xLabel, yLabel, xUnit, yUnit);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String c = PALETTE[i % PALETTE.length];
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int j = 0; j < s.points().size(); j++) {
                double[] p = s.points().get(j);
                if (!drawable(p[0], xLog) || !drawable(p[1], yLog)) continue;
                String px = num(x.map(p[0])), py = num(y.map(p[1]));
                pts.append(pts.length() == 0 ? "" : " ").append(px).append(',').append(py);
                String tip = j < s.tooltips().size() ? s.tooltips().get(j) : s.name() + ": " + tick(p[0], xUnit) + ", " + tick(p[1], yUnit);
                dots.append("<circle cx=\"").append(px).append("\" cy=\"").append(py).append("\" r=\"3.5\" fill=\"").append(c).append("\"><title>")
                    .append(HtmlReport.escape(tip)).append("</title></circle>\n");
            }
            sb.append("<g class=\"series\" data-series=\"").append(HtmlReport.escape(s.name())).append("\">\n");
            sb.append("<polyline fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"2\" points=\"").append(pts).append("\"/>\n");
            sb.append(dots).append("</g>\n");
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static boolean drawable(double v, boolean log) { return Double.isFinite(v) && (!log || v > 0); }

    // ---- roofline ---------------------------------------------------------------------------------------

    /**
     * The roofline chart, log-log: x is arithmetic intensity (FLOP/byte), y is FLOP/s. Each roof is drawn
     * as min(roof, slope × x) for every slope; each point is a circle whose area grows with its weight
     * (its share of the time), coloured by group, with a tooltip. Points must have intensity &gt; 0 and
     * FLOP/s &gt; 0; others are not drawable on log axes and are the caller's to report.
     */
    public static String roofline(String title, List<Roof> roofs, List<Slope> slopes, List<RooflinePoint> points, List<String> groups) {
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (RooflinePoint p : points) {
            xlo = Math.min(xlo, p.intensity()); xhi = Math.max(xhi, p.intensity());
            ylo = Math.min(ylo, p.flopsPerSecond()); yhi = Math.max(yhi, p.flopsPerSecond());
        }
        for (Roof r : roofs) yhi = Math.max(yhi, r.flopsPerSecond());
        if (xlo > xhi) { xlo = 0.1; xhi = 1000; }
        if (ylo > yhi || !(ylo > 0)) ylo = yhi / 1e4;
        // show every ridge point (roof / slope) and leave room on both sides
        for (Roof r : roofs) for (Slope s : slopes) {
            double ridge = r.flopsPerSecond() / s.bytesPerSecond();
            xlo = Math.min(xlo, ridge / 10);
            xhi = Math.max(xhi, ridge * 10);
        }
        StringBuilder sb = new StringBuilder();
        open(sb, "roofline", title);
        List<String> names = new ArrayList<>(), colours = new ArrayList<>();
        List<Boolean> dashed = new ArrayList<>();
        int k = 0;
        for (Roof r : roofs) {
            for (Slope s : slopes) {
                if (s.dashed() != r.dashed()) continue;
                names.add(r.name() + (slopes.size() > 2 ? " / " + s.name() : ""));
                colours.add(r.dashed() ? "#999999" : PALETTE[(3 + k) % PALETTE.length]);
                dashed.add(r.dashed());
            }
            if (!r.dashed()) k++;
        }
        double top = legend(sb, names, colours, dashed, TOP - 4);
        Axis x = Axis.of(xlo, xhi, true, LEFT, WIDTH - RIGHT);
        Axis y = Axis.of(ylo, yhi * 1.5, true, HEIGHT - BOTTOM, top + 4);
        axes(sb, x, y, "arithmetic intensity (FLOP/byte)", "achieved FLOP/s", "", "");
        sb.append("<defs><clipPath id=\"roof-clip\"><rect x=\"").append(num(x.from)).append("\" y=\"").append(num(y.to)).append("\" width=\"")
          .append(num(x.to - x.from)).append("\" height=\"").append(num(y.from - y.to)).append("\"/></clipPath></defs>\n");
        sb.append("<g class=\"roofs\" clip-path=\"url(#roof-clip)\" fill=\"none\" stroke-width=\"2\">\n");
        k = 0;
        for (Roof r : roofs) {
            for (Slope s : slopes) {
                if (s.dashed() != r.dashed()) continue;
                // the roof meets the slope at the ridge point; left of it the slope, right of it the flat roof
                double ridge = r.flopsPerSecond() / s.bytesPerSecond();
                double x0 = x.min, y0 = s.bytesPerSecond() * x0;
                String c = r.dashed() ? "#999999" : PALETTE[(3 + k) % PALETTE.length];
                sb.append("<polyline class=\"roof\" data-roof=\"").append(HtmlReport.escape(r.name())).append("\" stroke=\"").append(c).append('"')
                  .append(r.dashed() ? " stroke-dasharray=\"5 3\"" : "").append(" points=\"")
                  .append(num(x.map(x0))).append(',').append(num(y.map(y0))).append(' ')
                  .append(num(x.map(ridge))).append(',').append(num(y.map(r.flopsPerSecond()))).append(' ')
                  .append(num(x.map(x.max))).append(',').append(num(y.map(r.flopsPerSecond()))).append("\"><title>")
                  .append(HtmlReport.escape(r.name() + ": " + tick(r.flopsPerSecond()) + "FLOP/s; " + s.name() + ": " + tick(s.bytesPerSecond())
                          + "B/s; ridge at " + tick(ridge) + " FLOP/byte")).append("</title></polyline>\n");
            }
            if (!r.dashed()) k++;
        }
        sb.append("</g>\n");
        double wmax = 0;
        for (RooflinePoint p : points) wmax = Math.max(wmax, p.weight());
        sb.append("<g class=\"kernels\" fill-opacity=\"0.7\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n");
        for (RooflinePoint p : points) {
            int g = Math.max(0, groups.indexOf(p.group()));
            double r = 2.5 + (wmax > 0 ? 7.5 * Math.sqrt(Math.max(0, p.weight()) / wmax) : 0);
            sb.append("<circle class=\"kernel\" cx=\"").append(num(x.map(p.intensity()))).append("\" cy=\"").append(num(y.map(p.flopsPerSecond())))
              .append("\" r=\"").append(String.format(Locale.ROOT, "%.1f", r)).append("\" fill=\"").append(PALETTE[g % PALETTE.length]).append("\"><title>")
              .append(HtmlReport.escape(p.tooltip())).append("</title></circle>\n");
        }
        sb.append("</g>\n");
        // group legend at the lower right, roof legend at the upper left
        sb.append("<g class=\"groups\" font-size=\"11\">\n");
        double gy = HEIGHT - BOTTOM - 10 - 14 * (groups.size() - 1);
        for (int i = 0; i < groups.size(); i++) {
            sb.append("<rect x=\"").append(WIDTH - RIGHT - 114).append("\" y=\"").append(num(gy - 8)).append("\" width=\"8\" height=\"8\" rx=\"4\" fill=\"").append(PALETTE[i % PALETTE.length]).append("\"/>\n");
            sb.append("<text x=\"").append(WIDTH - RIGHT - 102).append("\" y=\"").append(num(gy)).append("\">").append(HtmlReport.escape(groups.get(i))).append("</text>\n");
            gy += 14;
        }
        sb.append("</g>\n");
        sb.append("</svg>\n");
        return sb.toString();
    }
}
