package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.calibrate.Measurement;
import io.flopscope.calibrate.MeasurementSet;
import io.flopscope.calibrate.Params;
import io.flopscope.calibrate.Workloads;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Phase;
import io.flopscope.predict.HardwareProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `flopscope calibrate` and `flopscope evaluate` end to end, on synthetic GPT-2 measurements from a planted profile. */
class CalibrateCommandTest {
    static CliTest.Run run(String... args) { return CliTest.run(args); }

    static final ObjectMapper JSON = new ObjectMapper();
    static final Params PLANTED = new Params(0.62, 0.03, 0.83, 7.5e-6);
    static HardwareProfile h200;
    static HardwareProfile truth;
    static Workloads workloads;
    @TempDir static Path dir;
    static Path exact;
    static Path biased;

    @BeforeAll static void writeMeasurements() throws Exception {
        h200 = HardwareProfile.builtIn("nvidia-h200").orElseThrow();
        truth = PLANTED.applyTo(h200);
        workloads = Workloads.builtIn();
        exact = dir.resolve("exact.jsonl");
        biased = dir.resolve("biased.jsonl");
        Files.writeString(exact, MeasurementSet.jsonLines(grid(t -> t)));
        Files.writeString(biased, MeasurementSet.jsonLines(grid(t -> t / 1.05))); // predictions 5% too slow
    }

    static List<Measurement> grid(DoubleUnaryOperator distort) {
        List<Measurement> out = new ArrayList<>();
        int i = 0;
        for (long b : new long[] {1, 2, 4, 8, 16, 32}) {
            for (long s : new long[] {64, 128, 256, 512, 1024}) out.add(timed(++i, Phase.PREFILL, b, s, 0, distort));
            for (long c : new long[] {128, 256, 512, 768}) out.add(timed(++i, Phase.DECODE, b, 1, c, distort));
        }
        return out;
    }

    static Measurement timed(int i, Phase phase, long b, long s, long c, DoubleUnaryOperator distort) {
        Measurement m = new Measurement("gen:" + i, "gpt2", null, "nvidia-h200", Dtype.BF16, phase, b, s, c, "sdpa", new double[] {1}, null);
        double t = distort.applyAsDouble(workloads.predict(m, truth));
        return new Measurement(m.source(), "gpt2", null, "nvidia-h200", Dtype.BF16, phase, b, s, c, "sdpa", new double[] {t * 1.002, t, t * 0.998}, null);
    }

    @Test void calibrateRecoversThePlantedProfileAndEvaluateConfirmsItOnTheHeldOutHalf() throws Exception {
        Path profile = dir.resolve("out/h200-calibrated.json");
        CliTest.Run r = run("calibrate", "--measurements", exact.toString(), "--hardware", "h200", "--holdout", "every-2nd", "--out", profile.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("calibrated nvidia-h200 on 27 of 54 measurements"), r.out());
        assertTrue(r.out().contains("held-out evaluation (27 points"), r.out());
        assertTrue(r.out().contains("wrote " + profile), r.out());
        JsonNode j = JSON.readTree(Files.readString(profile));
        assertEquals("nvidia-h200-calibrated", j.get("id").asText());
        assertEquals(PLANTED.matmul(), j.at("/efficiency/matmul").asDouble(), 0.01 * PLANTED.matmul());
        assertEquals(PLANTED.vector(), j.at("/efficiency/vector").asDouble(), 0.01 * PLANTED.vector());
        assertEquals(PLANTED.memory(), j.at("/efficiency/memory").asDouble(), 0.01 * PLANTED.memory());
        assertEquals(PLANTED.hostPerKernelS(), j.at("/host/per_kernel_s").asDouble(), 0.01 * PLANTED.hostPerKernelS());
        assertEquals("nvidia-h200", j.at("/calibration/calibrated_from/profile").asText());
        assertEquals(27, j.at("/calibration/calibrated_from/points").asInt());
        assertEquals("every-2nd", j.at("/calibration/calibrated_from/holdout").asText());
        assertTrue(j.at("/calibration/held_out/all/mape_percent").asDouble() < 1e-4, j.toPrettyString());
        assertEquals(j.get("matmul_flops_per_s"), JSON.readTree(h200.toJson()).get("matmul_flops_per_s"), "peaks are the base profile's");
        HardwareProfile.load(profile); // reads back as a profile

        CliTest.Run e = run("evaluate", "--measurements", exact.toString(), "--hardware", profile.toString(), "--holdout", "every-2nd", "--format", "json");
        assertEquals(0, e.code(), e.err());
        assertEquals("", e.err(), "same hardware: no warning");
        JsonNode ev = JSON.readTree(e.out());
        assertEquals(27, ev.at("/phases/all/points").asInt());
        for (String phase : new String[] {"prefill", "decode", "all"}) {
            assertTrue(ev.at("/phases/" + phase + "/mape_percent").asDouble() < 1e-4, phase + ": " + e.out());
            assertTrue(ev.at("/phases/" + phase + "/r2").asDouble() > 0.999999, phase + ": " + e.out());
        }
    }

