package io.flopscope.cli;

import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What `analyze` writes is a library: validated together, the documents have no error, and `cost --library` over
 * them gives exactly the totals of `cost --source` on the same tree, prefill and decode (needs transformers 5.18 in
 * .corpus/, skipped otherwise).
 */
class RoundTripTest {
    static final Path SRC = Path.of("../.corpus/transformers-5.18.0/src");
    static final ObjectMapper JSON = new ObjectMapper();

    /** One built-in model of each family (model_type), by its name. */
    static Stream<String> oneModelPerFamily() {
        java.util.Map<String, String> byType = new java.util.TreeMap<>();
        for (String n : io.flopscope.evaluate.BuiltInModels.names()) byType.putIfAbsent(io.flopscope.evaluate.BuiltInModels.find(n).orElseThrow().modelType(), n);
        return byType.values().stream();
    }

    /** Everything `analyze` writes for every built-in family validates with no error (issue 12). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("oneModelPerFamily")
    void everyFamilysDocumentsValidate(String model, @TempDir Path out) throws Exception {
        assumeTrue(Files.isDirectory(SRC), "skipped: " + SRC + " is absent (tools/fetch-corpus.sh)");
        String config = "../core/src/main/resources/io/flopscope/models/" + model + ".json";
        String root = io.flopscope.evaluate.BuiltInModels.find(model).orElseThrow().rootClass().orElseThrow();
        CliTest.Run w = run("analyze", SRC.toString(), "--class", root, "--config", config, "--out", out.toString());
        assertEquals(0, w.code(), w.err());
        CliTest.Run checked = run("validate", out.toString());
        assertEquals(0, checked.code(), checked.out() + checked.err());
        org.junit.jupiter.api.Assertions.assertTrue(checked.out().lines().allMatch(l -> l.contains(" 0 errors")), checked.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"gpt2, transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel", "Llama-3.2-1B, transformers.models.llama.modeling_llama.LlamaForCausalLM",
            "Qwen3-30B-A3B, transformers.models.qwen3_moe.modeling_qwen3_moe.Qwen3MoeForCausalLM"})
    void analyzedDocumentsValidateAndComposeToTheSourceTotals(String model, String root, @TempDir Path out) throws Exception {
        assumeTrue(Files.isDirectory(SRC), "skipped: " + SRC + " is absent (tools/fetch-corpus.sh)");
        String config = model.equals("gpt2") ? null : "../core/src/main/resources/io/flopscope/models/" + model + ".json";
        List<String> a = new ArrayList<>(List.of("analyze", SRC.toString(), "--class", root, "--out", out.toString()));
        if (config != null) a.addAll(List.of("--config", config));
        CliTest.Run w = run(a.toArray(String[]::new));
        assertEquals(0, w.code(), w.err());
        List<String> v = new ArrayList<>(List.of("validate", "--library", out.toString()));
        try (Stream<Path> docs = Files.list(out)) { docs.map(Path::toString).sorted().forEach(v::add); }
        CliTest.Run checked = run(v.toArray(String[]::new));
        assertEquals(0, checked.code(), checked.out() + checked.err());
        for (String[] phase : new String[][] {{"--seq", "32"}, {"--phase", "decode", "--cache", "64"}}) {
            JsonNode lib = JSON.readTree(run("cost", model, "--library", out.toString(), phase[0], phase[1], phase.length > 2 ? phase[2] : "--batch",
                    phase.length > 2 ? phase[3] : "1", "--format", "json").out()).get("totals");
            JsonNode src = JSON.readTree(run("cost", model, "--source", SRC.toString(), phase[0], phase[1], phase.length > 2 ? phase[2] : "--batch",
                    phase.length > 2 ? phase[3] : "1", "--format", "json").out()).get("totals");
            for (String k : new String[] {"matmul_flops", "vector_flops", "bytes_read", "bytes_written"}) assertEquals(src.get(k).asText(), lib.get(k).asText(), model + " " + k);
        }
    }
}
