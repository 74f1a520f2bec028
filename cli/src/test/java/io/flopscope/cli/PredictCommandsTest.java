package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.predict.HardwareProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** hardware, predict, generate and memory, run in-process through Main.run. */
class PredictCommandsTest {
    static CliTest.Run run(String... args) { return CliTest.run(args); }

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(CliTest.Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    static void close(double expected, double actual, String what) { assertEquals(expected, actual, Math.abs(expected) * 1e-12, what); }

    @Test void hardwareListsEveryProfile() throws Exception {
        CliTest.Run r = run("hardware");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(15, lines.size(), "a header and 14 profiles");
        assertTrue(lines.get(0).contains("bf16 TFLOP/s") && lines.get(0).contains("bandwidth") && lines.get(0).contains("memory"));
        String h100 = lines.stream().filter(l -> l.startsWith("nvidia-h100-sxm ")).findFirst().orElseThrow();
        assertTrue(h100.contains("989.4") && h100.contains("3.35 TB/s") && h100.contains("80.0 GiB"), h100);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("nvidia-t4 ") && l.contains(" - ")), "T4 has no bf16 matmul peak");

        JsonNode all = json(run("hardware", "--format", "json"));
        assertEquals(14, all.size());
        for (JsonNode p : all) assertEquals(p.get("id").asText(), HardwareProfile.parse("out", p.toString()).id());

