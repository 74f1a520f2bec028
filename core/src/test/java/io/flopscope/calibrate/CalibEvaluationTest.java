package io.flopscope.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.evaluate.Phase;
import io.flopscope.predict.HardwareProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Evaluation reports what was planted in held-out synthetic points. */
class CalibEvaluationTest {
    static Workloads workloads;
    static HardwareProfile truth;
    static List<Measurement> heldOut;

    @BeforeAll static void setUp() {
        workloads = Workloads.builtIn();
        truth = Synthetic.plant(Synthetic.h200(), 0.6, 0.4, 0.8, 6e-6);
        heldOut = new MeasurementSet("grid", Synthetic.gpt2Grid()).split(MeasurementSet.Holdout.EVERY_2ND).heldOut();
    }

    @Test void aPlantedFivePercentBiasIsReportedAsFivePercent() {
        // measured = truth / 1.05, so the truth profile predicts 5% too slow on every point
        List<Measurement> ms = Synthetic.timed(heldOut, workloads, truth, t -> t / 1.05);
        Evaluation ev = Evaluation.of(ms, m -> workloads.predict(m, truth));
        for (Evaluation.Stats s : ev.stats().values()) {
            assertEquals(0.05, s.mape(), 1e-12, s.phase());
            assertEquals(0.05, s.maxAbs(), 1e-12, s.phase());
            assertEquals(0.05, s.bias(), 1e-12, s.phase());
        }
        assertEquals(27, ev.overall().n());
        String text = ev.text(3);
        assertTrue(text.contains("5.00%"), text);
        assertTrue(text.contains("worst 3:"), text);
    }

    @Test void alternatingErrorsGiveMapeWithoutBias() {
        // +5% and -5% alternately (by point), +20% on one decode point: MAPE, max and bias each as planted
        List<Measurement> base = Synthetic.timed(heldOut, workloads, truth, t -> t);
        List<Measurement> ms = new ArrayList<>();
        int decodeOutlier = -1;
        for (int i = 0; i < base.size(); i++) {
            Measurement m = base.get(i);
            double err = i % 2 == 0 ? 0.05 : -0.05;
            if (decodeOutlier < 0 && m.phase() == Phase.DECODE) {
                decodeOutlier = i;
                err = 0.20;
            }
            double measured = m.seconds() / (1 + err); // predicted / measured - 1 = err
            ms.add(Synthetic.withTimings(m, new double[] {measured}));
        }
        Evaluation ev = Evaluation.of(ms, m -> workloads.predict(m, truth));
        double expectedMape = 0, expectedBias = 0;
        for (int i = 0; i < ms.size(); i++) {
            double e = i == decodeOutlier ? 0.20 : i % 2 == 0 ? 0.05 : -0.05;
            expectedMape += Math.abs(e);
            expectedBias += e;
        }
        Evaluation.Stats all = ev.overall();
        assertEquals(expectedMape / ms.size(), all.mape(), 1e-12);
        assertEquals(expectedBias / ms.size(), all.bias(), 1e-12);
        assertEquals(0.20, all.maxAbs(), 1e-12);
        assertEquals(0.05, ev.stats().get("prefill").maxAbs(), 1e-12);
        Evaluation.Point worst = ev.worst(1).get(0);
        assertEquals(ms.get(decodeOutlier).source(), worst.measurement().source());
        assertEquals(0.20, worst.error(), 1e-12);
        assertTrue(all.r2() > 0.95 && all.r2() < 1, "R² " + all.r2());
    }

    @Test void rSquaredMatchesItsDefinition() {
        List<Measurement> base = Synthetic.timed(heldOut.subList(0, 4), workloads, truth, t -> t);
        double[] measured = {1.0, 2.0, 3.0, 4.0};
        double[] predicted = {1.1, 1.9, 3.2, 3.7};
        List<Evaluation.Point> pts = new ArrayList<>();
        for (int i = 0; i < 4; i++) pts.add(new Evaluation.Point(base.get(i), measured[i], predicted[i]));
        Evaluation ev = new Evaluation(pts);
        // SS_res = 0.01+0.01+0.04+0.09 = 0.15, SS_tot = 2.25+0.25+0.25+2.25 = 5
        assertEquals(1 - 0.15 / 5, ev.overall().r2(), 1e-12);
        assertEquals((0.1 + 0.05 + 0.2 / 3 + 0.075) / 4, ev.overall().mape(), 1e-12);
        assertTrue(Double.isNaN(new Evaluation(pts.subList(0, 1)).overall().r2()), "undefined for one point");
    }

    @Test void jsonReportHasPhasesAndWorstPoints() {
        List<Measurement> ms = Synthetic.timed(heldOut, workloads, truth, t -> t / 1.05);
        JsonNode j = Evaluation.of(ms, m -> workloads.predict(m, truth)).json(2);
        assertEquals(5.0, j.at("/phases/prefill/mape_percent").asDouble(), 1e-9);
        assertEquals(5.0, j.at("/phases/decode/max_abs_error_percent").asDouble(), 1e-9);
        assertEquals(27, j.at("/phases/all/points").asInt());
        assertEquals(2, j.get("worst").size());
        assertTrue(j.at("/worst/0/measured_seconds").asDouble() > 0);
    }

    @Test void anEmptyEvaluationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Evaluation(List.of()));
    }
}
