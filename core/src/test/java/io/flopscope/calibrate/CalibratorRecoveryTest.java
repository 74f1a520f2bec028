package io.flopscope.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.predict.HardwareProfile;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test of calibration: synthetic GPT-2 measurements made by the roofline on a planted
 * profile are fitted on one half of each sweep (from the built-in H200 defaults) and evaluated on the other.
 */
class CalibratorRecoveryTest {
    static Workloads workloads;
    static List<Measurement> grid;

    @BeforeAll static void setUp() {
        workloads = Workloads.builtIn();
        grid = Synthetic.gpt2Grid();
    }

    record Outcome(Calibrator.Fit fit, Evaluation heldOut, List<Sample> calibration) {}

    static Outcome calibrate(HardwareProfile truth) {
        HardwareProfile base = Synthetic.h200();
        MeasurementSet set = new MeasurementSet("synthetic", Synthetic.timed(grid, workloads, truth, t -> t));
        MeasurementSet.Split split = set.split(MeasurementSet.Holdout.EVERY_2ND);
        List<Sample> cal = workloads.samples(split.calibration(), base);
        Calibrator.Fit fit = new Calibrator(cal).fit(Params.of(base));
        HardwareProfile calibrated = fit.params().applyTo(base);
        Evaluation heldOut = Evaluation.of(split.heldOut(), m -> workloads.predict(m, calibrated));
        return new Outcome(fit, heldOut, cal);
    }

