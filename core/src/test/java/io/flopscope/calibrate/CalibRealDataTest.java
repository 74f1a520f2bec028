package io.flopscope.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.predict.HardwareProfile;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GPT-2 measured with tools/measure.py on an NVIDIA H200 (bf16, sdpa, transformers 5.17): calibrated on
 * every 2nd point of each sweep, evaluated on the others. Eager PyTorch at these sizes is mostly
 * host-bound, so the host's timeline carries most of the time; the bound here guards against
 * regressions, docs/measurements.md records the figures.
 */
class CalibRealDataTest {
    @Test void gpt2OnH200HeldOutErrorStaysSmall() throws IOException {
        MeasurementSet set = MeasurementSet.parse("h200-gpt2-run1.jsonl", CalibMeasurementSetTest.resource("h200-gpt2-run1.jsonl"));
        HardwareProfile base = Synthetic.h200();
        Workloads w = Workloads.builtIn();
        MeasurementSet.Split split = set.split(MeasurementSet.Holdout.EVERY_2ND);
        Calibrator.Fit fit = new Calibrator(w.samples(split.calibration(), base), Statistic.MEDIAN).fit(Params.of(base));
        HardwareProfile calibrated = fit.params().applyTo(base);
        Evaluation ev = Evaluation.of(split.heldOut(), m -> w.predict(m, calibrated));
        Evaluation uncalibrated = Evaluation.of(split.heldOut(), m -> w.predict(m, base));
        assertTrue(ev.overall().mape() < 0.15, ev.text(5));
        assertTrue(ev.stats().get("prefill").r2() > 0.9, ev.text(5));
        assertTrue(ev.overall().mape() < uncalibrated.overall().mape(), "calibration must help: " + uncalibrated.text(0) + ev.text(0));
        // the host timeline holds GPT-2's host-bound floor without calibration (it was 70% off with launches summed)
        assertTrue(uncalibrated.overall().mape() < 0.25, uncalibrated.text(5));
        // a profile written from the fit reads back with the fitted values
        String json = CalibratedProfile.json(base, fit, "h200-gpt2-run1.jsonl", split.calibration(), "every-2nd", Statistic.MEDIAN, ev);
        HardwareProfile back = HardwareProfile.parse("calibrated", json);
        assertEquals("nvidia-h200-calibrated", back.id());
        assertEquals(fit.params().matmul(), back.efficiency().matmul(), 0);
        assertEquals(fit.params().hostPerKernelS(), back.host().perKernelS(), 0);
        assertEquals("nvidia-h200", CalibratedProfile.calibratedFrom(json).orElseThrow());
        assertTrue(CalibratedProfile.matches(back, CalibratedProfile.calibratedFrom(json), "nvidia-h200"));
        assertTrue(CalibratedProfile.matches(base, java.util.Optional.empty(), "h200"));
        assertTrue(!CalibratedProfile.matches(base, java.util.Optional.empty(), "nvidia-a100-40gb"));
    }

    @Test void aModelWithoutAnAnalysisIsNamed() throws IOException {
        MeasurementSet set = MeasurementSet.parse("h200-llama-run1.jsonl", CalibMeasurementSetTest.resource("h200-llama-run1.jsonl"));
        Workloads w = Workloads.builtIn();
        Measurement m = set.measurements().get(0);
        var lib = io.flopscope.library.Library.builtIn();
        String root = "transformers.models.llama.modeling_llama.LlamaForCausalLM";
        if (lib.find(root).isPresent()) {
            assertTrue(w.predict(m, Synthetic.h200()) > 0); // once the library has Llama, its measurements predict
            return;
        }
        var e = assertThrows(IllegalArgumentException.class, () -> w.samples(List.of(m), Synthetic.h200()));
        assertTrue(e.getMessage().startsWith("h200-llama-run1.jsonl:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("no analysis for " + root), e.getMessage());
    }

    @Test void unknownBuiltInModelIsNamed() {
        Measurement m = new Measurement("x.jsonl:7", "gpt5", null, "nvidia-h200", io.flopscope.evaluate.Dtype.BF16,
                io.flopscope.evaluate.Phase.PREFILL, 1, 8, 0, null, new double[] {1e-3}, null);
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.builtIn().predict(m, Synthetic.h200()));
        assertTrue(e.getMessage().startsWith("x.jsonl:7: unknown model 'gpt5'"), e.getMessage());
        Measurement flash = new Measurement("x.jsonl:8", "gpt2", null, "nvidia-h200", io.flopscope.evaluate.Dtype.BF16,
                io.flopscope.evaluate.Phase.PREFILL, 1, 8, 0, "flash_attention_2", new double[] {1e-3}, null);
        var e2 = assertThrows(IllegalArgumentException.class, () -> Workloads.builtIn().predict(flash, Synthetic.h200()));
        assertTrue(e2.getMessage().contains("attn_implementation 'flash_attention_2' is not modelled"), e2.getMessage());
    }
}
