package io.flopscope.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Fits the efficiencies of the three kernel classes and the host's time per kernel to measured times
 * (docs/measurements.md, "Calibration").
 *
 * <p>The model of one measurement is the step of docs/prediction.md ("Host and device"),
 * <pre>  T(x, o) = max(o·U + s,  o + Σ_k max(x_m·M_k, x_v·V_k, x_b·B_k) + g·L)</pre>
 * with M_k, V_k, B_k the kernel's matmul, vector and memory times at 100% of peak, L the launches, U the host's
 * units of work (launches, and module calls at the runtime's cost relative to a kernel), s the host's time per step
 * and g the device's gap between kernels (both the runtime's, not fitted), x = 1/efficiency and o the host's time
 * per kernel. T is piecewise linear in (x, o). The fit minimises Σ_i (T_i/y_i − 1)², the squared relative errors
 * against the measured medians y_i (or minima, {@link Statistic}) (so a 1 ms call weighs as much as a 100 ms one), by
 * Levenberg–Marquardt (Apache Commons Math), recomputing each kernel's bounding term and which timeline is the
 * longer at every evaluation. The Jacobian is exact on each linear piece. Because a parameter whose class bounds no
 * kernel has a zero gradient, the fit starts from the base profile and from a grid of 4³ efficiency combinations,
 * and keeps the best. Efficiencies are kept in [{@value #MIN_EFFICIENCY}, 1] (a profile requires (0, 1]) and the
 * host time in [0, {@value #MAX_OVERHEAD_S} s].
 *
 * <p>A class that bounds no kernel of any measurement is not determined by the data: its efficiency
 * stays at the base profile's value (when that leaves the fit unchanged) and {@link Fit#status}
 * says so.
 */
public final class Calibrator {
    public static final double MIN_EFFICIENCY = 1e-3;
    public static final double MAX_OVERHEAD_S = 0.1;
    static final double[] GRID = {0.05, 0.25, 0.6, 0.95};
    private static final double OVERHEAD_SCALE = 1e-6; // the overhead is fitted in microseconds
    public static final String[] NAMES = {"matmul", "vector", "memory", "host_per_kernel"};

    private final List<Sample> samples;
    private final double[][] mm;
    private final double[][] vec;
    private final double[][] mem;
    private final double[] hostUnits; // per point: launches + module calls at their cost relative to a kernel's
    private final double[] fixed;     // per point: the device's gaps between kernels (not fitted)
    private final double[] perStep;   // per point: the host's time per step (not fitted)
    private final double[] measured;

    /** Fits to the median of each measurement's timings. */
    public Calibrator(List<Sample> samples) { this(samples, Statistic.MEDIAN); }

    /** Fits to each measurement's timings reduced by {@code statistic}. */
    public Calibrator(List<Sample> samples, Statistic statistic) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no measurements to calibrate on");
        this.samples = List.copyOf(samples);
        int n = samples.size();
        mm = new double[n][];
        vec = new double[n][];
        mem = new double[n][];
        hostUnits = new double[n];
        fixed = new double[n];
        perStep = new double[n];
        measured = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            int k = s.kernels().size();
            mm[i] = new double[k];
            vec[i] = new double[k];
            mem[i] = new double[k];
            for (int j = 0; j < k; j++) {
                KernelWork w = s.kernels().get(j);
                mm[i][j] = w.matmulFlops() / s.peaks().matmulFlopsPerS();
                vec[i][j] = w.vectorFlops() / s.peaks().vectorFlopsPerS();
                mem[i][j] = w.bytes() / s.peaks().bytesPerS();
                fixed[i] += w.launches() * s.deviceGapS();
            }
            hostUnits[i] = s.hostUnits();
            perStep[i] = s.hostPerStepS();
            measured[i] = s.measurement().seconds(statistic);
        }
    }

    /** How a fitted parameter came out. */
    public enum Status {
        /** fitted to the measurements */
        FITTED("fitted"),
        /** fitted, and ended on a bound (efficiency 1 or the minimum, overhead 0 or the maximum) */
        AT_BOUND("at its bound"),
        /** its class bounds no kernel of any measurement: kept from the base profile */
        UNDETERMINED("not determined by these measurements (no kernel bound by it): kept from the base profile"),
        /** its class bounds no kernel at the fit, but the base value would: the data only bound it from one side */
        BOUNDED_ONLY("only bounded by these measurements (no kernel bound by it at the fitted value)"),
        /** not fitted: held at the base profile's value */
        FIXED("fixed at the base profile's value");

        public final String description;

        Status(String description) { this.description = description; }

        public boolean determined() { return this == FITTED || this == AT_BOUND; }
    }

    /**
     * The result of a fit.
     *
     * @param params      the fitted efficiencies and overhead
     * @param status      per parameter (matmul, vector, memory, host time per kernel): how it came out
     * @param rmsRelative root mean square of the relative errors (T/y − 1) on the calibration points
     * @param timeShare   share of the predicted time (summed over the calibration points) bound by matmul, vector, memory, and by the host
     * @param samples     calibration points used
     * @param evaluations model evaluations over all starts
     */
    public record Fit(Params params, Status[] status, double rmsRelative, double[] timeShare, int samples, int evaluations) {
        public String describe() {
            StringBuilder b = new StringBuilder();
            double[] v = {params.matmul(), params.vector(), params.memory(), params.hostPerKernelS() * 1e6};
            for (int i = 0; i < 4; i++) {
                b.append(String.format(Locale.ROOT, "  %-16s %10.4f%-3s  %5.1f%% of predicted time%s   %s%n", NAMES[i], v[i], i == 3 ? " µs" : "",
                        100 * timeShare[i], i < 3 ? " bound here" : " host-bound", status[i].description));
            }
            b.append(String.format(Locale.ROOT, "  fit: %d points, rms relative error %.3f%%, %d model evaluations%n", samples, 100 * rmsRelative, evaluations));
            return b.toString();
        }
    }

    /** Fits all four parameters, starting from (and falling back to) {@code base}. */
    public Fit fit(Params base) { return fit(base, new boolean[] {true, true, true, true}); }

    /**
     * Fits the parameters marked free; the others keep {@code base}'s values.
     *
     * @param free per parameter (matmul, vector, memory, host time per kernel)
     */
    public Fit fit(Params base, boolean[] free) {
        int[] idx = java.util.stream.IntStream.range(0, 4).filter(i -> free[i]).toArray();
        if (samples.size() < idx.length) {
            throw new IllegalArgumentException("fitting " + idx.length + " parameters needs at least " + idx.length + " measurements, got " + samples.size());
        }
        double[] full0 = toInternal(base);
        int evaluations = 0;
        double[] best = full0.clone();
        double bestCost = cost(full0);
        if (idx.length > 0) {
            for (double[] start : starts(full0)) {
                double[] s = start.clone();
                for (int i = 0; i < 4; i++) if (!free[i]) s[i] = full0[i];
                try {
                    LeastSquaresOptimizer.Optimum o = solve(s, idx);
                    evaluations += o.getEvaluations();
                    double[] full = s.clone();
                    RealVector p = o.getPoint();
                    for (int j = 0; j < idx.length; j++) full[idx[j]] = p.getEntry(j);
                    clamp(full);
                    double c = cost(full);
                    if (c < bestCost * (1 - 1e-12)) {
                        bestCost = c;
                        best = full;
                    }
                } catch (MathIllegalStateException e) {
                    // this start did not converge; the others decide
                }
            }
        }
        // a parameter whose class bounds no kernel is not determined: back to the base value if that costs nothing
        Status[] status = new Status[4];
        double[] colSums = columnSums(best);
        for (int i = 0; i < 4; i++) {
            if (!free[i]) status[i] = Status.FIXED;
            else if (colSums[i] > 0) status[i] = Status.FITTED;
            else {
                double[] trial = best.clone();
                trial[i] = full0[i];
                double c = cost(trial);
                if (c <= bestCost * (1 + 1e-12) + 1e-300) {
                    best = trial;
                    bestCost = Math.min(c, bestCost);
                    status[i] = Status.UNDETERMINED;
                } else {
                    status[i] = Status.BOUNDED_ONLY;
                }
            }
        }
        Params p = toParams(best);
        for (int i = 0; i < 4; i++) {
            if (status[i] != Status.FITTED) continue;
            boolean atBound = i < 3 ? p.get(i) >= 1 - 1e-9 || p.get(i) <= MIN_EFFICIENCY * (1 + 1e-9)
                    : p.hostPerKernelS() <= 0 || p.hostPerKernelS() >= MAX_OVERHEAD_S * (1 - 1e-9);
            if (atBound) status[i] = Status.AT_BOUND;
        }
        return new Fit(p, status, Math.sqrt(bestCost / samples.size()), shares(best), samples.size(), evaluations);
    }

    /** The predicted seconds of every calibration point under {@code p}. */
    public double[] predict(Params p) {
        double[] x = toInternal(p);
        double[] out = new double[samples.size()];
        for (int i = 0; i < out.length; i++) out[i] = predict(i, x);
        return out;
    }

    // ---- internals: x = (1/e_matmul, 1/e_vector, 1/e_memory, overhead in µs) ---------------------

    private static double[] toInternal(Params p) {
        return new double[] {1 / p.matmul(), 1 / p.vector(), 1 / p.memory(), p.hostPerKernelS() / OVERHEAD_SCALE};
    }

    private static Params toParams(double[] x) {
        return new Params(1 / x[0], 1 / x[1], 1 / x[2], x[3] * OVERHEAD_SCALE);
    }

    private static void clamp(double[] x) {
        for (int i = 0; i < 3; i++) x[i] = Math.min(Math.max(x[i], 1), 1 / MIN_EFFICIENCY);
        x[3] = Math.min(Math.max(x[3], 0), MAX_OVERHEAD_S / OVERHEAD_SCALE);
    }

    private List<double[]> starts(double[] base) {
        List<double[]> out = new ArrayList<>();
        out.add(base.clone());
        for (double a : GRID) for (double b : GRID) for (double c : GRID) out.add(new double[] {1 / a, 1 / b, 1 / c, base[3]});
        return out;
    }

    /** The device's timeline of point i: the roofline terms, and the gaps between kernels. */
    private double device(int i, double[] x) {
        double t = fixed[i];
        double[] m = mm[i];
        double[] v = vec[i];
        double[] b = mem[i];
        for (int k = 0; k < m.length; k++) t += Math.max(x[0] * m[k], Math.max(x[1] * v[k], x[2] * b[k]));
        return t;
    }

    private double host(int i, double[] x) { return x[3] * OVERHEAD_SCALE * hostUnits[i] + perStep[i]; }

    /** max(host, first dispatch + device), as Roofline.predict. */
    private double predict(int i, double[] x) {
        return Math.max(host(i, x), x[3] * OVERHEAD_SCALE + device(i, x));
    }

    /**
     * Row i of the Jacobian of T_i (not yet divided by y_i): where the host's timeline is the longer, only its time per
     * kernel moves the step; else the summed terms of each class where that class bounds the kernel, and the first
     * dispatch.
     */
    private double[] gradient(int i, double[] x) {
        double[] g = new double[4];
        if (host(i, x) >= x[3] * OVERHEAD_SCALE + device(i, x)) {
            g[3] = hostUnits[i] * OVERHEAD_SCALE;
            return g;
        }
        double[] m = mm[i];
        double[] v = vec[i];
        double[] b = mem[i];
        for (int k = 0; k < m.length; k++) {
            double tm = x[0] * m[k];
            double tv = x[1] * v[k];
            double tb = x[2] * b[k];
            if (tm == 0 && tv == 0 && tb == 0) continue;
            if (tm >= tv && tm >= tb) g[0] += m[k];       // ties as in Roofline.KernelTime.bound(): matmul, then vector
            else if (tv >= tb) g[1] += v[k];
            else g[2] += b[k];
        }
        g[3] = OVERHEAD_SCALE;
        return g;
    }

    private double cost(double[] x) {
        double c = 0;
        for (int i = 0; i < measured.length; i++) {
            double r = predict(i, x) / measured[i] - 1;
            c += r * r;
        }
        return c;
    }

    private double[] columnSums(double[] x) {
        double[] s = new double[4];
        for (int i = 0; i < measured.length; i++) {
            double[] g = gradient(i, x);
            for (int j = 0; j < 4; j++) s[j] += g[j];
        }
        return s;
    }

    private double[] shares(double[] x) {
        double[] s = columnSums(x);
        double[] t = {s[0] * x[0], s[1] * x[1], s[2] * x[2], s[3] * x[3]};
        double total = t[0] + t[1] + t[2] + t[3];
        if (total > 0) for (int j = 0; j < 4; j++) t[j] /= total;
        return t;
    }

    private LeastSquaresOptimizer.Optimum solve(double[] start, int[] idx) {
        int n = measured.length;
        MultivariateJacobianFunction model = point -> {
            double[] x = start.clone();
            for (int j = 0; j < idx.length; j++) x[idx[j]] = point.getEntry(j);
            double[] value = new double[n];
            double[][] jac = new double[n][idx.length];
            for (int i = 0; i < n; i++) {
                value[i] = predict(i, x) / measured[i];
                double[] g = gradient(i, x);
                for (int j = 0; j < idx.length; j++) jac[i][j] = g[idx[j]] / measured[i];
            }
            return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jac, false));
        };
        double[] s = new double[idx.length];
        for (int j = 0; j < idx.length; j++) s[j] = start[idx[j]];
        double[] target = new double[n];
        java.util.Arrays.fill(target, 1.0);
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .start(s)
                .model(model)
                .target(target)
                .parameterValidator(p -> {
                    double[] x = start.clone();
                    for (int j = 0; j < idx.length; j++) x[idx[j]] = p.getEntry(j);
                    clamp(x);
                    double[] out = new double[idx.length];
                    for (int j = 0; j < idx.length; j++) out[j] = x[idx[j]];
                    return new ArrayRealVector(out, false);
                })
                .lazyEvaluation(false)
                .maxEvaluations(2000)
                .maxIterations(2000)
                .build();
        return new LevenbergMarquardtOptimizer().optimize(problem);
    }
}