    static void assertWithin(double expected, double actual, double relative, String what) {
        assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected),
                String.format(Locale.ROOT, "%s: expected %.6g within %.2g%%, got %.6g", what, expected, 100 * relative, actual));
    }

    @Test void recoversAllFourPlantedParametersWithinOnePercent() {
        // vector efficiency planted low enough that GPT-2's element-wise kernels become vector-bound,
        // so all four parameters are determined by the data
        HardwareProfile truth = Synthetic.plant(Synthetic.h200(), 0.62, 0.03, 0.83, 7.5e-6);
        Outcome o = calibrate(truth);
        Calibrator.Fit f = o.fit();
        for (int i = 0; i < 4; i++) assertTrue(f.status()[i].determined(), Calibrator.NAMES[i] + " should be determined: " + f.describe());
        assertWithin(0.62, f.params().matmul(), 0.01, "matmul efficiency");
        assertWithin(0.03, f.params().vector(), 0.01, "vector efficiency");
        assertWithin(0.83, f.params().memory(), 0.01, "memory efficiency");
        assertWithin(7.5e-6, f.params().hostPerKernelS(), 0.01, "host per kernel");
        // in fact the fit is exact up to rounding
        assertWithin(0.62, f.params().matmul(), 1e-6, "matmul efficiency (tight)");
        assertWithin(0.83, f.params().memory(), 1e-6, "memory efficiency (tight)");
        assertWithin(7.5e-6, f.params().hostPerKernelS(), 1e-6, "host per kernel (tight)");
        assertTrue(f.rmsRelative() < 1e-8, f.describe());
        // held-out half: predictions equal the planted times
        Evaluation.Stats all = o.heldOut().overall();
        assertEquals(27, all.n());
        assertTrue(all.mape() < 1e-6, "held-out MAPE " + all.mape());
        assertTrue(all.r2() > 1 - 1e-9, "held-out R² " + all.r2());
        for (String phase : new String[] {"prefill", "decode"}) assertTrue(o.heldOut().stats().get(phase).mape() < 1e-6, phase);
    }

    @Test void recoversRealisticEfficienciesWithinOnePercent() {
        // near the defaults: the element-wise FLOPs the analyses fuse into their neighbours (no bytes of their own)
        // still make a few kernels vector-bound, so even a 0.9 vector efficiency is determined; a fast host (2 µs per
        // kernel) leaves most points device-bound, where the efficiencies show
        HardwareProfile truth = Synthetic.plant(Synthetic.h200(), 0.55, 0.9, 0.72, 2e-6);
        Outcome o = calibrate(truth);
        Calibrator.Fit f = o.fit();
        assertWithin(0.55, f.params().matmul(), 0.01, "matmul efficiency");
        assertWithin(0.9, f.params().vector(), 0.01, "vector efficiency");
        assertWithin(0.72, f.params().memory(), 0.01, "memory efficiency");
        assertWithin(2e-6, f.params().hostPerKernelS(), 0.01, "host per kernel");
        assertTrue(o.heldOut().overall().mape() < 1e-6, "held-out MAPE " + o.heldOut().overall().mape());
    }

    @Test void aClassThatBoundsNothingIsKeptAtTheBase() {
        // kernels with no vector FLOPs at all: the vector efficiency cannot be seen in the times
        Peaks peaks = new Peaks(1e15, 1e14, 4e12);
        Params truth = new Params(0.5, 0.3, 0.8, 4e-6);
        Params base = new Params(0.7, 0.5, 0.8, 5e-6);
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            List<KernelWork> ks = List.of(new KernelWork(1e11 * (1 + (7 * i) % 5), 0, 1e8, 1), new KernelWork(1e9, 0, 2e8 * i, 3), new KernelWork(0, 0, 5e7, 1 + i % 3));
            Sample probe = new Sample(Synthetic.point(i, io.flopscope.evaluate.Phase.PREFILL, i, 8, 0), peaks, ks, 0, 0, 0, 0);
            double t = probe.predict(truth);
            samples.add(new Sample(Synthetic.withTimings(probe.measurement(), new double[] {t}), peaks, ks, 0, 0, 0, 0));
        }
        Calibrator.Fit f = new Calibrator(samples).fit(base);
        assertEquals(Calibrator.Status.UNDETERMINED, f.status()[1], f.describe());
        assertEquals(0.5, f.params().vector(), 0.0, "kept from the base");
        assertWithin(0.5, f.params().matmul(), 1e-6, "matmul efficiency");
        assertWithin(0.8, f.params().memory(), 1e-6, "memory efficiency");
        assertWithin(4e-6, f.params().hostPerKernelS(), 1e-6, "host per kernel");
        assertTrue(f.describe().contains("not determined by these measurements"), f.describe());
    }

    @Test void anEfficiencyAboveOneEndsAtTheBound() {
        // the times imply memory at 1.25x the datasheet bandwidth: the profile cannot say more than 1
        Peaks peaks = new Peaks(1e15, 1e14, 4e12);
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            List<KernelWork> ks = List.of(new KernelWork(0, 0, 1e9 * i, 1));
            double t = 1e9 * i / (4e12 * 1.25) + 5e-6;
            samples.add(new Sample(Synthetic.withTimings(Synthetic.point(i, io.flopscope.evaluate.Phase.PREFILL, i, 8, 0), new double[] {t}), peaks, ks, 0, 0, 0, 0));
        }
        Calibrator.Fit f = new Calibrator(samples).fit(new Params(0.7, 0.5, 0.8, 5e-6));
        assertEquals(1.0, f.params().memory(), 1e-12);
        assertEquals(Calibrator.Status.AT_BOUND, f.status()[2], f.describe());
    }

    @Test void theCalibratorsSumIsTheRooflinesPrediction() {
        HardwareProfile h = Synthetic.plant(Synthetic.h200(), 0.6, 0.2, 0.7, 9e-6);
        for (Measurement m : List.of(grid.get(0), grid.get(17), grid.get(29), grid.get(40), grid.get(grid.size() - 1))) {
            Sample s = workloads.sample(m, Synthetic.h200());
            assertWithin(workloads.predict(m, h), s.predict(Params.of(h)), 1e-12, m.label());
            assertTrue(s.launches() > 0);
        }
    }

    @Test void fixedParametersStayAtTheBase() {
        HardwareProfile truth = Synthetic.plant(Synthetic.h200(), 0.62, 0.03, 0.83, 7.5e-6);
        MeasurementSet set = new MeasurementSet("synthetic", Synthetic.timed(grid, workloads, truth, t -> t));
        List<Sample> all = workloads.samples(set.measurements(), Synthetic.h200());
        // the launch overhead fixed at the wrong value: the others absorb what they can, the overhead is untouched
        Calibrator.Fit f = new Calibrator(all).fit(Params.of(Synthetic.h200()), new boolean[] {true, true, true, false});
        assertEquals(Synthetic.h200().host().perKernelS(), f.params().hostPerKernelS(), 0.0);
        assertEquals(Calibrator.Status.FIXED, f.status()[3]);
        assertTrue(f.rmsRelative() > 1e-3, "a wrong fixed overhead cannot fit exactly: " + f.describe());
    }

    @Test void minimumStatisticFitsTheFastestRepeat() {
        HardwareProfile truth = Synthetic.plant(Synthetic.h200(), 0.62, 0.03, 0.83, 7.5e-6);
        // repeats are t·{1.001, 0.999, 1.0}·1.3 except the minimum, which is t exactly
        List<Measurement> ms = Synthetic.timed(grid, workloads, truth, t -> t).stream()
                .map(m -> Synthetic.withTimings(m, new double[] {m.seconds() * 1.4, m.seconds(), m.seconds() * 1.3, m.seconds() * 1.35})).toList();
        List<Sample> all = workloads.samples(ms, Synthetic.h200());
        Calibrator.Fit f = new Calibrator(all, Statistic.MIN).fit(Params.of(Synthetic.h200()));
        assertWithin(0.62, f.params().matmul(), 0.01, "matmul efficiency");
        assertWithin(0.83, f.params().memory(), 0.01, "memory efficiency");
        assertWithin(7.5e-6, f.params().hostPerKernelS(), 0.01, "host per kernel");
    }

    @Test void tooFewMeasurementsAreRefused() {
        // 8 ms: a host-bound step at any host time that fits it (the device needs about 1.2 ms)
        Sample one = workloads.samples(List.of(Synthetic.withTimings(grid.get(0), new double[] {8e-3})), Synthetic.h200()).get(0);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Calibrator(List.of(one, one)).fit(Params.of(Synthetic.h200())));
        assertTrue(e.getMessage().contains("needs at least 4 measurements, got 2"), e.getMessage());
        // with three parameters fixed, one point fits the host's time per kernel alone
        Calibrator.Fit f = new Calibrator(List.of(one)).fit(Params.of(Synthetic.h200()), new boolean[] {false, false, false, true});
        assertEquals(8e-3, one.predict(f.params()), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Calibrator(List.of()));
    }
}
