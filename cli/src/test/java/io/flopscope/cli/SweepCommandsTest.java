package io.flopscope.cli;

import static io.flopscope.cli.PredictCommandsTest.JSON;
import static io.flopscope.cli.PredictCommandsTest.json;
import static io.flopscope.cli.PredictCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.cli.CliTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Grids of scenarios for cost and predict: syntax, CSV/JSON/HTML, agreement with single runs, progress. */
class SweepCommandsTest {
    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) n++;
        return n;
    }

    // ---- grid syntax ----------------------------------------------------------------------------------

    @Test void gridValues() {
        assertEquals(List.of(1L, 2L, 4L, 8L), Grid.parse("--batch", "1,2,4,8"));
        assertEquals(List.of(128L, 256L, 512L, 1024L, 2048L, 4096L), Grid.parse("--seq", "128:4096:x2"));
        assertEquals(List.of(128L, 256L, 512L, 1024L, 2048L), Grid.parse("--seq", "128:4000:x2"), "the end is included only when reached");
        assertEquals(List.of(0L, 256L, 512L, 768L, 1024L), Grid.parse("--cache", "0:1024:+256"));
        assertEquals(List.of(0L, 256L, 512L, 768L, 1024L), Grid.parse("--cache", "0:1024:256"));
        assertEquals(List.of(3L, 4L, 5L), Grid.parse("--batch", "3:5"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 8L), Grid.parse("--batch", "1:10:x1.5"), "decimal factors round, repeats dropped");
        assertEquals(List.of(1L, 3L, 9L, 27L), Grid.parse("--batch", "1:30:*3"));
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 3L), Grid.parse("--batch", "1,2,4:16:x2,3, 2"), "order as written, no repeats");
        assertEquals(List.of(7L), Grid.parse("--batch", "7"));
        assertTrue(Grid.isGrid("1,2") && Grid.isGrid("1:4") && !Grid.isGrid("7") && !Grid.isGrid(null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "5:1 | ends (1) before it starts (5)",
            "1:10:x1 | the factor must be above 1",
            "0:10:x2 | must start above 0",
            "1:10:+0 | the step must be at least 1",
            "1,,2 | empty item",
            "abc | 'abc' is not a whole number",
            "1:2:3:4 | a range is A:B",
            "1:10:xq | factor 'q' is not a number",
            "1:100000 | more than 10000 values"})
    void gridErrors(String text, String message) {
        UserError e = assertThrows(UserError.class, () -> Grid.parse("--batch", text));
        assertEquals(ExitCodes.USAGE, e.exitCode);
        assertTrue(e.getMessage().startsWith("--batch ") && e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cost gpt2 --seq 0:128:+64 | --seq 0: must be at least 1",
            "cost gpt2 --batch 1,2 --cache -1,5 | --cache -1: must be 0 or more",
            "cost gpt2 --seq 2048,4096 | no point of the grid fits gpt2's 1024 positions",
            "cost gpt2 --batch 1,2 --format md | --format md is not available for a sweep",
            "cost gpt2 --batch 1:100 --seq 1:101 | the grid has 10100 points",
            "predict gpt2 --hardware h100 --batch x,2 | 'x' is not a whole number",
            "cost gpt2 --batch abc | --batch abc: 'abc' is not a whole number"})
    void sweepUsageErrors(String args, String message) {
        Run r = run(args.trim().split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    // ---- cost ---------------------------------------------------------------------------------------

    @Test void costSweepCsvRowsEqualSingleRuns() throws Exception {
        Run r = run("cost", "gpt2", "--batch", "1,3", "--seq", "64:256:x2", "--cache", "0,100", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "a quick sweep prints no progress");
        List<String> lines = r.out().lines().toList();
        assertEquals("phase,batch_size,seq_len,cache_len,weight_dtype,activation_dtype,kv_dtype,causal,flops,matmul_flops,vector_flops,bytes_read,bytes_written,bytes",
                lines.get(0));
        assertEquals(1 + 2 * 3 * 2, lines.size());
        List<String> expectedOrder = new ArrayList<>();
        for (int b : new int[] {1, 3}) for (int s : new int[] {64, 128, 256}) for (int c : new int[] {0, 100}) expectedOrder.add(b + "," + s + "," + c);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(expectedOrder.get(i - 1), f[1] + "," + f[2] + "," + f[3], "grid order, batch outermost");
            assertEquals(14, f.length);
            JsonNode one = json(run("cost", "gpt2", "--batch", f[1], "--seq", f[2], "--cache", f[3], "--format", "json"));
            assertEquals(one.at("/totals/flops").asText(), f[8], lines.get(i));
            assertEquals(one.at("/totals/matmul_flops").asText(), f[9]);
            assertEquals(one.at("/totals/vector_flops").asText(), f[10]);
            assertEquals(one.at("/totals/bytes_read").asText(), f[11]);
            assertEquals(one.at("/totals/bytes_written").asText(), f[12]);
            assertEquals(one.at("/totals/bytes_read").asLong() + one.at("/totals/bytes_written").asLong(), Long.parseLong(f[13]));
        }
    }

    @Test void costSweepJsonHasScenarioAndTotalsPerPointAndKeepsExactHalves() throws Exception {
        Run r = run("cost", "gpt2", "--dtype", "bf16", "--weight-dtype", "int4", "--phase", "decode", "--batch", "2", "--cache", "0:1000:+250", "--format", "json");
        JsonNode j = json(r);
        assertEquals("gpt2", j.get("model").asText());
        assertTrue(j.get("complete").asBoolean());
        JsonNode pts = j.get("points");
        assertEquals(5, pts.size());
        for (int i = 0; i < 5; i++) {
            JsonNode p = pts.get(i);
            assertEquals("decode", p.at("/scenario/phase").asText());
            assertEquals(1, p.at("/scenario/seq_len").asInt());
            assertEquals(250 * i, p.at("/scenario/cache_len").asInt());
            assertEquals("int4", p.at("/scenario/weight_dtype").asText());
            JsonNode one = json(run("cost", "gpt2", "--dtype", "bf16", "--weight-dtype", "int4", "--phase", "decode", "--batch", "2", "--cache", String.valueOf(250 * i), "--format", "json"));
            assertEquals(one.get("scenario"), p.get("scenario"));
            assertEquals(one.get("totals"), p.get("totals"), "exact totals, int4 halves included");
        }
    }

    @Test void pointsBeyondThePositionsAreSkippedWithAWarning() {
        Run r = run("cost", "gpt2", "--seq", "256:4096:x2", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.out().lines().count(), "header + 256, 512, 1024");
        assertTrue(r.err().contains("warning: skipped 2 of 5 grid points") && r.err().contains("seq_len=2048") && r.err().contains("1024 positions"), r.err());
    }

    @Test void decodeWithASeqGridSweepsTheCacheAndDropsRepeats() throws Exception {
        JsonNode j = json(run("cost", "gpt2", "--phase", "decode", "--seq", "128,256", "--format", "json"));
        assertEquals(2, j.get("points").size());
        assertEquals(256, j.at("/points/1/scenario/cache_len").asInt(), "decode after a prompt of --seq tokens");
        JsonNode k = json(run("cost", "gpt2", "--phase", "decode", "--seq", "128,256", "--cache", "64", "--format", "json"));
        assertEquals(1, k.get("points").size(), "--seq does not change a decode step once --cache is given");
    }

    @Test void singleValuesAreUnchangedAndOneValueGridsAreSweeps() throws Exception {
        Run single = run("cost", "gpt2", "--batch", "2", "--seq", "64", "--format", "json");
        assertTrue(json(single).has("tree"), "a single scenario prints the full report");
        assertEquals(2, run("cost", "gpt2", "--batch", "2,", "--seq", "64").code(), "a trailing comma is an empty item");
        JsonNode grid = json(run("cost", "gpt2", "--batch", "2:2", "--seq", "64", "--format", "json"));
        assertEquals(1, grid.get("points").size(), "a range with one value is a sweep of one point");
        assertEquals(json(single).get("totals"), grid.at("/points/0/totals"));
        Run text = run("cost", "gpt2", "--batch", "1,2", "--seq", "32");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("gpt2 · sweep · prefill · weights=fp32 activations=fp32 kv=fp32 · 2 points"), text.out());
        assertEquals(4, text.out().lines().count());
    }

    // ---- predict --------------------------------------------------------------------------------------

    @Test void predictSweepJsonEqualsSingleRunsAndAddsTokensAndMemory() throws Exception {
        Run r = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "1,4", "--seq", "128,512", "--format", "json");
        JsonNode j = json(r);
        assertEquals("nvidia-h100-sxm", j.get("hardware").asText());
        assertEquals(4, j.get("points").size());
        for (JsonNode p : j.get("points")) {
            long b = p.at("/scenario/batch_size").asLong(), s = p.at("/scenario/seq_len").asLong();
            JsonNode one = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", String.valueOf(b), "--seq", String.valueOf(s), "--format", "json"));
            assertEquals(one.get("scenario"), p.get("scenario"));
            JsonNode tot = p.get("totals").deepCopy();
            double tps = tot.get("tokens_per_second").asDouble();
            ((com.fasterxml.jackson.databind.node.ObjectNode) tot).remove("tokens_per_second");
            assertEquals(one.get("totals"), tot, "the same totals as predict of that one point");
            assertEquals(b * s / one.at("/totals/seconds").asDouble(), tps, 1e-9 * tps);
            // memory of a prefill point = memory of a run with prompt seq_len that generates one token
            JsonNode mem = JSON.readTree(run("memory", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", String.valueOf(b), "--prompt", String.valueOf(s),
                    "--new", "1", "--format", "json").out());
            for (String f : new String[] {"weights_bytes", "kv_cache_bytes", "activation_bytes", "total_bytes", "capacity_bytes", "fits"}) {
                assertEquals(mem.get(f), p.at("/memory/" + f), f);
            }
        }
    }

    @Test void predictSweepCsvIsOneRowPerPointWithSharesAndTokens() {
        Run r = run("predict", "gpt2", "--hardware", "a100", "--phase", "decode", "--batch", "1,8,32", "--cache", "100:800:x2", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        String header = lines.get(0);
        assertEquals("phase,batch_size,seq_len,cache_len,weight_dtype,activation_dtype,kv_dtype,causal,hardware,tensor_parallel,seconds,tokens_per_second,"
                + "flops,matmul_flops,vector_flops,bytes,kernel_seconds,communication_seconds,launches,launch_seconds,share_compute_matmul,share_compute_vector,"
                + "share_memory,share_launch,achieved_flops_per_s,achieved_bytes_per_s,memory_bytes,weights_bytes,kv_cache_bytes,activation_bytes,"
                + "memory_capacity_bytes,memory_fits,runtime,host_seconds,module_calls,host_bound", header);
        assertTrue(header.matches("[a-z_,]+"), "pandas-friendly names");
        assertEquals(1 + 3 * 4, lines.size());
        List<String> cols = List.of(header.split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertEquals(cols.size(), f.length, line);
            double seconds = Double.parseDouble(f[cols.indexOf("seconds")]);
            double shares = Double.parseDouble(f[cols.indexOf("share_compute_matmul")]) + Double.parseDouble(f[cols.indexOf("share_compute_vector")])
                    + Double.parseDouble(f[cols.indexOf("share_memory")]);
            double launchShare = Double.parseDouble(f[cols.indexOf("share_launch")]);
            assertTrue(shares <= 1 + 1e-9 && shares + launchShare >= 1 - 1e-9, "the bounds and the gaps make up the device's timeline");
            assertEquals(Math.max(Double.parseDouble(f[cols.indexOf("host_seconds")]), 10e-6 + Double.parseDouble(f[cols.indexOf("kernel_seconds")])), seconds, 1e-12,
                    "the step: the longer timeline");
            assertEquals(Long.parseLong(f[cols.indexOf("batch_size")]) / seconds, Double.parseDouble(f[cols.indexOf("tokens_per_second")]), 1e-6, "decode: one token per sequence");
            assertEquals("1", f[cols.indexOf("seq_len")]);
            assertEquals("true", f[cols.indexOf("memory_fits")]);
        }
    }

    @Test void htmlForASweepAndForOnePointHasTheCharts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.html");
        Run r = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "1,8", "--seq", "128:512:x2", "--format", "html", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out(), "--out writes the file, not standard output");
        assertTrue(r.err().contains("wrote " + out), r.err());
        String html = Files.readString(out);
        assertEquals(7, count(html, "<svg"), "3 metrics × 2 axes + the roofline");
        Run single = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "8", "--seq", "512", "--format", "html");
        assertEquals(0, single.code(), single.err());
        JsonNode j = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "8", "--seq", "512", "--format", "json"));
        int drawable = 0;
        for (JsonNode k : j.get("kernels")) if (k.get("flops").asDouble() > 0 && k.get("bytes").asDouble() > 0) drawable++;
        assertEquals(drawable, count(single.out(), "<circle class=\"kernel\""), "a roofline point per kernel with FLOPs and bytes");
        Run cost = run("cost", "gpt2", "--batch", "1,2", "--seq", "64,128", "--format", "html");
        assertEquals(0, cost.code(), cost.err());
        assertEquals(3 * 2, count(cost.out(), "class=\"chart line-chart\""), "FLOPs, bytes, intensity against batch and seq");
        assertTrue(cost.out().contains("<details open>") && !cost.out().contains("class=\"chart roofline\""), "a cost tree, no roofline without hardware");
    }

    // ---- progress -------------------------------------------------------------------------------------

    @Test void progressIsSilentForTheFirstSecondThenDrawsAndCleansUp() {
        AtomicLong now = new AtomicLong(0);
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), 10, true, now::get);
        for (int i = 0; i < 4; i++) p.step();
        now.set(900_000_000L);
        p.step();
        assertEquals("", sw.toString(), "nothing in the first second");
        now.set(1_200_000_000L);
        p.step();
        assertTrue(sw.toString().startsWith("\rsweep [##################------------] 6/10 points  60% 1.2 s"), sw.toString());
        now.set(1_250_000_000L);
        p.step();
        assertEquals(1, count(sw.toString(), "\rsweep"), "at most ten redraws a second on a terminal");
        now.set(1_400_000_000L);
        p.step();
        assertEquals(2, count(sw.toString(), "\rsweep"));
        p.step();
        p.step();
        p.finish();
        String s = sw.toString();
        assertTrue(s.contains("10/10 points 100%"), s);
        assertTrue(s.endsWith("\r"), "erased on a terminal");
        assertFalse(s.contains("\n"));

        StringWriter log = new StringWriter();
        Progress q = new Progress(new PrintWriter(log), 3, false, now::get);
        now.addAndGet(2_000_000_000L);
        q.step();
        q.step();
        q.step();
        q.finish();
        assertTrue(log.toString().endsWith("3/3 points 100% 2.0 s\n"), "a final line in a log: " + log);
        StringWriter quick = new StringWriter();
        Progress fast = new Progress(new PrintWriter(quick), 3, true, now::get);
        fast.step();
        fast.finish();
        assertEquals("", quick.toString(), "a quick sweep leaves no trace");
    }

    @Test void sweepsRunInParallelInOrderAndReportTheFirstFailure() {
        List<Integer> in = IntStream.range(0, 500).boxed().toList();
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), in.size(), false, System::nanoTime);
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Integer> out = Sweep.map(in, x -> {
            threads.add(Thread.currentThread().getName());
            long end = System.nanoTime() + 200_000;
            while (System.nanoTime() < end) Thread.onSpinWait();
            return x * x;
        }, p);
        assertEquals(in.stream().map(x -> x * x).toList(), out);
        if (Runtime.getRuntime().availableProcessors() > 1) assertTrue(threads.size() > 1, "points run on several threads: " + threads);
        UserError e = assertThrows(UserError.class, () -> Sweep.map(in, x -> {
            if (x == 7) throw UserError.failed("point 7 failed");
            return x;
        }, new Progress(new PrintWriter(new StringWriter()), in.size(), false, System::nanoTime)));
        assertEquals("point 7 failed", e.getMessage());
    }

    @Test void jsonOnStandardOutputStaysCleanWhateverTheProgress() throws Exception {
        Run r = run("predict", "gpt2", "--hardware", "h100", "--batch", "1:16", "--seq", "16:1024:x2", "--format", "json");
        JsonNode j = json(r);
        assertEquals(16 * 7, j.get("points").size());
        assertFalse(r.out().contains("sweep ["), "the progress bar never goes to standard output");
        for (String line : r.err().split("[\r\n]+")) assertTrue(line.isEmpty() || line.startsWith("sweep [") || line.isBlank(), "stderr: " + r.err());
    }
}
