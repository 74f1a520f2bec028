package io.flopscope.cli;

import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bad inputs of issue 13, one by one (docs/bad-inputs.md lists them with what each gets): each ends with exit 1 or
 * 2 and one clear line naming the input, or with the exact right number; never a stack trace.
 */
class BadInputsTest {
    static void refused(CliTest.Run r, int code, String message) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception") || r.err().contains("internal error"), r.err());
    }

    @ParameterizedTest(name = "--set {0}")
    @CsvSource(delimiter = '|', value = {
            "n_layr=2      | 2 | --set n_layr: no field of gpt2's config and no analysis reads it (did you mean n_layer?)",
            "n_layer=abc   | 2 | --set n_layer=abc: n_layer is a size: give a whole number",
            "n_layer=2.5   | 1 | --set n_layer is 2.5: a size must be an integer",
            "n_layer=-3    | 1 | --set n_layer is -3: a size must be positive",
            "n_layer=0     | 1 | --set n_layer is 0: a size must be positive",
            "n_head=true   | 2 | --set n_head=true: n_head is a size: give a whole number",
            "moe_experts_hit=2 | 2 | --set moe_experts_hit: no field of gpt2's config",
            "n_embd=99999999999999999999 | 2 | is too large for a size"})
    void setKeysAndValuesAreChecked(String set, int code, String message) {
        refused(run("cost", "gpt2", "--set", set), code, message);
        refused(run("predict", "gpt2", "--hardware", "h100", "--set", set), code, message);
    }

    @Test void calibrateAndEvaluateCheckTheMeasuredConfigsToo() {
        String m = "../core/src/test/resources/io/flopscope/calibrate/h200-gpt2-run1.jsonl";
        refused(run("calibrate", "--hardware", "h200", "--measurements", m, "--set", "n_layer=-1"), 1, "gpt2: --set n_layer is -1: a size must be positive");
        refused(run("evaluate", "--hardware", "h200", "--measurements", m, "--set", "n_layr=2"), 2, "--set n_layr: no field of gpt2's config and no analysis reads it (did you mean n_layer?)");
    }

    @Test void optionsThatSteerASourceAnalysisAreRefusedWithoutOne() {
        for (String[] o : new String[][] {{"--experts", "none"}, {"--input", "x=abc"}, {"--setup", "f()"}, {"--class", "X"}, {"--config-class", "C"}}) {
            refused(run("cost", "gpt2", o[0], o[1]), 2, o[0] + " steers an analysis of the model's source: give --source SOURCE");
            refused(run("predict", "gpt2", "--hardware", "h100", o[0], o[1]), 2, o[0] + " steers an analysis of the model's source");
            refused(run("info", "gpt2", o[0], o[1]), 2, o[0] + " steers an analysis of the model's source");
        }
    }

    @Test void aSetKeyASourceModelDoesNotHaveIsRefused() {
        String fixture = "../fixtures/python/containers_and_slices.py";
        refused(run("cost", "--source", fixture, "--class", "Model", "--set", "n_layrs=2"), 2,
                "--set n_layrs: no field of containers_and_slices.py:Model's config and no analysis reads it (did you mean n_layers?)");
        CliTest.Run ok = run("cost", "--source", fixture, "--class", "Model", "--set", "n_layers=2", "--seq", "8", "--format", "json");
        assertEquals(0, ok.code(), ok.err());
        // 120,832 at 3 layers (the fixture's EXPECT line) less one layer of 2*8*32*32
        assertTrue(ok.out().contains("\"matmul_flops\" : 104448"), ok.out());
    }

    @Test void aSetKeyTheModelHasIsApplied() {
        String two = run("cost", "gpt2", "--set", "n_layer=2", "--format", "csv").out();
        assertEquals(two, run("cost", "gpt2", "--config", write("{\"n_layer\": 2}"), "--format", "csv").out(), "--config's values apply to a built-in model too");
        assertTrue(!two.equals(run("cost", "gpt2", "--format", "csv").out()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_embd\": 770}                         | the hidden width 770 is not a multiple of the 12 attention heads",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_layer\": -2}                         | config field n_layer is -2: a size must be positive",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"vocab_size\": 0}                       | config field vocab_size is 0: a size must be positive",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_layer\": 2.5}                        | config field n_layer is 2.5: a size must be an integer",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_layer\": true}                       | config field n_layer is true: a size must be an integer",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_embd\": \"wide\"}                    | config field n_embd is \"wide\": a size must be an integer",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"n_head\": {\"a\": 1}}                  | config field n_head is {\"a\":1}: a size must be an integer",
            "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], \"torch_dtype\": \"float64\"}           | config field torch_dtype is \"float64\": not a dtype FlopScope knows",
            "{\"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"], \"num_key_value_heads\": 5}           | the 32 attention heads are not a multiple of the 5 key/value heads",
            "{\"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"], \"num_key_value_heads\": 0}           | config field num_key_value_heads is 0: a size must be positive"})
    void impossibleConfigsAreRefusedByEveryCommand(String json, String message) {
        String cfg = write(json);
        refused(run("cost", cfg), 1, message);
        refused(run("predict", cfg, "--hardware", "h100"), 1, message);
        refused(run("info", cfg), 1, message);
        refused(run("memory", cfg, "--hardware", "h100", "--prompt", "8", "--new", "8"), 1, message);
        refused(run("generate", cfg, "--hardware", "h100", "--prompt", "8", "--new", "8"), 1, message);
    }

    @Test void aConfigWithoutARootSaysWhatIsMissing() {
        refused(run("cost", write("{\"architectures\": [\"FooForCausalLM\"]}")), 1, "architectures[0] is FooForCausalLM but the config has no model_type");
        refused(run("cost", write("{\"model_type\": \"gpt2\"}")), 1, "model_type is gpt2 but the config has no architectures[0]");
        refused(run("cost", write("{}")), 1, "no architectures[0] or model_type to pick the root module; pass --module CLASS");
    }

    @Test void everyBuiltInModelPassesTheChecks() {
        for (String m : io.flopscope.evaluate.BuiltInModels.names()) {
            assertEquals(List.of(), io.flopscope.evaluate.ConfigValidation.problems(io.flopscope.evaluate.BuiltInModels.find(m).orElseThrow()), m);
        }
    }

    @Test void brokenLibraryDocumentsMakeTheResultIncomplete(@TempDir Path dir) throws Exception {
        String mlp = run("show", "transformers.models.gpt2.modeling_gpt2.GPT2MLP").out();
        assertTrue(mlp.contains("- **FLOPs**: ${transformers.activations.NewGELUActivation}(elements=inner_elems)"), mlp);
        // a formula that does not parse: the override is not dropped to the built-in, nor counted as 0
        Path a = Files.createDirectory(dir.resolve("a"));
        Files.writeString(a.resolve("mlp.md"), mlp.replace("(elements=inner_elems)", "(elements=inner_elems) + (3 *"));
        CliTest.Run r = run("cost", "gpt2", "--library", a.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(a.resolve("mlp.md") + ":") && r.err().contains("formula does not parse"), r.err());
        assertTrue(r.out().contains("INCOMPLETE") && r.out().contains("GPT2MLP"), r.out());
        // a kernel type nobody knows
        Files.writeString(a.resolve("mlp.md"), mlp.replace("- **Kernel Type**: composite", "- **Kernel Type**: banana"));
        r = run("cost", "gpt2", "--library", a.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("kernel type must be 'basic' or 'composite', found 'banana'"), r.err());
        // a JSON document that is not JSON: what it would override is unknown, so nothing is counted
        Path b = Files.createDirectory(dir.resolve("b"));
        Files.writeString(b.resolve("GPT2MLP.json"), "{\"format\": \"flopscope-analysis/1\", \"kernels\": [");
        refused(run("cost", "gpt2", "--library", b.toString()), 1, "GPT2MLP.json: error: not JSON: Unexpected end-of-input");
        refused(run("cost", "gpt2", "--library", b.toString()), 1, "at line 1, column");
        // notes and other JSON in the folder are not documents
        Path c = Files.createDirectory(dir.resolve("c"));
        Files.writeString(c.resolve("README.md"), "# Notes\nmy overrides\n");
        Files.writeString(c.resolve("config.json"), "{\"n_layer\": 2}");
        assertEquals(0, run("cost", "gpt2", "--library", c.toString()).code());
        // a misspelled title is not a note: the document is read, and its error stops the command
        Files.writeString(c.resolve("mlp.md"), mlp.replace("# Computational Cost Analysis:", "# Computational Cost Analysys:"));
        refused(run("cost", "gpt2", "--library", c.toString()), 1, "mlp.md:1: error: title must read");
    }

    @Test void deepNestingIsAClearErrorNotAStackOverflow(@TempDir Path dir) throws Exception {
        String head = "# Computational Cost Analysis: %s\n\n## Line-by-Line Computational Analysis\n\n**Line 1: k**\n- **Kernel Type**: %s\n- **Operation**: x\n"
                + "- **FLOPs**: %s\n- **Memory Access**: %s\n";
        Path deep = Files.createDirectory(dir.resolve("deep"));
        String parens = "(".repeat(1000) + "seq_len" + ")".repeat(1000);
        Files.writeString(deep.resolve("a.md"), String.format(head, "x.Deep", "basic", parens, "Read: 0, Write: 0"));
        CliTest.Run r = run("validate", deep.resolve("a.md").toString());
        refused(r, 1, "");
        assertTrue(r.out().contains("the formula nests deeper than 200 levels"), r.out());
        // 2,000 documents, each referring to the next
        Path chain = Files.createDirectory(dir.resolve("chain"));
        for (int i = 0; i < 2000; i++) {
            String ref = i == 1999 ? "1" : "${x.M" + (i + 1) + "}()";
            Files.writeString(chain.resolve("m" + i + ".md"), String.format(head, "x.M" + i, i == 1999 ? "basic" : "composite", ref, i == 1999 ? "Read: 0, Write: 0" : ref));
        }
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"architectures\": [\"M0\"]}");
        r = run("cost", cfg.toString(), "--library", chain.toString(), "--module", "x.M0");
        refused(r, 1, "module references nest deeper than 256 levels");
    }

    @Test void operatingSystemMessagesAreTheOperatingSystems(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("model.json");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3, 0x28});
        refused(run("cost", bin.toString()), 1, "not UTF-8 text");
        refused(run("cost", "gpt2", "--config", bin.toString()), 1, "not UTF-8 text");
        refused(run("cost", "gpt2", "--format", "csv", "--out", dir.resolve("no/such/dir/x.csv").toString()), 1, "no such file or directory");
        Path docs = Files.createDirectory(dir.resolve("docs"));
        Files.writeString(docs.resolve("a.md"), run("show", "torch.nn.Linear").out());
        CliTest.Run v = run("validate", docs.toString());
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("a.md: torch.nn.modules.linear.Linear"), v.out());
    }

    @Test void theBareCommandNamesEveryCommand() {
        CliTest.Run r = run();
        assertEquals(2, r.code());
        for (String c : List.of("cost", "formula", "validate", "analyze", "models", "info", "hardware", "predict", "generate", "memory", "calibrate", "evaluate", "diff", "show")) {
            assertTrue(r.err().lines().findFirst().orElse("").contains(c), c + " missing from: " + r.err());
        }
    }

    @Test void dtypesAreTheSameForEveryCommand() {
        for (List<String> c : List.of(List.of("cost", "gpt2"), List.of("predict", "gpt2", "--hardware", "h100"), List.of("generate", "gpt2", "--hardware", "h100", "--prompt", "8", "--new", "8"))) {
            List<String> a = new ArrayList<>(c);
            a.addAll(List.of("--dtype", "fp8"));
            refused(run(a.toArray(String[]::new)), 2, "--dtype fp8: activations must be fp32, bf16 or fp16; use --weight-dtype for quantised weights");
        }
    }

    @Test void memoryStatesTheCardsCapacityAsHardwareDoes() {
        String out = run("memory", "gpt2", "--hardware", "h100", "--prompt", "8", "--new", "8").out();
        assertTrue(out.contains("of 80.0 GiB = 85.90 GB"), out);
        assertTrue(run("hardware", "h100").out().contains("80.0 GiB"));
    }

    /** Qwen3 from transformers 4.57's source: its RMSNorm is called at two shapes, each charged its own (the issue saw 172 GFLOP and 384 GB). */
    @Test void qwen3FromOlderSourceAgreesWithTheBuiltInLibrary() throws Exception {
        Path src = Path.of("../.corpus/transformers-4.57.6/src");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (tools/fetch-corpus.sh)");
        var built = CliTest.JSON.readTree(run("cost", "Qwen3-8B", "--seq", "128", "--format", "json").out()).get("totals");
        CliTest.Run r = run("cost", "Qwen3-8B", "--source", src.toString(), "--seq", "128", "--format", "json");
        assertEquals(0, r.code(), r.err());
        var fromSource = CliTest.JSON.readTree(r.out()).get("totals");
        assertEquals(built.get("matmul_flops").asLong(), fromSource.get("matmul_flops").asLong());
        for (String k : List.of("vector_flops", "bytes_read", "bytes_written")) {
            double a = built.get(k).asDouble(), b = fromSource.get(k).asDouble();
            assertTrue(Math.abs(a - b) <= 0.01 * a, k + ": built-in " + a + ", from 4.57 source " + b);
        }
        assertTrue(fromSource.get("vector_flops").asLong() < 1_000_000_000L, fromSource.toString());
    }

    static String write(String json) {
        try {
            Path p = Files.createTempFile("config", ".json");
            p.toFile().deleteOnExit();
            Files.writeString(p, json, StandardCharsets.UTF_8);
            return p.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
