package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.ConfigConditions;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matmul FLOPs of Mistral, Qwen2, OPT, Phi-3, Gemma, Mixtral and BERT against the ground-truth oracle
 * (/work/shared/oracle: torch 2.13 FlopCounterMode on a real forward pass of transformers 5.18, random weights, fp32,
 * CPU). The constants below are the oracle's {@code totals.flops_flopcounter}: every mm/addmm/bmm plus, for sdpa, the
 * oracle's added formula for {@code aten._scaled_dot_product_flash_attention_for_cpu} (4·b·H·q·kv·d, the full
 * rectangle), which FlopScope also counts as matmul FLOPs; nothing else in these models has a FLOP formula there.
 *
 * <p>Scenarios (files in the git-ignored .corpus/oracle/scenarios and results, named o_FAMILY_PHASE_..._ATTN.json):
 * prefill = one forward of [batch 2, seq 16]; decode = warm-up [2, 9] then the measured step [2, 1] (cache_len 9).
 * Mixtral ran with experts_implementation "eager" (the per-expert loop: n·top_k token-rows in total, whatever the
 * routing). BertForMaskedLM ran through a small encoder wrapper (.corpus/oracle/hf_encoder_wrapper.py, model(input_ids)
 * only), because the shared hf_wrapper.HFCausalLM reads {@code out.past_key_values}, which MaskedLMOutput lacks.
 *
 * <p>The tiny configs (hidden 64, 4 heads, 2 key/value heads where the family has GQA, 2 layers, vocab 128,
 * intermediate 176) are the oracle's, word for word, plus architectures[0].
 */
class OracleFamiliesTest {
    static final Path SRC = LlamaFromSourceTest.TREES.get("5.0");

    static final Map<String, String> CONFIGS = Map.of(
            "mistral", "{\"model_type\":\"mistral\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\","
                    + "\"tie_word_embeddings\":false,\"rope_theta\":10000.0,\"sliding_window\":4096,\"architectures\":[\"MistralForCausalLM\"]}",
            "qwen2", "{\"model_type\":\"qwen2\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"rms_norm_eps\":1e-06,\"hidden_act\":\"silu\","
                    + "\"tie_word_embeddings\":true,\"rope_theta\":1000000.0,\"use_sliding_window\":false,\"sliding_window\":4096,\"max_window_layers\":2,"
                    + "\"architectures\":[\"Qwen2ForCausalLM\"]}",
            "opt", "{\"model_type\":\"opt\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"ffn_dim\":176,\"word_embed_proj_dim\":64,\"do_layer_norm_before\":true,\"activation_function\":\"relu\","
                    + "\"enable_bias\":true,\"layer_norm_elementwise_affine\":true,\"dropout\":0.1,\"attention_dropout\":0.0,\"layerdrop\":0.0,\"pad_token_id\":1,"
                    + "\"architectures\":[\"OPTForCausalLM\"]}",
            "phi3", "{\"model_type\":\"phi3\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"original_max_position_embeddings\":512,"
                    + "\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\",\"tie_word_embeddings\":false,\"rope_theta\":10000.0,\"rope_scaling\":null,"
                    + "\"sliding_window\":2047,\"pad_token_id\":0,\"architectures\":[\"Phi3ForCausalLM\"]}",
            // Gemma with an explicit head_dim (H·d = 128 ≠ hidden 64); 5.x GemmaMLP uses config.hidden_act ("gelu" here,
            // GELUActivation), 4.44 uses hidden_activation
            "gemma", "{\"model_type\":\"gemma\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"head_dim\":32,\"rms_norm_eps\":1e-06,"
                    + "\"hidden_act\":\"gelu\",\"hidden_activation\":\"gelu_pytorch_tanh\",\"tie_word_embeddings\":true,\"rope_theta\":10000.0,"
                    + "\"architectures\":[\"GemmaForCausalLM\"]}",
            // the same with the 5.x default activation gelu_pytorch_tanh (GELUTanh): see gemmaWithGeluTanhFrom50Source
            "gemma-tanh", "{\"model_type\":\"gemma\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"head_dim\":32,\"rms_norm_eps\":1e-06,"
                    + "\"hidden_act\":\"gelu_pytorch_tanh\",\"hidden_activation\":\"gelu_pytorch_tanh\",\"tie_word_embeddings\":true,\"rope_theta\":10000.0,"
                    + "\"architectures\":[\"GemmaForCausalLM\"]}",
            "mixtral", "{\"model_type\":\"mixtral\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"num_key_value_heads\":2,\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\","
                    + "\"tie_word_embeddings\":false,\"rope_theta\":1000000.0,\"num_local_experts\":8,\"num_experts_per_tok\":2,\"sliding_window\":null,"
                    + "\"architectures\":[\"MixtralForCausalLM\"]}",
            "bert", "{\"model_type\":\"bert\",\"hidden_size\":64,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"intermediate_size\":176,\"type_vocab_size\":2,\"hidden_act\":\"gelu\",\"layer_norm_eps\":1e-12,"
                    + "\"position_embedding_type\":\"absolute\",\"pad_token_id\":0,\"architectures\":[\"BertForMaskedLM\"]}");