        CliTest.Run one = run("hardware", "a100");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().startsWith("NVIDIA A100 SXM4 80GB (nvidia-a100-80gb-sxm)") && one.out().contains("source"), one.out());
        assertEquals("nvidia-a100-80gb-sxm", json(run("hardware", "a100", "--format", "json")).get("id").asText());
        CliTest.Run bad = run("hardware", "z80");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown hardware 'z80'") && !bad.err().contains("Exception"), bad.err());
    }

    @Test void predictJsonHasTheIssueShapeAndAddsUp() throws Exception {
        JsonNode j = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--format", "json"));
        assertTrue(fields(j).containsAll(List.of("model", "hardware", "scenario", "totals", "kernels")), fields(j).toString());
        assertEquals("gpt2", j.get("model").asText());
        assertEquals("nvidia-h100-sxm", j.get("hardware").asText());
        assertTrue(fields(j.get("totals")).containsAll(List.of("seconds", "flops", "bytes")));
        JsonNode cost = json(run("cost", "gpt2", "--dtype", "bf16", "--format", "json"));
        assertEquals(cost.at("/totals/flops").asLong(), j.at("/totals/flops").asLong());
        assertEquals(cost.at("/totals/bytes_read").asLong() + cost.at("/totals/bytes_written").asLong(), j.at("/totals/bytes").asLong());
        double sum = 0;
        long flops = 0;
        for (JsonNode k : j.get("kernels")) {
            assertTrue(fields(k).containsAll(List.of("module", "line", "seconds", "bound", "intensity")), fields(k).toString());
            assertTrue(Set.of("compute-matmul", "compute-vector", "memory").contains(k.get("bound").asText()));
            assertTrue(k.get("seconds").asDouble() > 0);
            assertTrue(k.get("intensity").isNull() || Math.abs(k.get("intensity").asDouble() - k.get("flops").asDouble() / k.get("bytes").asDouble()) <= 1e-9 * k.get("intensity").asDouble());
            assertTrue(k.get("module").asText().startsWith("GPT2LMHeadModel"));
            assertEquals(k.get("bytes").asLong(), k.get("bytes_read").asLong() + k.get("bytes_written").asLong(), k.toString());
            sum += k.get("seconds").asDouble();
            flops += k.get("flops").asLong();
        }
        close(sum, j.at("/totals/device_seconds").asDouble(), "the device's timeline = Σ kernels");
        // the step: the longer timeline; eager GPT-2 on an H100 waits for the host
        assertTrue(j.at("/totals/host_bound").asBoolean(), j.at("/totals").toString());
        close(Math.max(j.at("/totals/host_seconds").asDouble(), 10e-6 + sum), j.at("/totals/seconds").asDouble(), "step = max(host, first dispatch + device)");
        close(j.at("/totals/launches").asDouble() * 10e-6 + j.at("/totals/module_calls").asDouble() * 20e-6, j.at("/totals/host_seconds").asDouble(), "hf-eager host");
        JsonNode graphs = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--runtime", "cuda-graphs", "--format", "json"));
        assertEquals("cuda-graphs", graphs.at("/totals/runtime").asText());
        assertTrue(!graphs.at("/totals/host_bound").asBoolean() && graphs.at("/totals/seconds").asDouble() < j.at("/totals/seconds").asDouble(), graphs.at("/totals").toString());
        assertEquals(2, run("predict", "gpt2", "--hardware", "h100", "--runtime", "jit").code());
        assertEquals(j.at("/totals/flops").asLong(), flops);
        assertEquals("bf16", j.at("/scenario/matmul_dtype").asText());
        assertEquals(128, j.at("/scenario/seq_len").asInt());
    }

    @Test void predictTextAndCsv() {
        CliTest.Run t = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--depth", "1", "--top", "3");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().startsWith("gpt2 on NVIDIA H100 SXM5 80GB · prefill batch_size=1 seq_len=128"), t.out());
        assertTrue(t.out().contains("slowest 3 of ") && t.out().contains("launches") && t.out().contains("time by bound"), t.out());
        CliTest.Run c = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--phase", "decode", "--cache", "300", "--format", "csv");
        assertEquals(0, c.code(), c.err());
        List<String> rows = c.out().lines().toList();
        assertTrue(rows.get(0).startsWith("module,class,line,title,count,launches,matmul_flops,vector_flops,bytes,seconds,bound,intensity"));
        assertTrue(rows.size() > 20);
        assertTrue(rows.stream().skip(1).allMatch(r -> r.contains(",memory,") || r.contains(",compute-")), "every row names its bound");
    }

    @Test void tensorParallelAddsAllReduces() throws Exception {
        JsonNode one = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--format", "json"));
        JsonNode two = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--tp", "2", "--format", "json"));
        assertEquals(2, two.at("/scenario/tensor_parallel").asInt());
        assertEquals(24, two.at("/communication/all_reduces").asInt(), "two per layer");
        assertEquals(128L * 768 * 2, two.at("/communication/bytes_each").asLong());
        // ring all-reduce over NVLink 4 (900 GB/s both ways, 450 GB/s each way): launch + 2·(1/2)·B / 450e9
        close(5e-6 + 128.0 * 768 * 2 / 450e9, two.at("/communication/seconds_each").asDouble(), "one all-reduce");
        close(Math.max(two.at("/totals/host_seconds").asDouble(), 10e-6 + two.at("/totals/kernel_seconds").asDouble()) + 24 * two.at("/communication/seconds_each").asDouble(),
                two.at("/totals/seconds").asDouble(), "total: the step, then the all-reduces");
        assertTrue(two.at("/totals/kernel_seconds").asDouble() < one.at("/totals/kernel_seconds").asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bf16 on a T4 | 2 | predict gpt2 --hardware t4 --dtype bf16 | states no matmul peak for bf16",
            "unknown device | 2 | predict gpt2 --hardware h1000 | unknown hardware 'h1000'",
            "heads do not split | 2 | predict gpt2 --hardware h100 --tp 5 | 12 attention heads to split evenly",
            "tf32 with bf16 | 2 | predict gpt2 --hardware h100 --dtype bf16 --tf32 | tf32 applies to fp32",
            "missing --hardware | 2 | predict gpt2 | --hardware",
            "bad format | 2 | predict gpt2 --hardware h100 --format yaml | expected text, json or csv",
            "past the positions | 2 | generate gpt2 --hardware h100 --prompt 1000 --new 100 | needs 1099 positions",
            "no new tokens | 2 | generate gpt2 --hardware h100 --prompt 10 --new 0 | --new 0: must be at least 1",
            "max-batch and batch | 2 | generate gpt2 --hardware h100 --prompt 10 --new 10 --batch 2 --max-batch | exclude each other"})
    void usageErrorsAreOneLineWithoutStackTraces(String what, int code, String args, String message) {
        CliTest.Run r = run(args.split(" "));
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test void userProfileFilesWorkAndBadOnesFail(@TempDir Path dir) throws Exception {
        String good = HardwareProfile.builtIn("l4").orElseThrow().toJson().replace("\"nvidia-l4\"", "\"my-l4\"");
        Path f = dir.resolve("mine.json");
        Files.writeString(f, good);
        JsonNode j = json(run("predict", "gpt2", "--hardware", f.toString(), "--dtype", "bf16", "--format", "json"));
        assertEquals("my-l4", j.get("hardware").asText());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, good.replace("\"memory\" : 0.8", "\"memory\" : 8"));
        CliTest.Run r = run("predict", "gpt2", "--hardware", bad.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("bad.json: efficiency.memory must lie in (0, 1]"), r.err());
    }

    @Test void generateJsonAgreesWithPredict() throws Exception {
        JsonNode g = json(run("generate", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--prompt", "64", "--new", "33", "--batch", "4", "--format", "json"));
        assertTrue(fields(g).containsAll(List.of("model", "hardware", "prompt", "new", "batch", "ttft_seconds", "first_decode_seconds",
                "last_decode_seconds", "total_seconds", "tokens_per_second")), fields(g).toString());
        assertEquals(64, g.get("prompt").asInt());
        assertEquals(33, g.get("new").asInt());
        assertEquals(4, g.get("batch").asInt());
        JsonNode prefill = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "4", "--seq", "64", "--format", "json"));
        JsonNode first = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "4", "--phase", "decode", "--cache", "64", "--format", "json"));
        JsonNode last = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "4", "--phase", "decode", "--cache", "95", "--format", "json"));
        close(prefill.at("/totals/seconds").asDouble(), g.get("ttft_seconds").asDouble(), "ttft = prefill of the prompt");
        close(first.at("/totals/seconds").asDouble(), g.get("first_decode_seconds").asDouble(), "first step at cache_len P");
        close(last.at("/totals/seconds").asDouble(), g.get("last_decode_seconds").asDouble(), "last step at cache_len P+G-2");
        close(g.get("ttft_seconds").asDouble() + g.get("decode_seconds").asDouble(), g.get("total_seconds").asDouble(), "total");
        close(4 * 33 / g.get("total_seconds").asDouble(), g.get("tokens_per_second").asDouble(), "tokens per second");
        double d = g.get("decode_seconds").asDouble();
        assertTrue(d >= 32 * g.get("first_decode_seconds").asDouble() && d <= 32 * g.get("last_decode_seconds").asDouble(), "32 steps between first and last");
        assertEquals(124439808L, g.at("/memory/parameters").asLong());

        CliTest.Run text = run("generate", "gpt2", "--hardware", "h100", "--prompt", "128", "--new", "128");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("time to first token") && text.out().contains("tokens per second") && text.out().contains("127 steps"), text.out());
    }

    /** Every model option of `cost` works in predict, generate and memory: --set, and --source with --class. */
    @Test void modelOptionsWorkInEveryCommand() throws Exception {
        // --set: two layers of GPT-2 instead of twelve
        JsonNode full = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--format", "json"));
        JsonNode two = json(run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--set", "n_layer=2", "--format", "json"));
        JsonNode cost2 = json(run("cost", "gpt2", "--dtype", "bf16", "--set", "n_layer=2", "--format", "json"));
        assertEquals(cost2.at("/totals/flops").asLong(), two.at("/totals/flops").asLong());
        assertTrue(two.at("/totals/flops").asLong() < full.at("/totals/flops").asLong());
        JsonNode mem = json(run("memory", "gpt2", "--hardware", "h100", "--prompt", "64", "--new", "8", "--set", "n_layer=2", "--format", "json"));
        assertEquals(50257L * 768 + 1024L * 768 + 2 * (12L * 768 * 768 + 13 * 768) + 2 * 768, mem.get("parameters").asLong(), "two blocks");
        // --source: the plain PyTorch fixture, prefill and decode from one analysis
        String src = "../fixtures/python/minigpt.py";
        JsonNode p = json(run("predict", "--source", src, "--class", "GPT", "--hardware", "h100", "--batch", "3", "--seq", "7", "--format", "json"));
        JsonNode c = json(run("cost", "--source", src, "--class", "GPT", "--batch", "3", "--seq", "7", "--format", "json"));
        assertEquals(c.at("/totals/matmul_flops").asLong(), p.at("/totals/matmul_flops").asLong());
        // minigpt keeps no KV cache: a generation is refused, never predicted from one-token steps without context
        CliTest.Run g = run("generate", "--source", src, "--class", "GPT", "--hardware", "h100", "--batch", "3", "--prompt", "7", "--new", "4");
        assertEquals(2, g.code(), g.out());
        assertTrue(g.err().contains("keeps no KV cache"), g.err());
        // a Hugging Face model from source keeps a DynamicCache: generate runs, its first step the decode predict gives
        java.nio.file.Path tf = java.nio.file.Path.of("../.corpus/transformers-5.18.0/src");
        if (java.nio.file.Files.isDirectory(tf)) {
            JsonNode gen = json(run("generate", "gpt2", "--source", tf.toString(), "--set", "n_layer=2", "--hardware", "h100", "--prompt", "16", "--new", "4", "--format", "json"));
            JsonNode step = json(run("predict", "gpt2", "--source", tf.toString(), "--set", "n_layer=2", "--hardware", "h100", "--phase", "decode", "--cache", "16", "--format", "json"));
            close(step.at("/totals/seconds").asDouble(), gen.get("first_decode_seconds").asDouble(), "the first step from source");
        }
    }

    @Test void memoryMaxBatchIsTheBoundary() throws Exception {
        JsonNode m = json(run("memory", "gpt2", "--hardware", "l4", "--dtype", "bf16", "--prompt", "512", "--new", "512", "--max-batch", "--format", "json"));
        long best = m.get("max_batch").asLong();
        assertTrue(best > 1, m.toString());
        assertEquals(best, m.get("batch").asLong());
        assertTrue(m.get("fits").asBoolean());
        assertEquals(124439808L, m.get("parameters").asLong());
        assertEquals(2L * 12 * 768 * 2, m.get("kv_bytes_per_token").asLong());
        assertEquals(m.get("weights_bytes").asLong() + m.get("kv_cache_bytes").asLong() + m.get("activation_bytes").asLong(), m.get("total_bytes").asLong());
        assertTrue(m.get("total_bytes").asLong() <= m.get("capacity_bytes").asLong());

        CliTest.Run over = run("memory", "gpt2", "--hardware", "l4", "--dtype", "bf16", "--prompt", "512", "--new", "512", "--batch", String.valueOf(best + 1), "--format", "json");
        assertEquals(1, over.code(), "batch max+1 does not fit");
        assertFalse(JSON.readTree(over.out()).get("fits").asBoolean());
        assertTrue(JSON.readTree(over.out()).get("total_bytes").asLong() > m.get("capacity_bytes").asLong());

        JsonNode g = json(run("generate", "gpt2", "--hardware", "l4", "--dtype", "bf16", "--prompt", "512", "--new", "512", "--max-batch", "--format", "json"));
        assertEquals(best, g.get("batch").asLong(), "generate --max-batch uses the same batch");
        CliTest.Run t = run("memory", "gpt2", "--hardware", "l4", "--dtype", "bf16", "--prompt", "512", "--new", "512", "--max-batch");
        assertTrue(t.out().contains("max batch") && t.out().contains(String.valueOf(best)), t.out());
    }
}
