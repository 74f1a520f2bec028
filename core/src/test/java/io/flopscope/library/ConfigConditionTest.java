package io.flopscope.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ConfigConditions;
import io.flopscope.evaluate.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigConditionTest {
    static ModelConfig cfg(String json) { return ModelConfig.parse("test", json); }

    @Test void theThreeFormsAreCheckedAgainstAConfig() {
        var v = ConfigConditions.of(cfg("{\"model_type\": \"llama\", \"hidden_act\": \"silu\", \"num_attention_heads\": 32, \"num_key_value_heads\": 8,"
                + " \"hidden_size\": 4096, \"attention_bias\": false, \"rope_scaling\": {\"type\": \"llama3\"}}"));
        assertEquals(ConfigCondition.Verdict.HOLDS, check("`config.hidden_act` is \"silu\" with this config's values", v));
        assertEquals(ConfigCondition.Verdict.FAILS, check("`config.hidden_act` is \"gelu\" with this config's values", v));
        assertEquals(ConfigCondition.Verdict.HOLDS, check("`config.attention_bias` is False with this config's values", v));
        assertEquals(ConfigCondition.Verdict.FAILS, check("`config.num_attention_heads / config.num_key_value_heads == 1` is True with this config's values", v));
        assertEquals(ConfigCondition.Verdict.HOLDS, check("`config.num_attention_heads / config.num_key_value_heads > 1` is True with this config's values", v));
        assertEquals(ConfigCondition.Verdict.HOLDS, check("`config.hidden_size / 2 / config.num_attention_heads` is an integer with this config's values (the sizes divide)", v));
        // the family default fills a missing field (llama: mlp_bias false); an object or an absent field cannot be checked
        assertEquals(ConfigCondition.Verdict.HOLDS, check("`config.mlp_bias` is False with this config's values", v));
        assertEquals(ConfigCondition.Verdict.UNKNOWN, check("`config.rope_scaling` is None with this config's values", v));
        assertEquals(ConfigCondition.Verdict.UNKNOWN, check("`config.no_such_field` is None with this config's values", v));
        // prose and values the config class computes are not checked
        assertTrue(ConfigCondition.parse("eval mode (`self.training` is False)").isEmpty());
        assertTrue(ConfigCondition.parse("`config.sliding_window` is None, as the config class sets it from this config").isEmpty());
    }

    private static ConfigCondition.Verdict check(String text, ConfigCondition.ConfigValues v) {
        return ConfigCondition.parse(text).orElseThrow(() -> new AssertionError("not parsed: " + text)).check(v);
    }

    @Test void theLibraryPicksTheVariantTheConfigMeets() {
        // 5.18's LlamaAttention: grouped-query or not (repeat_kv, or SDPA's enable_gqa), head_dim given or derived
        String attn = "transformers.models.llama.modeling_llama.LlamaAttention";
        Library lib = Library.builtIn();
        List<LibraryEntry> variants = lib.variants(attn);
        assertTrue(variants.size() >= 2, "with and without grouped-query attention: " + variants.size());
        for (String model : List.of("Llama-2-7b-hf", "Llama-2-70b-hf")) {
            ModelConfig c = BuiltInModels.find(model).orElseThrow();
            Library l = Library.builtIn();
            ConfigConditions.selectVariants(l, c);
            assertEquals(0, ConfigConditions.violations(l.analysis(attn).orElseThrow(), ConfigConditions.of(c)), model);
            // and the other variant is the one the config contradicts
            long bad = variants.stream().filter(e -> ConfigConditions.violations(e.analysis(), ConfigConditions.of(c)) > 0).count();
            assertTrue(bad >= 1, model + ": some variant contradicts the config");
        }
    }

    @Test void aFormulaDefaultIsNotTheConfigsOwnValue() {
        // GPT-2's n_inner is None in the config class; FlopScope's default formula 4 * n_embd stands for what the model derives
        ModelConfig gpt2 = cfg("{\"model_type\": \"gpt2\", \"n_embd\": 768}");
        assertTrue(gpt2.literal("n_inner").isEmpty());
        assertEquals("3072", gpt2.value("n_inner").orElseThrow().toString());
        assertEquals("None", cfg("{\"model_type\": \"gpt2\", \"n_inner\": null}").literal("n_inner").orElseThrow());
    }
}
