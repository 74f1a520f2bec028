package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Test void costJsonPrefillAndDecodeMatchFlopCounterMode() throws Exception {
        Run r = run("cost", "gpt2", "--phase", "prefill", "--batch", "1", "--seq", "128", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("gpt2", j.get("model").asText());
        assertEquals(32228179968L, j.at("/totals/matmul_flops").asLong());
        assertEquals(j.at("/totals/flops").asLong(), j.at("/totals/matmul_flops").asLong() + j.at("/totals/vector_flops").asLong());
        assertTrue(j.at("/complete").asBoolean());
        assertEquals("transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel", j.at("/tree/class").asText());

        r = run("cost", "gpt2", "--phase", "decode", "--batch", "1", "--cache", "128", "--format", "json");
        assertEquals(0, r.code(), r.err());
        j = JSON.readTree(r.out());
        assertEquals(251819520L, j.at("/totals/matmul_flops").asLong());
        assertEquals(1, j.at("/scenario/seq_len").asInt());
        assertEquals(128, j.at("/scenario/cache_len").asInt());
    }

    /** --set reaches the evaluation: Mixtral's routing assumption, and an encoder refused a decode step. */
    @Test void setChangesTheRoutingAssumptionAndEncodersHaveNoDecode() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        // one sequence's decode step reaches its top 2 experts by default; --set moe_experts_hit=8 makes every expert read
        Run all = run("cost", "Mixtral-8x7B-v0.1", "--phase", "decode", "--cache", "128", "--format", "json", "--set", "moe_experts_hit=8");
        Run two = run("cost", "Mixtral-8x7B-v0.1", "--phase", "decode", "--cache", "128", "--format", "json");
        assertEquals(0, all.code(), all.err());
        assertEquals(0, two.code(), two.err());
        var a = json.readTree(all.out()).get("totals");
        var b = json.readTree(two.out()).get("totals");
        assertEquals(a.get("matmul_flops").asText(), b.get("matmul_flops").asText());
        assertTrue(new java.math.BigInteger(a.get("bytes_read").asText()).compareTo(new java.math.BigInteger(b.get("bytes_read").asText()).multiply(java.math.BigInteger.valueOf(3))) > 0,
                "six of eight experts idle: " + a.get("bytes_read") + " vs " + b.get("bytes_read"));
        Run bert = run("cost", "bert-base-uncased", "--phase", "decode");
        assertEquals(2, bert.code());
        assertTrue(bert.err().contains("covers prefill only"), bert.err());
        for (String cmd : new String[] {"generate", "memory"}) {
            Run gen = run(cmd, "bert-base-uncased", "--hardware", "h100", "--prompt", "100", "--new", "10");
            assertEquals(2, gen.code(), cmd);
            assertTrue(gen.err().contains("covers prefill only"), cmd + ": " + gen.err());
        }
    }

    @Test void textCsvAndMarkdownFormats() {
        Run t = run("cost", "gpt2", "--depth", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("GPT2LMHeadModel"), t.out());
        assertTrue(t.out().contains("matmul_flops=32228179968"), t.out());
        assertFalse(t.out().contains("GPT2Block"), "depth 1 hides the blocks: " + t.out());
        Run c = run("cost", "gpt2", "--format", "csv");
        assertTrue(c.out().startsWith("path,class,line,repeat,instances,"), c.out());
        assertTrue(c.out().lines().anyMatch(l -> l.contains("GPT2Block") && l.contains(",12,12,")), c.out());
        Run m = run("cost", "distilgpt2", "--format", "md", "--dtype", "bf16");
        assertTrue(m.out().startsWith("# Cost of distilgpt2"), m.out());
    }

    @Test void formulaPrintsClosedForm() {
        Run r = run("formula", "gpt2", "--plain");
        assertEquals(0, r.code(), r.err());
        String matmul = r.out().lines().filter(l -> l.startsWith("matmul_flops")).findFirst().orElseThrow();
        // n_inner stays a config field: 8·b·s·h² (qkv + out) + 4·b·s·h·n_inner (the MLP), attention 4·b·s·(s+c)·h
        assertTrue(matmul.contains("8 * batch_size * config.n_embd ** 2 * config.n_layer * seq_len"), matmul);
        assertTrue(matmul.contains("4 * batch_size * config.n_embd * config.n_inner * config.n_layer * seq_len"), matmul);
        assertTrue(matmul.contains("4 * batch_size * cache_len * config.n_embd * config.n_layer * seq_len"), matmul);
        assertTrue(matmul.contains("4 * batch_size * config.n_embd * config.n_layer * seq_len ** 2"), matmul);
        assertTrue(matmul.contains("2 * batch_size * config.n_embd * config.vocab_size * seq_len"), matmul);
    }

    @Test void validateSeedReportsTheBogusReferenceAtItsLine() throws Exception {
        Path seed = Path.of("../../shared/seed/gpt2model-cost-analysis.md");
        assumeTrue(Files.exists(seed), "skipped: ../shared/seed is not beside this checkout");
        Run r = run("validate", seed.toString(), "--format", "json");
        assertEquals(1, r.code());
        JsonNode doc = JSON.readTree(r.out()).at("/documents/0");
        assertEquals(19, doc.get("kernels").asInt());
        assertEquals("transformers.models.gpt2.modeling_gpt2.GPT2Model", doc.get("class").asText());
        int headMaskLine = 0;
        String[] lines = Files.readString(seed).split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].contains("(head_mask_processing)") && lines[i].contains("FLOPs")) headMaskLine = i + 1;
        boolean found = false;
        for (JsonNode d : doc.get("diagnostics")) {
            if (d.get("line").asInt() == headMaskLine && d.get("severity").asText().equals("error") && d.get("message").asText().contains("head_mask_processing")) found = true;
        }
        assertTrue(found, "no error at line " + headMaskLine + ": " + doc);
        Run text = run("validate", seed.toString());
        assertTrue(text.out().contains("19 kernels"), text.out());
        assertTrue(text.out().lines().allMatch(l -> l.startsWith(seed.toString())), text.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cost gpt2 --seq -5 | 2 | --seq -5: must be at least 1",
            "cost gpt2 --seq 99999999999 | 2 | not a plausible scenario",
            "cost gpt2 --seq 2000 | 2 | exceeds gpt2's 1024 positions",
            "cost gpt2 --phase sideways | 2 | expected prefill or decode",
            "cost no-such-model | 2 | unknown model 'no-such-model'",
            "cost gpt2 --dtype int3 | 2 | expected fp32, bf16",
            "cost gpt2 --format yaml | 2 | expected text, json, csv or md",
            "cost gpt2 --bogus | 2 | Unknown option",
            "frobnicate | 2 | Unmatched argument",
            "cost gpt2 --attn flash | 2 | unknown implementation",
    })
    void badInputGivesOneClearMessageAndNoStackTrace(String args, int code, String message) {
        Run r = run(args.trim().split(" "));
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test void brokenDocumentsAndConfigsExitOne(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.md");
        Files.writeString(bad, "# Computational Cost Analysis: x.Y\n\n## Line-by-Line Computational Analysis\n\n**Line 3: oops**\n- **Kernel Type**: basic\n- **Operation**: add\n- **FLOPs**: 2 * (a\n- **Memory Access**: Read: 0, Write: 0\n");
        Run r = run("validate", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains(bad + ":8:"), r.out());
        assertTrue(r.out().contains("error: formula does not parse: expected ')'"), r.out());

        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_embd\": \"wide\"}");
        r = run("cost", dir.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("config field n_embd is \"wide\": a size must be an integer"), r.err());

        Files.writeString(cfg, "{not json");
        r = run("cost", cfg.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a valid config.json"), r.err());
        assertTrue(r.err().contains("at line 1, column 2"), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());

        // a value the analysis needs and neither the config nor a family default gives: named, exit 1
        Files.writeString(cfg, "{\"n_embd\": 768}");
        r = run("cost", cfg.toString(), "--module", "transformers.models.gpt2.modeling_gpt2.GPT2MLP");
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("flopscope: error: " + cfg + ": no value for config.n_inner (missing from the config and its defaults; set it in config.json)", r.err().strip());

        Files.writeString(cfg, "{\"model_type\": \"mystery\", \"architectures\": [\"MysteryForCausalLM\"]}");
        r = run("cost", cfg.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no analysis for transformers.models.mystery.modeling_mystery.MysteryForCausalLM"), r.err());
    }

    @Test void cycleInALibraryIsReportedNotFollowed(@TempDir Path dir) throws Exception {
        String a = "# Computational Cost Analysis: demo.A\n\n## Parameters\n`()`\n\n## Line-by-Line Computational Analysis\n\n**Line 1: call**\n- **Kernel Type**: composite\n- **Operation**: call\n- **FLOPs**: ${demo.B}()\n- **Memory Access**: ${demo.B}()\n";
        Files.writeString(dir.resolve("a.md"), a);
        Files.writeString(dir.resolve("b.md"), a.replace("demo.A", "demo.TMP").replace("demo.B", "demo.A").replace("demo.TMP", "demo.B"));
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{}");
        Run r = run("cost", cfg.toString(), "--module", "demo.A", "--library", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cycle: demo.A -> demo.B -> demo.A") || r.out().contains("cycle: demo.A -> demo.B -> demo.A"), r.out() + r.err());
        assertTrue(r.out().contains("INCOMPLETE"), r.out());
    }

    @Test void helpAndVersion() {
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("cost") && h.out().contains("validate") && h.out().contains("formula"), h.out());
        Run v = run("--version");
        assertTrue(v.out().startsWith("flopscope "), v.out());
        Run c = run("cost", "--help");
        assertTrue(c.out().contains("--phase"), c.out());
    }
}
