package io.flopscope.cli;

import static io.flopscope.cli.CliTest.JSON;
import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.library.Library;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** flopscope info and flopscope models, in-process; the Hugging Face cache is a temp folder, never the real one. */
class InfoCommandTest {
    @TempDir Path tmp;

    @BeforeEach void fakeCache() {
        ModelLoader.environment = new ModelLoader.Environment(Map.of("HF_HOME", tmp.resolve("hf").toString()), tmp.resolve("home"));
    }

    @AfterEach void realEnvironment() { ModelLoader.environment = ModelLoader.Environment.system(); }

    /** The publisher's count (model cards; exact num_parameters() of the published checkpoints), counted from the analyses. */
    @ParameterizedTest
    @CsvSource({
        "gpt2, 124439808, 12, 768, 50257", "gpt2-medium, 354823168, 24, 1024, 50257", "gpt2-large, 774030080, 36, 1280, 50257",
        "gpt2-xl, 1557611200, 48, 1600, 50257", "distilgpt2, 81912576, 6, 768, 50257",
        "openai-community/gpt2, 124439808, 12, 768, 50257", "distilbert/distilgpt2, 81912576, 6, 768, 50257",
    })
    void gpt2FamilyEqualsThePublishedCounts(String model, long published, long layers, long h, long vocab) throws Exception {
        CliTest.Run r = run("info", model, "--format", "json", "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(published, j.get("parameters").asLong());
        assertEquals(published, j.get("published_parameters").asLong(), "the published_parameters field of the built-in config");
        assertEquals(2 * published, j.get("weight_bytes").asLong(), "bf16");
        assertEquals(2 * layers * h * 2, j.get("kv_cache_bytes_per_token").asLong(), "K and V × layers × heads × head width × 2 bytes");
        assertEquals(layers, j.get("layers").asLong());
        assertEquals(h / 64, j.get("heads").asLong());
        assertEquals(h / 64, j.get("kv_heads").asLong());
        assertEquals(64, j.get("head_dim").asLong());
        assertEquals(vocab, j.get("vocab_size").asLong());
        // the top-level modules add up to the total; the tied wte shows 0 and the lm_head carries the table
        long top = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = j.get("parameters_by_module").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().contains(" / ")) top += e.getValue().asLong();
        }
        assertEquals(published, top);
        assertEquals(vocab * h, j.at("/parameters_by_module/Linear (lm_head logits)").asLong());
        assertEquals(1, j.get("tied_embeddings").size());
        assertTrue(j.get("tied_embeddings").get(0).asText().endsWith("Embedding (token embeddings (wte))"), j.get("tied_embeddings").toString());
        assertEquals(0, j.get("parameters_by_module").get(j.get("tied_embeddings").get(0).asText()).asLong());
        assertEquals(layers * (12 * h * h + 13 * h), j.get("parameters_by_module").get("GPT2Model (transformer trunk) / GPT2Block (transformer blocks)").asLong());
    }

    @Test void jsonShape() throws Exception {
        CliTest.Run r = run("info", "gpt2", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        for (String k : new String[] {"model", "parameters", "parameters_by_module", "weight_bytes", "kv_cache_bytes_per_token"}) {
            assertTrue(j.has(k), "missing " + k + ": " + r.out());
        }
        assertEquals("gpt2", j.get("model").asText());
        assertTrue(j.get("parameters").isIntegralNumber());
        assertTrue(j.get("parameters_by_module").isObject() && j.get("parameters_by_module").size() > 5);
        j.get("parameters_by_module").forEach(v -> assertTrue(v.isIntegralNumber(), v.toString()));
        assertTrue(j.get("weight_bytes").isIntegralNumber());
        assertTrue(j.get("kv_cache_bytes_per_token").isIntegralNumber());
        assertEquals(4L * 124439808, j.get("weight_bytes").asLong(), "fp32 when the config names no torch_dtype");
        assertEquals("fp32", j.get("weight_dtype").asText());
        assertEquals("transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel", j.get("class").asText());
        assertEquals("openai-community/gpt2", j.get("hub_id").asText());
        assertTrue(j.get("complete").asBoolean());
        assertEquals(0, j.get("unanalysed").size());
        // int4 weights: half a byte each, the KV cache stays at --dtype
        JsonNode q = JSON.readTree(run("info", "gpt2", "--format", "json", "--dtype", "fp16", "--weight-dtype", "int4").out());
        assertEquals(124439808L / 2, q.get("weight_bytes").asLong());
        assertEquals(2L * 12 * 768 * 2, q.get("kv_cache_bytes_per_token").asLong());
        // --depth 1: only the top-level modules
        JsonNode d = JSON.readTree(run("info", "gpt2", "--format", "json", "--depth", "1").out());
        assertEquals(Set.of("GPT2Model (transformer trunk)", "Linear (lm_head logits)"), names(d.get("parameters_by_module")));
    }

    @Test void text() {
        CliTest.Run r = run("info", "gpt2-medium");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("gpt2-medium · transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel"), out);
        assertTrue(out.contains("parameters             354,823,168  (published: 354,823,168, equal)"), out);
        assertTrue(out.contains("24 layers · hidden 1024 · 16 heads · 16 KV heads · head dim 64 · vocab 50257"), out);
        assertTrue(out.contains("KV cache per token     196.6 kB (196,608 bytes at fp32"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("GPT2Block (transformer blocks)") && l.contains("×24") && l.contains("12,596,224")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("Embedding (token embeddings (wte)) *")), out);
        assertTrue(out.contains("* tied to the output projection"), out);
    }

    @Test void aConfigFromTheCacheIsCountedFromTheAnalyses() throws Exception {
        Path hub = tmp.resolve("hf").resolve("hub");
        ModelLoaderTest.cache(hub, "openai-community/gpt2", "abc", ModelLoaderTest.configWithLayers("gpt2", "n_layer", 2));
        CliTest.Run r = run("info", "openai-community/gpt2", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(50257L * 768 + 1024 * 768 + 2 * 7087872 + 1536, j.get("parameters").asLong(), "two blocks");
        assertTrue(j.get("published_parameters").isNull(), "a downloaded config carries no published count");
        assertTrue(j.get("config").asText().contains("models--openai-community--gpt2"), j.get("config").asText());
        // the short name is still the built-in config
        assertEquals(124439808L, JSON.readTree(run("info", "gpt2", "--format", "json").out()).get("parameters").asLong());
    }

    @Test void aModelWithoutAnAnalysisSaysSo() throws Exception {
        // a family the built-in library does not cover
        Path cfg = tmp.resolve("falcon.json");
        java.nio.file.Files.writeString(cfg, "{\"model_type\": \"falcon\", \"architectures\": [\"FalconForCausalLM\"], \"hidden_size\": 64,"
                + " \"num_attention_heads\": 4, \"num_hidden_layers\": 2, \"vocab_size\": 100}");
        String root = "transformers.models.falcon.modeling_falcon.FalconForCausalLM";
        assertTrue(Library.builtIn().find(root).isEmpty());
        CliTest.Run r = run("info", cfg.toString());
        assertEquals(1, r.code(), r.out());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no analysis for " + root), r.err());
        assertTrue(r.err().contains("--source DIR"), r.err());
    }

    @Test void everyBuiltInModelIsCountedWithoutSource() throws Exception {
        for (ModelConfig c : io.flopscope.evaluate.BuiltInModels.all()) {
            CliTest.Run r = run("info", c.name(), "--format", "json");
            assertEquals(0, r.code(), c.name() + ": " + r.err());
            JsonNode j = JSON.readTree(r.out());
            var exact = io.flopscope.evaluate.BuiltInModels.publishedParameters(c);
            if (exact.isPresent()) {
                assertEquals(exact.get(), j.get("parameters").asLong(), c.name());
                assertEquals(j.get("parameters").asLong(), j.get("published_parameters").asLong(), c.name());
            } else {
                String approx = j.get("published_parameters_approx").asText();
                assertTrue(io.flopscope.evaluate.BuiltInModels.roundsTo(j.get("parameters").bigIntegerValue(), approx), c.name() + ": " + j.get("parameters") + " vs " + approx);
            }
            // and its cost, from the built-in library alone
            CliTest.Run cost = run("cost", c.name(), "--format", "json");
            assertEquals(0, cost.code(), c.name() + ": " + cost.err());
            assertEquals("", cost.err(), c.name());
            assertTrue(JSON.readTree(cost.out()).get("complete").asBoolean(), c.name());
        }
    }

    @Test void usageErrors() {
        assertEquals(2, run("info", "gpt2", "--format", "csv").code());
        assertEquals(2, run("info").code());
        assertEquals(2, run("info", "gpt2", "--dtype", "int4").code());
        assertEquals(2, run("info", "gpt2", "--weight-dtype", "int3").code());
        CliTest.Run r = run("info", "acme/nothing");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Hugging Face cache " + tmp.resolve("hf").resolve("hub")), r.err());
    }

    /**
     * --source: the analyzer reads the model from a transformers tree. Llama 3.2 (GQA, tied head), Llama 2 (untied)
     * and Gemma (one KV head, head_dim 256 ≠ hidden / heads, tied head) give their publishers' exact counts.
     */
    @ParameterizedTest
    @CsvSource({"Llama-3.2-1B, 1235814400, 16, 8, 64, 1", "Llama-2-7b-hf, 6738415616, 32, 32, 128, 0", "gemma-2b, 2506172416, 18, 1, 256, 1"})
    void fromSource(String model, long published, long layers, long kvHeads, long headDim, int tied) throws Exception {
        Path src = Path.of("..", ".corpus", "transformers-4.52.0.dev0-f834d368f6", "src");
        assumeTrue(Files.isDirectory(src.resolve("transformers/models/llama")), "needs the transformers 4.52 tree in .corpus/");
        CliTest.Run r = run("info", model, "--source", src.toString(), "--format", "json");
        assumeTrue(r.code() == 0, () -> "the source analyzer does not handle " + model + " here: " + r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(published, j.get("parameters").asLong(), "the publisher's count");
        assertEquals(j.get("published_parameters").asLong(), j.get("parameters").asLong());
        assertEquals(kvHeads, j.get("kv_heads").asLong());
        assertEquals(headDim, j.get("head_dim").asLong());
        assertEquals(2 * layers * kvHeads * headDim * 2, j.get("kv_cache_bytes_per_token").asLong(), "16-bit torch_dtype");
        assertEquals(2 * published, j.get("weight_bytes").asLong());
        assertEquals(tied, j.get("tied_embeddings").size());
        long vocab = j.get("vocab_size").asLong(), hidden = j.get("hidden_size").asLong();
        assertEquals(vocab * hidden, j.at("/parameters_by_module/Linear (lm_head)").asLong());
        assertTrue(j.get("config").asText().endsWith("analysed from " + src), j.get("config").asText());
    }

    @Test void aModuleIsNotComparedWithThePublishedCount() throws Exception {
        JsonNode j = JSON.readTree(run("info", "gpt2", "--module", "transformers.models.gpt2.modeling_gpt2.GPT2Model", "--format", "json").out());
        assertEquals(124439808L, j.get("parameters").asLong(), "the trunk holds the wte table the tied lm_head reads");
        assertTrue(j.get("published_parameters").isNull());
        assertEquals(0, j.get("tied_embeddings").size(), "no output projection inside the trunk");
        assertEquals(50257L * 768, j.at("/parameters_by_module/Embedding (token embeddings (wte))").asLong());
        assertTrue(j.get("kv_cache").asBoolean());

        // a module that never touches the cache keeps none, whatever the config's sizes
        JsonNode mlp = JSON.readTree(run("info", "gpt2", "--module", "transformers.models.gpt2.modeling_gpt2.GPT2MLP", "--format", "json").out());
        assertEquals(8L * 768 * 768 + 5 * 768, mlp.get("parameters").asLong(), "c_fc 768×3072 + 3072, c_proj 3072×768 + 768");
        assertEquals(0, mlp.get("kv_cache_bytes_per_token").asLong());
        assertFalse(mlp.get("kv_cache").asBoolean());
        assertTrue(run("info", "gpt2", "--module", "transformers.models.gpt2.modeling_gpt2.GPT2MLP").out()
                .contains("KV cache per token     0 B (no cost of the analyses depends on a KV cache)"));
    }

    @Test void modelsListsEveryBuiltInModel() throws Exception {
        CliTest.Run t = run("models");
        assertEquals(0, t.code(), t.err());
        for (String n : BuiltInModels.names()) assertTrue(t.out().lines().anyMatch(l -> l.startsWith(n + " ")), n + " in\n" + t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith("Llama-2-7b-hf ") && l.contains("meta-llama/Llama-2-7b-hf")
                && l.contains("LlamaForCausalLM") && l.contains("6,738,415,616")), t.out());

        CliTest.Run r = run("models", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode list = JSON.readTree(r.out());
        assertEquals(BuiltInModels.names().size(), list.size());
        Library lib = Library.builtIn();
        for (JsonNode m : list) {
            ModelConfig c = BuiltInModels.find(m.get("name").asText()).orElseThrow();
            assertEquals(BuiltInModels.hubId(c), m.get("hub_id").asText());
            assertEquals(c.raw().path("architectures").get(0).asText(), m.get("architecture").asText());
            assertEquals(c.rootClass().orElseThrow(), m.get("class").asText());
            if (BuiltInModels.publishedParameters(c).isPresent()) assertEquals(BuiltInModels.publishedParameters(c).get().longValue(), m.get("published_parameters").asLong());
            else assertEquals(BuiltInModels.publishedParametersApprox(c).orElseThrow(), m.get("published_parameters_approx").asText(), "a rounded figure at least");
            assertFalse(m.get("published_parameters_source").asText().isBlank());
            assertEquals(lib.find(c.rootClass().orElseThrow()).isPresent(), m.get("analysis").asBoolean(), m.toString());
        }
        assertTrue(list.get(0).get("analysis").asBoolean(), "gpt2 is analysed");
        assertEquals(2, run("models", "--format", "xml").code());
    }

    private static Set<String> names(JsonNode o) {
        Set<String> s = new TreeSet<>();
        o.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
