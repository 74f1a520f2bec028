package io.flopscope.calibrate;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How well predictions match measurements (docs/measurements.md, "Evaluation"). A point's error is
 * (predicted − measured) / measured, measured being the median of its timings (or another {@link Statistic}). Per phase and over
 * all points: MAPE (mean |error|), the largest |error|, the mean signed error (bias), and R² of the
 * predicted against the measured seconds (1 − Σ(y−ŷ)² / Σ(y−ȳ)²; undefined for fewer than two
 * points or equal measured times).
 */
public final class Evaluation {
    public static final String ALL = "all";

    private final List<Point> points;

    /** One measurement with its prediction. */
    public record Point(Measurement measurement, double measured, double predicted) {
        /** (predicted − measured) / measured, as a fraction. */
        public double error() { return (predicted - measured) / measured; }

        public double absError() { return Math.abs(error()); }
    }

    /**
     * @param mape      mean absolute relative error, as a fraction
     * @param maxAbs    the largest absolute relative error, as a fraction
     * @param bias      mean signed relative error, as a fraction (positive: predictions too slow)
     * @param r2        coefficient of determination of the predicted seconds; NaN when undefined
     */
    public record Stats(String phase, int n, double mape, double maxAbs, double bias, double r2) {}

    public Evaluation(List<Point> points) {
        if (points.isEmpty()) throw new IllegalArgumentException("no points to evaluate");
        this.points = List.copyOf(points);
    }

    /** Evaluates {@code predictor} on each measurement's median time. */
    public static Evaluation of(List<Measurement> ms, ToDoubleFunction<Measurement> predictor) { return of(ms, predictor, Statistic.MEDIAN); }

    /** Evaluates {@code predictor} on each measurement's time reduced by {@code statistic}. */
    public static Evaluation of(List<Measurement> ms, ToDoubleFunction<Measurement> predictor, Statistic statistic) {
        List<Point> pts = new ArrayList<>();
        for (Measurement m : ms) pts.add(new Point(m, m.seconds(statistic), predictor.applyAsDouble(m)));
        return new Evaluation(pts);
    }

    /** Evaluates samples under fitted parameters (the calibrator's own roofline sum). */
    public static Evaluation of(List<Sample> samples, Params p, Statistic statistic) {
        List<Point> pts = new ArrayList<>();
        for (Sample s : samples) pts.add(new Point(s.measurement(), s.measurement().seconds(statistic), s.predict(p)));
        return new Evaluation(pts);
    }

    public List<Point> points() { return points; }

    /** Stats per phase present (prefill, decode) and over all points ("all"), in that order. */
    public Map<String, Stats> stats() {
        Map<String, List<Point>> by = new LinkedHashMap<>();
        for (String ph : new String[] {"prefill", "decode"}) {
            List<Point> l = points.stream().filter(p -> p.measurement().phaseLabel().equals(ph)).toList();
            if (!l.isEmpty()) by.put(ph, l);
        }
        by.put(ALL, points);
        Map<String, Stats> out = new LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, stats(k, v)));
        return out;
    }

    public Stats overall() { return stats(ALL, points); }

    static Stats stats(String phase, List<Point> pts) {
        int n = pts.size();
        double sumAbs = 0, max = 0, sum = 0, mean = 0;
        for (Point p : pts) {
            sumAbs += p.absError();
            max = Math.max(max, p.absError());
            sum += p.error();
            mean += p.measured();
        }
        mean /= n;
        double ssRes = 0, ssTot = 0;
        for (Point p : pts) {
            ssRes += (p.measured() - p.predicted()) * (p.measured() - p.predicted());
            ssTot += (p.measured() - mean) * (p.measured() - mean);
        }
        double r2 = n < 2 || ssTot <= 0 ? Double.NaN : 1 - ssRes / ssTot;
        return new Stats(phase, n, sumAbs / n, max, sum / n, r2);
    }

    /** The n points with the largest |error|, largest first. */
    public List<Point> worst(int n) {
        return points.stream().sorted(Comparator.comparingDouble(Point::absError).reversed()).limit(Math.max(0, n)).toList();
    }

    public String text(int worst) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %6s %9s %9s %9s %8s%n", "phase", "points", "MAPE", "max |err|", "bias", "R²"));
        for (Stats s : stats().values()) {
            b.append(String.format(Locale.ROOT, "%-8s %6d %8.2f%% %8.2f%% %+8.2f%% %8s%n", s.phase(), s.n(), 100 * s.mape(), 100 * s.maxAbs(), 100 * s.bias(),
                    Double.isNaN(s.r2()) ? "n/a" : String.format(Locale.ROOT, "%.4f", s.r2())));
        }
        List<Point> w = worst(worst);
        if (!w.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nworst %d:%n", w.size()));
            for (Point p : w) {
                b.append(String.format(Locale.ROOT, "  %+8.2f%%  measured %s  predicted %s  %s  (%s)%n", 100 * p.error(), ms(p.measured()), ms(p.predicted()),
                        p.measurement().label(), p.measurement().source()));
            }
        }
        return b.toString();
    }

    public ObjectNode json(int worst) {
        ObjectNode o = JsonOutput.object();
        ObjectNode phases = o.putObject("phases");
        for (Stats s : stats().values()) {
            ObjectNode x = phases.putObject(s.phase());
            x.put("points", s.n());
            x.put("mape_percent", 100 * s.mape());
            x.put("max_abs_error_percent", 100 * s.maxAbs());
            x.put("bias_percent", 100 * s.bias());
            if (Double.isNaN(s.r2())) x.putNull("r2");
            else x.put("r2", s.r2());
        }
        ArrayNode w = o.putArray("worst");
        for (Point p : worst(worst)) {
            ObjectNode x = w.addObject();
            Measurement m = p.measurement();
            x.put("source", m.source());
            x.put("model", m.model());
            x.put("phase", m.phaseLabel());
            x.put("batch", m.batch());
            x.put("seq_len", m.seqLen());
            x.put("cache_len", m.cacheLen());
            x.put("measured_seconds", p.measured());
            x.put("predicted_seconds", p.predicted());
            x.put("error_percent", 100 * p.error());
        }
        return o;
    }

    public String jsonText(int worst) {
        return JsonOutput.write(json(worst));
    }

    static String ms(double s) {
        return s >= 1 ? String.format(Locale.ROOT, "%.3f s", s) : s >= 1e-3 ? String.format(Locale.ROOT, "%.3f ms", s * 1e3) : String.format(Locale.ROOT, "%.2f µs", s * 1e6);
    }
}