    @Test void evaluateReportsAPlantedFivePercentError() {
        CliTest.Run e = run("evaluate", "--measurements", biased.toString(), "--hardware", "nvidia-h200", "--holdout", "none", "--worst", "3");
        assertTrue(e.code() == 0, e.err());
        // the built-in defaults are not the planted profile: large errors
        assertTrue(e.out().contains("worst 3:"), e.out());

        Path truthFile = dir.resolve("truth.json");
        try {
            Files.writeString(truthFile, truth.toJson());
        } catch (java.io.IOException ex) {
            throw new AssertionError(ex);
        }
        CliTest.Run t = run("evaluate", "--measurements", biased.toString(), "--hardware", truthFile.toString(), "--format", "json");
        assertEquals(0, t.code(), t.err());
        JsonNode j;
        try {
            j = JSON.readTree(t.out());
        } catch (java.io.IOException ex) {
            throw new AssertionError(ex);
        }
        for (String phase : new String[] {"prefill", "decode", "all"}) {
            assertEquals(5.0, j.at("/phases/" + phase + "/mape_percent").asDouble(), 1e-6, phase);
            assertEquals(5.0, j.at("/phases/" + phase + "/max_abs_error_percent").asDouble(), 1e-6, phase);
            assertEquals(5.0, j.at("/phases/" + phase + "/bias_percent").asDouble(), 1e-6, phase);
        }
        assertEquals(54, j.at("/phases/all/points").asInt());
        CliTest.Run text = run("evaluate", "--measurements", biased.toString(), "--hardware", truthFile.toString());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("prefill") && l.contains("5.00%")), text.out());
        CliTest.Run gate = run("evaluate", "--measurements", biased.toString(), "--hardware", truthFile.toString(), "--max-mape", "4");
        assertEquals(1, gate.code(), "MAPE 5% is above --max-mape 4");
        assertTrue(gate.err().contains("above --max-mape"), gate.err());
        assertEquals(0, run("evaluate", "--measurements", biased.toString(), "--hardware", truthFile.toString(), "--max-mape", "5.01").code());
    }

    @Test void withoutOutTheProfileGoesToStdoutAndTheReportToStderr() throws Exception {
        CliTest.Run r = run("calibrate", "--measurements", exact.toString(), "--hardware", "nvidia-h200", "--fix", "vector");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(h200.efficiency().vector(), j.at("/efficiency/vector").asDouble(), 0.0, "fixed at the base value");
        assertEquals("fixed", j.at("/calibration/status/vector").asText());
        assertTrue(r.err().contains("calibrated nvidia-h200 on 54 of 54 measurements"), r.err());
        assertTrue(r.err().contains("fixed at the base profile's value"), r.err());
    }

    @Test void measurementsFromOtherHardwareAreWarnedAbout() {
        CliTest.Run r = run("evaluate", "--measurements", exact.toString(), "--hardware", "nvidia-a100-80gb-sxm", "--worst", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: ") && r.err().contains("taken on nvidia-h200, not on nvidia-a100-80gb-sxm"), r.err());
    }

    @Test void usageAndInputErrors() throws Exception {
        CliTest.Run missing = run("calibrate", "--measurements", dir.resolve("nope.jsonl").toString(), "--hardware", "h200");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        CliTest.Run hw = run("calibrate", "--measurements", exact.toString(), "--hardware", "h900");
        assertEquals(2, hw.code());
        assertTrue(hw.err().contains("unknown hardware 'h900'"), hw.err());

        CliTest.Run holdout = run("evaluate", "--measurements", exact.toString(), "--hardware", "h200", "--holdout", "every-3rd");
        assertEquals(2, holdout.code());
        assertTrue(holdout.err().contains("--holdout holdout 'every-3rd': expected every-2nd or none"), holdout.err());

        CliTest.Run fix = run("calibrate", "--measurements", exact.toString(), "--hardware", "h200", "--fix", "tensor");
        assertEquals(2, fix.code());

        CliTest.Run stat = run("evaluate", "--measurements", exact.toString(), "--hardware", "h200", "--statistic", "mean");
        assertEquals(2, stat.code());
        assertTrue(stat.err().contains("expected median or min"), stat.err());

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, Files.readAllLines(exact).get(0) + "\n{\"model\":\"gpt2\",\"hardware\":\"h\",\"dtype\":\"bf16\",\"phase\":\"decode\",\"batch\":1,\"timings_s\":[1]}\n");
        CliTest.Run b = run("calibrate", "--measurements", bad.toString(), "--hardware", "h200");
        assertEquals(1, b.code());
        assertTrue(b.err().contains("bad.jsonl:2: 'cache_len' is required"), b.err());
        assertTrue(!b.err().contains("Exception"), b.err());

        Path llama = dir.resolve("llama.jsonl");
        Files.writeString(llama, "{\"model\":\"llama\",\"config\":{\"model_type\":\"llama\",\"architectures\":[\"NoSuchForCausalLM\"]},"
                + "\"hardware\":\"nvidia-h200\",\"dtype\":\"bf16\",\"phase\":\"prefill\",\"batch\":1,\"seq_len\":8,\"timings_s\":[0.01]}\n");
        CliTest.Run l = run("evaluate", "--measurements", llama.toString(), "--hardware", "h200");
        assertEquals(1, l.code());
        assertTrue(l.err().contains("llama.jsonl:1: llama: no analysis for transformers.models.llama.modeling_llama.NoSuchForCausalLM"), l.err());
    }

    @Test void helpListsTheCommands() {
        CliTest.Run h = run("--help");
        assertTrue(h.out().contains("calibrate") && h.out().contains("evaluate"), h.out());
        CliTest.Run c = run("calibrate", "--help");
        assertEquals(0, c.code());
        assertTrue(c.out().contains("--holdout") && c.out().contains("--statistic"), c.out());
    }
}