    /**
     * Families measured on transformers 5.18 only (no built-in 4.44 analysis to compare): the oracle's tiny configs,
     * word for word (scenario files FAMILY.{prefill,decode}.json, prefill [2, 16], decode warm-up [2, 9] then [2, 1], sdpa).
     */
    static final Map<String, String> CONFIGS_518 = Map.of(
            "llama", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"llama\",\"architectures\":[\"LlamaForCausalLM\"]}",
            "llama31", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"llama\",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":64},\"rope_theta\":500000.0,\"architectures\":[\"LlamaForCausalLM\"]}",
            "gpt2", "{\"model_type\":\"gpt2\",\"n_layer\":2,\"n_embd\":64,\"n_head\":4,\"vocab_size\":128,\"n_positions\":512,\"architectures\":[\"GPT2LMHeadModel\"]}",
            "qwen3", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"qwen3\",\"head_dim\":16,\"architectures\":[\"Qwen3ForCausalLM\"]}",
            // per-layer structure: sliding/full layers (Gemma 2, Gemma 3), dense or MoE layers (Qwen3-MoE, DeepSeek-V3)
            "gemma2", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"gemma2\",\"head_dim\":16,\"sliding_window\":4096,\"architectures\":[\"Gemma2ForCausalLM\"]}",
            "gemma3", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"gemma3_text\",\"head_dim\":16,\"sliding_window\":4096,\"architectures\":[\"Gemma3ForCausalLM\"]}",
            // Gemma 3 with layer_types from sliding_window_pattern (every third layer full) and a window the decode cache passes
            "gemma3p", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":6,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"gemma3_text\",\"head_dim\":16,\"sliding_window\":8,\"sliding_window_pattern\":3,\"architectures\":[\"Gemma3ForCausalLM\"]}",
            "qwen3moe", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"qwen3_moe\",\"head_dim\":16,\"num_experts\":4,\"num_experts_per_tok\":2,\"moe_intermediate_size\":32,\"decoder_sparse_step\":1,\"mlp_only_layers\":[],\"architectures\":[\"Qwen3MoeForCausalLM\"]}",
            "deepseekv3", "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"deepseek_v3\",\"q_lora_rank\":32,\"kv_lora_rank\":16,\"qk_rope_head_dim\":8,\"qk_nope_head_dim\":8,\"v_head_dim\":16,\"n_routed_experts\":4,\"num_experts_per_tok\":2,\"n_shared_experts\":1,\"moe_intermediate_size\":32,\"first_k_dense_replace\":1,\"n_group\":1,\"topk_group\":1,\"architectures\":[\"DeepseekV3ForCausalLM\"]}");

    static ModelConfig config(String family) { return ModelConfig.parse(family, CONFIGS.getOrDefault(family, CONFIGS_518.get(family))); }

    static String root(String family) { return config(family).rootClass().orElseThrow(); }

    /** The config's scalar values as the analyzer takes them (integers as Long; lists such as architectures left out). */
    static Map<String, Object> values(String family) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(CONFIGS.getOrDefault(family, CONFIGS_518.get(family)), LinkedHashMap.class);
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.equals("architectures")) return;
            out.put(k, v instanceof Integer i ? (Object) (long) i : v);
        });
        return out;
    }

    static Scenario scenario(String phase) {
        return phase.equals("decode") ? Scenario.of(Phase.DECODE, 2, 1, 9, Dtype.FP32) : Scenario.of(Phase.PREFILL, 2, 16, 0, Dtype.FP32);
    }

    /** Matmul FLOPs of the family analysed from the 5.0 source, after checking every traced line was analysed. */
    static BigInteger fromSource(String family, String attn, String phase) throws Exception { return fromSource("5.0", family, attn, phase); }

    /** The same from the source of one release in .corpus/ (skipped with a message when it is absent). */
    static BigInteger fromSource(String release, String family, String attn, String phase) throws Exception {
        Path src = LlamaFromSourceTest.TREES.get(release);
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (tools/fetch-corpus.sh fetches transformers " + release + " into .corpus/)");
        boolean decode = phase.equals("decode");
        var lookup = LlamaFromSourceTest.index(src);
        String named = root(family), rootClass = named;
        if (lookup.classDecl(named).isEmpty()) {
            // as `cost --source` does: a model_type whose module is named otherwise (gemma3_text lives in gemma3/)
            List<String> found = lookup.index().findClassesBySimpleName(named.substring(named.lastIndexOf('.') + 1)).stream().filter(q -> !q.contains(".modular_")).toList();
            assertEquals(1, found.size(), () -> named + ": " + found);
            rootClass = found.get(0);
        }
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(lookup, new SourceAnalyzer.Request(rootClass, values(family), Map.of(), attn, decode));
        assertTrue(r.complete() && r.tracedLines() > 0, () -> family + " " + release + " " + attn + " " + phase + ": coverage "
                + r.analysedLines() + "/" + r.tracedLines() + " " + r.coverage() + " " + r.diagnostics());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        var node = new Resolver(lib, false).resolve(rootClass).root();
        assertTrue(node.complete(), () -> family + ": " + node.unknowns());
        ModelConfig cfg = config(family);
        cfg.fillFrom(r.config());
        return new Evaluator(scenario(phase), cfg).evaluate(node.cumulative()).matmulFlops().num();
    }

    /**
     * Every oracle scenario of the seven families: the 5.0 source analysis equals the oracle exactly (the rotary
     * embedding's inv_freq @ position_ids, 2·(d/2)·s FLOPs once per forward, included on both sides).
     */
    /** Every oracle measurement: family, attention implementation, phase, matmul FLOPs. */
    static Stream<Arguments> oracle() {
        return Stream.of(
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18; scenario o_mistral_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "mistral, sdpa, prefill, 6684928", "mistral, sdpa, decode, 411664", "mistral, eager, prefill, 6684928", "mistral, eager, decode, 411664",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18; scenario o_qwen2_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "qwen2, sdpa, prefill, 6684928", "qwen2, sdpa, decode, 411664", "qwen2, eager, prefill, 6684928", "qwen2, eager, decode, 411664",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18; scenario o_opt_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "opt, sdpa, prefill, 5767168", "opt, sdpa, decode, 354304", "opt, eager, prefill, 5767168", "opt, eager, decode, 354304",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18; scenario o_phi3_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "phi3, sdpa, prefill, 6684928", "phi3, sdpa, decode, 411664", "phi3, eager, prefill, 6684928", "phi3, eager, decode, 411664",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18; scenario o_gemma-gelu_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "gemma, sdpa, prefill, 8520192", "gemma, sdpa, decode, 520224", "gemma, eager, prefill, 8520192", "gemma, eager, decode, 520224",
            // gelu_pytorch_tanh (the 5.x GemmaConfig default): 5.0's GELUTanh is functools.partial(nn.functional.gelu,
            // approximate="tanh"), no matmul; scenario o_gemma_{prefill_b2_s16,decode_b2_c9}_sdpa
            "gemma-tanh, sdpa, prefill, 8520192", "gemma-tanh, sdpa, decode, 520224",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18, experts_implementation eager;
            // scenario o_mixtral_{prefill_b2_s16,decode_b2_c9}_{sdpa,eager}
            "mixtral, sdpa, prefill, 11075840", "mixtral, sdpa, decode, 686096", "mixtral, eager, prefill, 11075840", "mixtral, eager, decode, 686096",
            // oracle: torch 2.13 FlopCounterMode, transformers 5.18, BertForMaskedLM via hf_encoder_wrapper; scenario o_bert_prefill_b2_s16_{sdpa,eager}
            "bert, sdpa, prefill, 6029312", "bert, eager, prefill, 6029312"
        ).map(row -> {
            String[] f = row.split(",\\s*");
            return Arguments.of(f[0], f[1], f[2], Long.parseLong(f[3]));
        });
    }

    /** Oracle measurements of the families in CONFIGS_518 (torch 2.13 FlopCounterMode, transformers 5.18, sdpa). */
    static Stream<Arguments> oracle518() {
        return Stream.of(
            // Llama; Llama 3.1 (rope_type llama3: the same matmuls); GPT-2 (Conv1D); Qwen3 (q_norm/k_norm, explicit head_dim)
            "llama, sdpa, prefill, 6684928", "llama, sdpa, decode, 411664", "llama31, sdpa, prefill, 6684928", "llama31, sdpa, decode, 411664",
            "gpt2, sdpa, prefill, 7077888", "gpt2, sdpa, decode, 436224", "qwen3, sdpa, prefill, 6684928", "qwen3, sdpa, decode, 411664",
            // Gemma 2 and Gemma 3: layer_types from the config class (sliding, full); Gemma 3 one rotary call per distinct type
            "gemma2, sdpa, prefill, 6684928", "gemma2, sdpa, decode, 411664", "gemma3, sdpa, prefill, 6684928", "gemma3, sdpa, decode, 411664",
            // scenario gemma3p.{prefill,decode}: six layers, sliding_window_pattern 3, sliding_window 8 (< 9 cached tokens)
            "gemma3p, sdpa, prefill, 19005952", "gemma3p, sdpa, decode, 1165344",
            // Qwen3-MoE and DeepSeek-V3 (MLA, dense first layer, shared expert), experts_implementation eager
            "qwen3moe, sdpa, prefill, 3965184", "qwen3moe, sdpa, decode, 241680", "deepseekv3, sdpa, prefill, 5587072", "deepseekv3, sdpa, decode, 453640"
        ).map(row -> {
            String[] f = row.split(",\\s*");
            return Arguments.of(f[0], f[1], f[2], Long.parseLong(f[3]));
        });
    }

    static Stream<Arguments> oracleByRelease() {
        return Stream.of("4.57", "5.17", "5.18").flatMap(rel -> Stream.concat(oracle(), oracle518()).map(a -> {
            Object[] x = a.get();
            return Arguments.of(rel, x[0], x[1], x[2], x[3]);
        })).filter(a -> !(a.get()[0].equals("4.57") && a.get()[1].equals("deepseekv3") && a.get()[3].equals("decode"))
                && !(a.get()[0].equals("4.57") && a.get()[1].equals("gemma3")));
    }

    /**
     * Gemma 3 on 4.57 calls its global and its local rotary embedding on every forward (modeling_gemma3.py:559-560);
     * 5.18 calls one per distinct layer type, and this config's two layers are both sliding: one call more on 4.57,
     * inv_freq [1, d/2, 1] @ positions [1, 1, s], 2·(d/2)·s FLOPs.
     */
    @ParameterizedTest(name = "4.57 gemma3 {0}: oracle {1} + one rotary call")
    @org.junit.jupiter.params.provider.CsvSource({"prefill, 6684928", "decode, 411664"})
    void gemma3On457CallsBothRotaryEmbeddings(String phase, long oracle518) throws Exception {
        long d = 16, s = phase.equals("decode") ? 1 : 16;
        assertEquals(BigInteger.valueOf(oracle518 + 2 * (d / 2) * s), fromSource("4.57", "gemma3", "sdpa", phase));
    }

    /**
     * DeepSeek-V3 decode on 4.57 differs from the 5.18 measurement by design: 4.57 caches the expanded keys and values,
     * so kv_b_proj runs on the new token only, where 5.18 caches the latent and runs kv_b_proj over all cache_len + 1
     * tokens. Per layer 2·b·kv_lora_rank·(heads·(qk_nope_head_dim + v_head_dim))·cache_len fewer FLOPs.
     */
    @Test
    void deepSeekV3DecodeOn457CachesExpandedKeys() throws Exception {
        long b = 2, kvLora = 16, heads = 4, nope = 8, v = 16, cache = 9, layers = 2;
        long oracle518 = 453640;
        assertEquals(BigInteger.valueOf(oracle518 - layers * 2 * b * kvLora * heads * (nope + v) * cache), fromSource("4.57", "deepseekv3", "sdpa", "decode"));
    }

    /** The released wheels (tools/fetch-corpus.sh): the current release, the one before and the last 4.x. */
    @ParameterizedTest(name = "{0} {1} {2} {3}: oracle {4}")
    @MethodSource("oracleByRelease")
    void sourceAnalysisOfEachReleaseEqualsTheOracle(String release, String family, String attn, String phase, long oracle) throws Exception {
        assertEquals(BigInteger.valueOf(oracle), fromSource(release, family, attn, phase), family + " " + release + " " + attn + " " + phase);
    }

    @ParameterizedTest(name = "{0} {1} {2}: oracle {3}")
    @MethodSource("oracle")
    void sourceAnalysisOf50EqualsTheOracle(String family, String attn, String phase, long oracle) throws Exception {
        assertEquals(BigInteger.valueOf(oracle), fromSource(family, attn, phase), family + " 5.0 " + attn + " " + phase);
    }

    /**
     * The built-in library, generated from transformers 5.18.0 (BuiltInLibraryTest), equals the oracle exactly: the
     * rotary embedding's inv_freq @ position_ids once per forward, as 5.x computes it. Needs no .corpus.
     */
    @ParameterizedTest(name = "built-in {0} {1} {2}: oracle {3}")
    @MethodSource("oracle")
    void builtInEqualsTheOracle(String family, String attn, String phase, long oracle) throws Exception {
        ModelConfig cfg = config(family);
        Library lib = Library.builtIn();
        assertTrue(lib.useImplementation(attn));
        ConfigConditions.selectVariants(lib, cfg);
        var node = new Resolver(lib, false).resolve(root(family)).root();
        assertTrue(node.complete(), () -> family + ": " + node.unknowns());
        BigInteger got = new Evaluator(scenario(phase), cfg).evaluate(node.cumulative()).matmulFlops().num();
        assertEquals(BigInteger.valueOf(oracle), got, family + " built-in " + attn + " " + phase);
    }
    /**
     * 5.x stores the experts' weights stacked and copies each hit expert's slice before its GEMM: the copy is not a
     * parameter (wcopy_bytes), so the parameter count is the checkpoint's. Oracle (torch 2.13, transformers 5.18):
     * param_count_unique 312,128 and 11,043,072 matmul FLOPs at [2, 16] for this 4-expert config.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"4.57", "5.17", "5.18"})
    void mixtralParametersFromSourceAreTheCheckpoints(String release) throws Exception {
        Path src = LlamaFromSourceTest.TREES.get(release);
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (tools/fetch-corpus.sh)");
        String json = "{\"hidden_size\":64,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,"
                + "\"intermediate_size\":176,\"max_position_embeddings\":512,\"model_type\":\"mixtral\",\"num_local_experts\":4,\"num_experts_per_tok\":2,"
                + "\"architectures\":[\"MixtralForCausalLM\"]}";
        ModelConfig cfg = ModelConfig.parse("mixtral4", json);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = new ObjectMapper().readValue(json, LinkedHashMap.class);
        values.remove("architectures");
        values.replaceAll((k, v) -> v instanceof Integer i ? (Object) (long) i : v);
        String root = cfg.rootClass().orElseThrow();
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(LlamaFromSourceTest.index(src), new SourceAnalyzer.Request(root, values, Map.of(), "sdpa", false));
        assertTrue(r.complete(), () -> r.coverage().toString());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        var node = new Resolver(lib, false).resolve(root).root();
        cfg.fillFrom(r.config());
        var info = io.flopscope.info.ModelInfo.of(node, cfg, Dtype.FP32, Dtype.FP32);
        assertEquals(io.flopscope.formula.Rational.of(312_128), info.parameters(), release);
        assertEquals(BigInteger.valueOf(11_043_072), new Evaluator(scenario("prefill"), cfg).evaluate(node.cumulative()).matmulFlops().num(), release);
    }
}
