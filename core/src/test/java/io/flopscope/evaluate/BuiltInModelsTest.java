package io.flopscope.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.formula.Rational;
import io.flopscope.predict.ModelDims;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in configs: each parses, names its architecture and source, and holds the parameter count its publisher states. */
class BuiltInModelsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The list the acceptance holds: every built-in model with the exact count its publisher states (sources in each file). */
    static final String[][] PUBLISHED = {
        {"gpt2", "openai-community/gpt2", "124439808"},
        {"gpt2-medium", "openai-community/gpt2-medium", "354823168"},
        {"gpt2-large", "openai-community/gpt2-large", "774030080"},
        {"gpt2-xl", "openai-community/gpt2-xl", "1557611200"},
        {"distilgpt2", "distilbert/distilgpt2", "81912576"},
        {"opt-125m", "facebook/opt-125m", "125239296"},
        {"opt-1.3b", "facebook/opt-1.3b", "1315758080"},
        {"opt-6.7b", "facebook/opt-6.7b", "6658473984"},
        {"Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf", "6738415616"},
        {"Llama-2-13b-hf", "meta-llama/Llama-2-13b-hf", "13015864320"},
        {"Llama-2-70b-hf", "meta-llama/Llama-2-70b-hf", "68976648192"},
        {"Meta-Llama-3-8B", "meta-llama/Meta-Llama-3-8B", "8030261248"},
        {"Meta-Llama-3-70B", "meta-llama/Meta-Llama-3-70B", "70553706496"},
        {"Llama-3.2-1B", "meta-llama/Llama-3.2-1B", "1235814400"},
        {"Llama-3.1-8B", "meta-llama/Llama-3.1-8B", "8030261248"},
        {"Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct", "70553706496"},
        {"Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1", "7241732096"},
        {"Mixtral-8x7B-v0.1", "mistralai/Mixtral-8x7B-v0.1", "46702792704"},
        {"Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B", "494032768"},
        {"Qwen2.5-7B", "Qwen/Qwen2.5-7B", "7615616512"},
        {"Qwen3-8B", "Qwen/Qwen3-8B", "8190735360"},
        {"Qwen3-30B-A3B", "Qwen/Qwen3-30B-A3B", "30532122624"},
        {"Phi-3-mini-4k-instruct", "microsoft/Phi-3-mini-4k-instruct", "3821079552"},
        {"phi-4", "microsoft/phi-4", "14659507200"},
        {"gemma-2b", "google/gemma-2b", "2506172416"},
        {"gemma-7b", "google/gemma-7b", "8537680896"},
        {"gemma-2-9b", "google/gemma-2-9b", "9241705984"},
        {"gemma-3-1b-pt", "google/gemma-3-1b-pt", "999885952"},
        {"DeepSeek-V3", "deepseek-ai/DeepSeek-V3", "671B"},
        {"bert-base-uncased", "google-bert/bert-base-uncased", "109514298"},
        {"bert-large-uncased", "google-bert/bert-large-uncased", "335174458"},
    };

    @Test void theIndexListsExactlyTheModelsTheAcceptanceNames() {
        List<String> expected = new ArrayList<>();
        for (String[] p : PUBLISHED) expected.add(p[0]);
        assertEquals(expected, BuiltInModels.names());
    }

    @Test void everyConfigParsesNamesItsArchitectureSourceAndPublishedCount() {
        for (String[] p : PUBLISHED) {
            ModelConfig c = BuiltInModels.find(p[0]).orElseThrow(() -> new AssertionError(p[0]));
            JsonNode meta = c.raw().path("_flopscope");
            assertEquals(p[0], meta.path("name").asText(), p[0]);
            assertEquals(p[1], BuiltInModels.hubId(c), p[0]);
            assertTrue(meta.path("source").asText().contains(p[1]), p[0] + ": the source names the hub repository");
            String pubSource = BuiltInModels.publishedParametersSource(c);
            assertFalse(pubSource.isBlank(), p[0] + ": the published count names its source");
            if (p[2].matches("\\d+")) {
                assertEquals(Long.parseLong(p[2]), BuiltInModels.publishedParameters(c).orElseThrow(), p[0]);
                assertTrue(pubSource.replace(",", "").contains(p[2]), p[0] + ": the source quotes the count: " + pubSource);
            } else {
                // only a rounded figure is published (DeepSeek-V3): no exact count, the figure and where it is stated
                assertTrue(BuiltInModels.publishedParameters(c).isEmpty(), p[0]);
                assertEquals(p[2], BuiltInModels.publishedParametersApprox(c).orElseThrow(), p[0]);
                assertTrue(pubSource.contains(p[2]), p[0] + ": the source quotes the figure: " + pubSource);
            }
            JsonNode arch = c.raw().path("architectures");
            assertTrue(arch.isArray() && arch.size() == 1 && arch.get(0).asText().matches("[A-Z]\\w+"), p[0] + ": architectures " + arch);
            String root = c.rootClass().orElseThrow();
            // the family file names the module (Gemma 3's text model, model_type gemma3_text, lives in models/gemma3)
            assertTrue(root.matches("transformers\\.models\\.\\w+\\.modeling_\\w+\\." + arch.get(0).asText()), root);
            // the family's defaults file exists for every model type
            assertTrue(familyFile(c.modelType()) != null, p[0] + ": no io/flopscope/config/" + c.modelType() + ".json");
            // every numeric field of the config reads as a number
            c.raw().fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isNumber() || v.isBoolean()) assertTrue(c.value(e.getKey()).isPresent(), p[0] + "." + e.getKey());
            });
        }
    }

    @Test void aCountRoundsToAPublishedFigureAtItsOwnPrecision() {
        java.math.BigInteger ds = java.math.BigInteger.valueOf(671_026_404_352L);
        assertTrue(BuiltInModels.roundsTo(ds, "671B"));
        assertFalse(BuiltInModels.roundsTo(ds, "685B"), "the Hub's figure counts the multi-token-prediction module transformers does not build");
        assertFalse(BuiltInModels.roundsTo(ds, "671.1B"));
        assertTrue(BuiltInModels.roundsTo(ds, "671.0B"));
        assertTrue(BuiltInModels.roundsTo(java.math.BigInteger.valueOf(8_190_735_360L), "8.2B"));
        assertTrue(BuiltInModels.roundsTo(java.math.BigInteger.valueOf(124_439_808L), "124M"));
        assertFalse(BuiltInModels.roundsTo(java.math.BigInteger.valueOf(124_439_808L), "124"), "a figure without its unit");
    }

    @Test void findByShortNameHubIdOrAliasIgnoringCase() {
        assertEquals("Llama-2-7b-hf", BuiltInModels.find("meta-llama/Llama-2-7b-hf").orElseThrow().name());
        assertEquals("Llama-2-7b-hf", BuiltInModels.find("META-LLAMA/llama-2-7B-HF").orElseThrow().name());
        assertEquals("Llama-2-7b-hf", BuiltInModels.find("Llama-2-7b").orElseThrow().name());
        assertEquals("Llama-2-70b-hf", BuiltInModels.find("llama-2-70b").orElseThrow().name());
        assertEquals("bert-base-uncased", BuiltInModels.find("google-bert/bert-base-uncased").orElseThrow().name());
        assertTrue(BuiltInModels.find("meta-llama/Llama-2-7b").isEmpty(), "no such hub id");
    }

    /** Every default of every family file evaluates (formulas over other fields, None as absent), for every model of the family. */
    @Test void familyDefaultsEvaluate() throws Exception {
        Set<String> types = new HashSet<>();
        for (String[] p : PUBLISHED) {
            ModelConfig c = BuiltInModels.find(p[0]).orElseThrow();
            types.add(c.modelType());
            JsonNode family = familyFile(c.modelType());
            assertEquals(c.modelType(), family.path("model_type").asText());
            assertTrue(family.path("source").asText().contains("configuration_"), c.modelType());
            family.path("defaults").fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) return;
                JsonNode given = c.raw().get(e.getKey());
                if (given != null && (given.isArray() || given.isObject())) return; // a list the config gives (eos_token_id of Llama 3.3)
                assertTrue(c.value(e.getKey()).isPresent(), p[0] + ": default " + e.getKey());
            });
        }
        assertEquals(Set.of("gpt2", "opt", "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe", "phi3", "gemma", "gemma2", "gemma3_text",
                "deepseek_v3", "bert"), types);
    }

    @Test void defaultsFillWhatTheConfigLeavesOut() {
        ModelConfig llama2 = BuiltInModels.find("Llama-2-7b-hf").orElseThrow();
        assertEquals(Rational.of(10000), llama2.value("rope_theta").orElseThrow(), "LlamaConfig default");
        assertEquals(Rational.of(128), llama2.value("head_dim").orElseThrow(), "hidden_size // num_attention_heads");
        assertEquals(Rational.ZERO, llama2.value("attention_bias").orElseThrow());
        assertTrue(llama2.value("rope_scaling").isEmpty(), "null in the config and None by default");
        ModelConfig mixtral = BuiltInModels.find("Mixtral-8x7B-v0.1").orElseThrow();
        assertTrue(mixtral.value("sliding_window").isEmpty(), "null means no sliding window, not the default");
        assertEquals(Rational.of(8), mixtral.value("num_experts").orElseThrow(), "attribute_map num_experts -> num_local_experts");
        assertEquals(Rational.of(1, 50), mixtral.value("router_aux_loss_coef").orElseThrow(), "the config's 0.02 over the default 0.001");
        ModelConfig opt = BuiltInModels.find("opt-125m").orElseThrow();
        assertEquals(Rational.ONE, opt.value("tie_word_embeddings").orElseThrow(), "PretrainedConfig's default");
        assertEquals(Rational.ONE, opt.value("enable_bias").orElseThrow());
        ModelConfig gemma = BuiltInModels.find("gemma-7b").orElseThrow();
        assertEquals(Rational.ONE, gemma.value("tie_word_embeddings").orElseThrow());
        assertEquals(Rational.of(256), gemma.value("head_dim").orElseThrow(), "the config's, not hidden / heads = 192");
        ModelConfig bert = BuiltInModels.find("bert-base-uncased").orElseThrow();
        assertEquals(Rational.parse("0.000000000001"), bert.value("layer_norm_eps").orElseThrow());
        assertEquals(Rational.ONE, bert.value("tie_word_embeddings").orElseThrow());
        ModelConfig phi3 = BuiltInModels.find("Phi-3-mini-4k-instruct").orElseThrow();
        assertEquals(Rational.of(96), phi3.value("head_dim").orElseThrow());
    }

    /** Sizes as the memory model reads them: layers, heads, key/value heads (GQA) and head width. */
    @ParameterizedTest
    @CsvSource({
        "gpt2, 12, 768, 12, 12, 64", "opt-6.7b, 32, 4096, 32, 32, 128", "Llama-2-70b-hf, 80, 8192, 64, 8, 128",
        "Meta-Llama-3-8B, 32, 4096, 32, 8, 128", "Llama-3.2-1B, 16, 2048, 32, 8, 64", "Mistral-7B-v0.1, 32, 4096, 32, 8, 128",
        "Mixtral-8x7B-v0.1, 32, 4096, 32, 8, 128", "Qwen2.5-0.5B, 24, 896, 14, 2, 64", "Qwen2.5-7B, 28, 3584, 28, 4, 128",
        "Phi-3-mini-4k-instruct, 32, 3072, 32, 32, 96", "gemma-2b, 18, 2048, 8, 1, 256", "gemma-7b, 28, 3072, 16, 16, 256",
        "bert-large-uncased, 24, 1024, 16, 16, 64",
    })
    void dims(String model, long layers, long hidden, long heads, long kv, long headDim) {
        assertEquals(new ModelDims(layers, hidden, heads, kv, headDim), ModelDims.of(BuiltInModels.find(model).orElseThrow()));
    }

    /**
     * The published counts follow from the configs by each family's layout, derived by hand from its modeling file
     * (a check of the config values and of the counts; {@code flopscope info} counts from the analyses, not from this).
     */
    @Test void publishedCountsFollowFromTheConfigsByHand() {
        for (String[] p : PUBLISHED) {
            ModelConfig c = BuiltInModels.find(p[0]).orElseThrow();
            if (p[2].matches("\\d+")) assertEquals(Long.parseLong(p[2]), byHand(c), p[0]);
            else assertTrue(BuiltInModels.roundsTo(java.math.BigInteger.valueOf(byHand(c)), p[2]), p[0] + ": " + byHand(c) + " vs " + p[2]);
        }
    }

    static long byHand(ModelConfig c) {
        long v = n(c, "vocab_size"), h = n(c, "hidden_size"), layers = n(c, "num_hidden_layers"), heads = n(c, "num_attention_heads");
        switch (c.modelType()) {
            case "gpt2": {
                long pos = n(c, "n_positions");
                return v * h + pos * h + layers * (12 * h * h + 13 * h) + 2 * h; // wte (tied lm_head), wpe, blocks, ln_f
            }
            case "opt": {
                long f = n(c, "ffn_dim"), pos = n(c, "max_position_embeddings") + 2; // OPTLearnedPositionalEmbedding offset 2
                long layer = 4 * (h * h + h) + 2 * 2 * h + (h * f + f) + (f * h + h);
                return v * h + pos * h + layers * layer + 2 * h; // tied lm_head, final_layer_norm
            }
            case "bert": {
                long i = n(c, "intermediate_size");
                long emb = v * h + n(c, "max_position_embeddings") * h + n(c, "type_vocab_size") * h + 2 * h;
                long layer = 4 * (h * h + h) + 2 * h + (h * i + i) + (i * h + h) + 2 * h;
                long mlmHead = (h * h + h) + 2 * h + v; // transform dense + LayerNorm + decoder bias; decoder weight tied
                return emb + layers * layer + mlmHead; // BertForMaskedLM: no pooler
            }
            case "deepseek_v3": {
                // multi-head latent attention: low-rank q (q_a, its norm, q_b) and kv (kv_a with the shared rotary key, its
                // norm, kv_b), o; dense MLPs below first_k_dense_replace, then routed experts, a router with its score
                // correction bias and the shared experts' MLP
                long ql = n(c, "q_lora_rank"), kvl = n(c, "kv_lora_rank"), nope = n(c, "qk_nope_head_dim"), rope = n(c, "qk_rope_head_dim"), vd = n(c, "v_head_dim");
                long attn = h * ql + ql + ql * heads * (nope + rope) + h * (kvl + rope) + kvl + kvl * heads * (nope + vd) + heads * vd * h;
                long e = n(c, "n_routed_experts"), im = n(c, "moe_intermediate_size"), dense = n(c, "first_k_dense_replace");
                long moe = e * 3 * h * im + e * h + e + 3 * h * im * n(c, "n_shared_experts");
                return 2 * v * h + layers * (attn + 2 * h) + dense * 3 * h * n(c, "intermediate_size") + (layers - dense) * moe + h;
            }
            default: {
                String t = c.modelType();
                long kv = n(c, "num_key_value_heads"), d = n(c, "head_dim"), i = n(c, "intermediate_size");
                long attn = h * heads * d + 2 * h * kv * d + heads * d * h;
                if (t.equals("qwen2")) attn += heads * d + 2 * kv * d; // q, k, v biases
                if (t.equals("qwen3") || t.equals("qwen3_moe") || t.equals("gemma3_text")) attn += 2 * d; // q_norm, k_norm over head_dim
                long mlp = 3 * h * i; // gate, up, down (Phi-3 fuses gate_up: same count)
                if (t.equals("mixtral")) mlp = n(c, "num_local_experts") * 3 * h * i + h * n(c, "num_local_experts"); // experts + router
                if (t.equals("qwen3_moe")) mlp = n(c, "num_experts") * 3 * h * n(c, "moe_intermediate_size") + h * n(c, "num_experts"); // every layer sparse
                long norms = t.startsWith("gemma2") || t.startsWith("gemma3") ? 4 * h : 2 * h; // Gemma 2/3: pre and post norms around both blocks
                boolean tied = c.value("tie_word_embeddings").orElseThrow().signum() != 0;
                return v * h * (tied ? 1 : 2) + layers * (attn + mlp + norms) + h; // final norm
            }
        }
    }

    private static long n(ModelConfig c, String field) {
        return c.value(field).orElseThrow(() -> new AssertionError(c.name() + ": no " + field)).num().longValueExact();
    }

    private static JsonNode familyFile(String type) {
        try (InputStream in = BuiltInModels.class.getResourceAsStream("/io/flopscope/config/" + type + ".json")) {
            return in == null ? null : JSON.readTree(in);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
