package io.flopscope.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Phase;
import io.flopscope.predict.HardwareProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalibMeasurementSetTest {
    static final String PREFILL = "{\"model\":\"gpt2\",\"hardware\":\"nvidia-h200\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":2,\"seq_len\":128,"
            + "\"attn_implementation\":\"sdpa\",\"timings_s\":[0.004,0.003,0.005,0.0031]}";
    static final String DECODE = "{\"model\":\"gpt2\",\"hardware\":\"nvidia-h200\",\"dtype\":\"torch.bfloat16\",\"phase\":\"decode\",\"batch\":4,\"cache_len\":512,"
            + "\"timings_s\":[0.002,0.001,0.003]}";

    static String resource(String name) throws IOException {
        try (InputStream in = CalibMeasurementSetTest.class.getResourceAsStream("/io/flopscope/calibrate/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test void readsJsonLinesWithDefaultsAndMedians() {
        MeasurementSet s = MeasurementSet.parse("m.jsonl", PREFILL + "\n\n" + DECODE + "\n");
        assertEquals(2, s.size());
        Measurement p = s.measurements().get(0);
        assertEquals("m.jsonl:1", p.source());
        assertEquals(Phase.PREFILL, p.phase());
        assertEquals(Dtype.BF16, p.dtype());
        assertEquals(2, p.batch());
        assertEquals(128, p.seqLen());
        assertEquals(0, p.cacheLen(), "cache_len defaults to 0 in prefill");
        assertEquals("sdpa", p.attn());
        assertEquals((0.0031 + 0.004) / 2, p.seconds(), 1e-15, "median of an even count");
        assertEquals(0.003, p.seconds(Statistic.MIN), 0);
        Measurement d = s.measurements().get(1);
        assertEquals("m.jsonl:3", d.source(), "blank lines keep their numbers");
        assertEquals(1, d.seqLen(), "seq_len defaults to 1 in decode");
        assertEquals(512, d.cacheLen());
        assertEquals(0.002, d.seconds(), 0);
        assertNull(d.attn());
        assertEquals(Dtype.BF16, d.dtype(), "torch's dtype names are accepted");
    }

    @Test void readsAJsonArrayAndAConfigAsTheModel() {
        String withConfig = "{\"model\":{\"model_type\":\"gpt2\",\"architectures\":[\"GPT2LMHeadModel\"],\"n_layer\":2,\"_name_or_path\":\"tiny\"},"
                + "\"hardware\":\"cpu\",\"dtype\":\"fp32\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[0.1]}";
        MeasurementSet s = MeasurementSet.parse("a.json", "[" + PREFILL + "," + withConfig + "]");
        assertEquals(2, s.size());
        Measurement m = s.measurements().get(1);
        assertEquals("a.json: measurement #2", m.source());
        assertEquals("tiny", m.model());
        assertEquals(2, m.config().get("n_layer").asInt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]}                     | 'model' is required",
        "{\"model\":\"gpt2\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]}                      | 'hardware' is required",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"training\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]}  | phase 'training': expected prefill or decode",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"int8\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]}    | only bf16, fp16 and fp32",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf17\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]}    | dtype 'bf17'",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":0,\"seq_len\":8,\"timings_s\":[1]}    | 'batch' must be at least 1, got 0",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1.5,\"seq_len\":8,\"timings_s\":[1]}  | 'batch' must be an integer",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"timings_s\":[1]}                 | 'seq_len' is required",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"decode\",\"batch\":1,\"timings_s\":[1]}                  | 'cache_len' is required",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"decode\",\"batch\":1,\"seq_len\":4,\"cache_len\":8,\"timings_s\":[1]} | a decode step processes 1 token",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8}                     | 'timings_s' is required",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[]}     | non-empty array",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[0.1,-2]} | timings_s[1] must be a positive number",
        "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[\"1\"]} | timings_s[0] must be a positive number",
        "{\"format\":\"flopscope-measurements/9\",\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]} | format 'flopscope-measurements/9' is not supported",
        "{\"model\":\"gpt2\",\"config\":{\"n_layer\":2},\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[1]} | 'config' has no model_type",
        "[1, 2]                                                                                                                   | a measurement must be a JSON object",
        "{\"model\": \"gpt2\",                                                                                                    | not a JSON object on one line",
    })
    void reportsWhatIsWrongAndWhere(String line, String expected) {
        String text = PREFILL + "\n" + line.strip() + "\n";
        var e = assertThrows(MeasurementSet.MeasurementException.class, () -> MeasurementSet.parse("bad.jsonl", text));
        assertTrue(e.getMessage().startsWith("bad.jsonl:2: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
    }

    @Test void listsEveryProblemAtOnce() {
        String bad = "{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[]}";
        var e = assertThrows(MeasurementSet.MeasurementException.class, () -> MeasurementSet.parse("f", PREFILL + "\n" + bad + "\n" + PREFILL + "\n" + bad));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().contains("f:2: ") && e.getMessage().contains("f:4: "), e.getMessage());
        var many = assertThrows(MeasurementSet.MeasurementException.class, () -> MeasurementSet.parse("g", (bad + "\n").repeat(50)));
        assertEquals(MeasurementSet.MAX_ERRORS, many.problems().size());
        assertTrue(many.getMessage().contains("further problems not listed"), many.getMessage());
    }

    @Test void anEmptyFileIsAnError() {
        var e = assertThrows(MeasurementSet.MeasurementException.class, () -> MeasurementSet.parse("empty.jsonl", "\n \n"));
        assertTrue(e.getMessage().contains("no measurements"), e.getMessage());
    }

    @Test void writesWhatItReads() {
        MeasurementSet s = MeasurementSet.parse("m", PREFILL + "\n" + DECODE);
        MeasurementSet again = MeasurementSet.parse("m", MeasurementSet.jsonLines(s.measurements()));
        for (int i = 0; i < s.size(); i++) {
            Measurement a = s.measurements().get(i), b = again.measurements().get(i);
            assertEquals(a.label(), b.label());
            assertEquals(a.timingList(), b.timingList());
            assertEquals(a.sweepKey(), b.sweepKey());
        }
    }

    @Test void everySecondPointOfEachSweepIsHeldOut() {
        List<Measurement> grid = Synthetic.gpt2Grid();
        MeasurementSet.Split split = new MeasurementSet("g", grid).split(MeasurementSet.Holdout.EVERY_2ND);
        assertEquals(27, split.calibration().size());
        assertEquals(27, split.heldOut().size());
        // prefill sweep: 30 points sorted by batch then seq_len; positions 0, 2, 4, ... calibrate
        List<Measurement> prefillCal = split.calibration().stream().filter(m -> m.phase() == Phase.PREFILL).toList();
        assertEquals(15, prefillCal.size());
        assertEquals(1, prefillCal.get(0).batch());
        assertEquals(64, prefillCal.get(0).seqLen());
        assertEquals(256, prefillCal.get(1).seqLen());
        assertEquals(2, prefillCal.get(3).batch(), "the pattern runs on across batches");
        assertEquals(128, prefillCal.get(3).seqLen());
        MeasurementSet.Split none = new MeasurementSet("g", grid).split(MeasurementSet.Holdout.NONE);
        assertEquals(54, none.calibration().size());
        assertTrue(none.heldOut().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> MeasurementSet.Holdout.parse("every-3rd"));
    }

    @Test void measurePyOutputReads() throws IOException {
        // tools/measure.py on CPU (GPT-2 with 2 layers, fp32): the fixture is its unedited output
        MeasurementSet s = MeasurementSet.parse("cpu-smoke-gpt2.jsonl", resource("cpu-smoke-gpt2.jsonl"));
        assertEquals(8, s.size());
        assertEquals(List.of("cpu"), List.copyOf(s.hardware()));
        for (Measurement m : s.measurements()) {
            assertEquals(Dtype.FP32, m.dtype());
            assertEquals(2, m.config().get("n_layer").asInt());
            assertEquals(4, m.timings().length);
            assertTrue(m.env().get("torch").asText().length() > 0);
        }
        assertEquals(4, s.measurements().stream().filter(m -> m.phase() == Phase.DECODE).count());
        // and FlopScope can predict every point of it (GPT-2 with the config's 2 layers)
        Workloads w = Workloads.builtIn();
        HardwareProfile h200 = Synthetic.h200();
        for (Measurement m : s.measurements()) assertTrue(w.predict(m, h200) > 0, m.label());
    }

    @Test void h200MeasurementsRead() throws IOException {
        // tools/measure.py on an NVIDIA H200 (bf16, sdpa): GPT-2 and the script's Llama-style config
        for (String f : new String[] {"h200-gpt2-run1.jsonl", "h200-gpt2-run2.jsonl", "h200-llama-run1.jsonl", "h200-llama-run2.jsonl"}) {
            MeasurementSet s = MeasurementSet.parse(f, resource(f));
            assertTrue(s.size() >= 54, f);
            assertEquals(List.of("nvidia-h200"), List.copyOf(s.hardware()), f);
            assertTrue(s.measurements().stream().allMatch(m -> m.env().get("gpu").asText().contains("H200")), f);
            assertEquals(2, s.sweeps().size(), f + ": one prefill and one decode sweep");
        }
    }
}
