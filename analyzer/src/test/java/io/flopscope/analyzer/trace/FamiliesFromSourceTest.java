package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
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
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OPT, Phi-3, Gemma and BERT from the real transformers source of 4.44, 4.52 and 5.0 (in the git-ignored .corpus/):
 * every traced line analysed, and matmul FLOPs equal to hand formulas (n = b·s tokens, c cached tokens, h hidden,
 * H heads, K key/value heads, d head width, I intermediate, V vocab, L layers):
 *
 * <pre>
 *   OPT     L·[4 · 2·n·h·h (q, k, v, out_proj) + 2 · 2·n·h·I (fc1, fc2) + 2 · 2·b·H·s·(s + c)·d] + 2·n·h·V
 *           (no rotary; 4.44 has no SDPA class for OPT, so from_config runs eager: `_supports_sdpa` is not True)
 *   Phi-3   as Llama with a fused qkv_proj (2·n·h·(H·d + 2·K·d)) and a fused gate_up_proj (2·n·h·2I):
 *           L·[2·n·h·(H·d + 2·K·d) + 2·n·H·d·h + 3 · 2·n·h·I + 2 · 2·b·H·s·(s + c)·d] + 2·n·h·V + R·2·(d/2)·s
 *   Gemma   the same with head_dim given by the config (H·d ≠ h in the tiny config, as in gemma-7b), tied LM head
 *   BERT    (BertModel: an encoder, no cache) L·[4 · 2·n·h·h + 2 · 2·n·h·I + 2 · 2·b·H·s·s·d] + 2·b·h·h (pooler, first token)
 *   Mixtral as Llama with a mixture of E experts of which top_k = k serve each token, instead of the MLP:
 *           router 2·n·h·E + experts 3 · 2·(n·k)·h·I (balanced routing: each expert receives n·k / E tokens, and all
 *           E experts receive tokens, so their weights are read once per forward; 5.0 indexes the stacked expert
 *           weights with a tensor, which copies each expert's weights before the GEMM reads the copy)
 *   R (RoPE calls per forward) = L in 4.44 for Phi-3 and Gemma (each attention layer calls its rotary module), 0 for
 *   Mixtral 4.44 (cos/sin gathered from a cache built in __init__), else 1.
 * </pre>
 */
class FamiliesFromSourceTest {
    static final Map<String, String> ROOTS = Map.of(
            "opt", "transformers.models.opt.modeling_opt.OPTForCausalLM",
            "phi3", "transformers.models.phi3.modeling_phi3.Phi3ForCausalLM",
            "gemma", "transformers.models.gemma.modeling_gemma.GemmaForCausalLM",
            "bert", "transformers.models.bert.modeling_bert.BertModel",
            "mixtral", "transformers.models.mixtral.modeling_mixtral.MixtralForCausalLM");
    static final Map<String, String> CONFIGS = Map.of(
            "opt", "{\"model_type\":\"opt\",\"hidden_size\":64,\"ffn_dim\":256,\"num_attention_heads\":4,\"num_hidden_layers\":2,\"vocab_size\":128,"
                    + "\"max_position_embeddings\":512,\"word_embed_proj_dim\":64,\"do_layer_norm_before\":true,\"activation_function\":\"relu\","
                    + "\"enable_bias\":true,\"layer_norm_elementwise_affine\":true,\"dropout\":0.1,\"attention_dropout\":0.0,\"layerdrop\":0.0,\"pad_token_id\":1}",
            "phi3", "{\"model_type\":\"phi3\",\"hidden_size\":64,\"intermediate_size\":176,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                    + "\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"original_max_position_embeddings\":512,"
                    + "\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\",\"tie_word_embeddings\":false,\"rope_theta\":10000.0,\"rope_scaling\":null,"
                    + "\"sliding_window\":2047,\"pad_token_id\":0}",
            "gemma", "{\"model_type\":\"gemma\",\"hidden_size\":64,\"intermediate_size\":176,\"num_attention_heads\":4,\"num_key_value_heads\":1,"
                    + "\"head_dim\":32,\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-06,"
                    + "\"hidden_act\":\"gelu\",\"hidden_activation\":\"gelu_pytorch_tanh\",\"tie_word_embeddings\":true,\"rope_theta\":10000.0}",
            "bert", "{\"model_type\":\"bert\",\"hidden_size\":64,\"intermediate_size\":256,\"num_attention_heads\":4,\"num_hidden_layers\":2,"
                    + "\"vocab_size\":128,\"max_position_embeddings\":512,\"type_vocab_size\":2,\"hidden_act\":\"gelu\",\"layer_norm_eps\":1e-12,"
                    + "\"position_embedding_type\":\"absolute\",\"pad_token_id\":0}",
            "mixtral", "{\"model_type\":\"mixtral\",\"hidden_size\":64,\"intermediate_size\":112,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                    + "\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\","
                    + "\"tie_word_embeddings\":false,\"rope_theta\":1000000.0,\"num_local_experts\":8,\"num_experts_per_tok\":2,\"sliding_window\":null}");

    static Map<String, Object> values(String family) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(CONFIGS.get(family), LinkedHashMap.class);
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Integer i ? (Object) (long) i : v));
        return out;
    }

    static long get(Map<String, Object> v, String k, long dflt) { return v.get(k) instanceof Long l ? l : dflt; }

    static BigInteger expected(String family, String release, long b, long s, long c) throws Exception {
        Map<String, Object> v = values(family);
        long h = get(v, "hidden_size", 0), heads = get(v, "num_attention_heads", 0), kv = get(v, "num_key_value_heads", heads),
                d = get(v, "head_dim", h / heads), inter = get(v, "intermediate_size", get(v, "ffn_dim", 0)), vocab = get(v, "vocab_size", 0),
                layers = get(v, "num_hidden_layers", 0);
        boolean gated = !family.equals("opt") && !family.equals("bert");
        if (family.equals("bert")) c = 0;
        BigInteger n = BigInteger.valueOf(b * s);
        long mlp = (gated ? 6 : 4) * h * inter;
        if (family.equals("mixtral")) mlp = 2 * h * get(v, "num_local_experts", 0) + 6 * get(v, "num_experts_per_tok", 0) * h * inter;
        BigInteger perLayer = n.multiply(BigInteger.valueOf(2 * h * (heads * d + 2 * kv * d) + 2 * heads * d * h + mlp))
                .add(BigInteger.valueOf(4 * b * heads * s * (s + c) * d));
        BigInteger total = perLayer.multiply(BigInteger.valueOf(layers));
        if (family.equals("bert")) return total.add(BigInteger.valueOf(2 * b * h * h));
        long rotary = family.equals("opt") ? 0 : release.equals("4.44") ? (family.equals("mixtral") ? 0 : layers) : 1;
        return total.add(n.multiply(BigInteger.valueOf(2 * h * vocab))).add(BigInteger.valueOf(rotary * 2 * (d / 2) * s));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
            "opt, 4.44, eager, prefill", "opt, 4.44, eager, decode", "opt, 4.52, sdpa, prefill", "opt, 4.52, sdpa, decode", "opt, 4.52, eager, decode",
            "opt, 5.0, sdpa, prefill", "opt, 5.0, sdpa, decode", "opt, 5.0, eager, prefill", "opt, 5.0, eager, decode",
            "phi3, 4.44, sdpa, prefill", "phi3, 4.44, sdpa, decode", "phi3, 4.44, eager, decode", "phi3, 4.52, sdpa, prefill", "phi3, 4.52, sdpa, decode",
            "phi3, 5.0, sdpa, prefill", "phi3, 5.0, sdpa, decode", "phi3, 5.0, eager, prefill", "phi3, 5.0, eager, decode",
            "gemma, 4.44, sdpa, prefill", "gemma, 4.44, sdpa, decode", "gemma, 4.44, eager, decode", "gemma, 4.52, sdpa, prefill", "gemma, 4.52, sdpa, decode",
            "gemma, 5.0, sdpa, prefill", "gemma, 5.0, sdpa, decode", "gemma, 5.0, eager, prefill", "gemma, 5.0, eager, decode",
            "bert, 4.44, sdpa, prefill", "bert, 4.44, eager, prefill", "bert, 4.52, sdpa, prefill", "bert, 4.52, eager, prefill",
            "bert, 5.0, sdpa, prefill", "bert, 5.0, eager, prefill",
            "mixtral, 4.44, sdpa, prefill", "mixtral, 4.44, sdpa, decode", "mixtral, 4.44, eager, decode", "mixtral, 4.52, sdpa, prefill",
            "mixtral, 4.52, sdpa, decode", "mixtral, 5.0, sdpa, prefill", "mixtral, 5.0, sdpa, decode", "mixtral, 5.0, eager, decode"})
    void matmulFlopsEqualTheHandFormula(String family, String release, String attn, String phase) throws Exception {
        Path src = LlamaFromSourceTest.TREES.get(release);
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (fetch transformers " + release + " into .corpus/ to run this test)");
        boolean decode = phase.equals("decode");
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(LlamaFromSourceTest.index(src), new SourceAnalyzer.Request(ROOTS.get(family), values(family), Map.of(), attn, decode));
        assertTrue(r.complete() && r.tracedLines() > 0, () -> "coverage " + r.analysedLines() + "/" + r.tracedLines() + " " + r.coverage() + " " + r.diagnostics());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        ModelConfig cfg = ModelConfig.parse(family, CONFIGS.get(family));
        long[][] scenarios = decode ? LlamaFromSourceTest.DECODE : LlamaFromSourceTest.PREFILL;
        for (long[] bsc : scenarios) {
            Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, bsc[0], bsc[1], bsc[2], Dtype.BF16);
            Numbers n = new Evaluator(sc, cfg).evaluate(new Resolver(lib, false).resolve(ROOTS.get(family)).root().cumulative());
            assertEquals(expected(family, release, bsc[0], bsc[1], bsc[2]), n.matmulFlops().num(), family + " " + release + " " + attn + " b=" + bsc[0] + " s=" + bsc[1] + " c=" + bsc[2]);
        }
    }

    /**
     * Mixtral decode reads every expert's weights that receives tokens (all E of them with --set moe_experts_hit=E) once, plus
     * the other weights: the bytes billed at w_bytes are, in elements, L·(h·H·d + 2·h·K·d + H·d·h + h·E (router)
     * + copies · E·3·h·I (experts) + 2·h (norms)) + h (final norm) + V·h (LM head) + b·h (embedding rows gathered),
     * with copies = 1, and 2 in 5.0 (the copy that indexing the stacked expert weights makes, then the GEMM's read).
     */
    @ParameterizedTest(name = "mixtral {0} reads the weights of the experts that receive tokens")
    @CsvSource({"4.44, 1", "4.52, 1", "5.0, 2"})
    void mixtralDecodeReadsEveryRoutedExpertsWeights(String release, long copies) throws Exception {
        Path src = LlamaFromSourceTest.TREES.get(release);
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (fetch transformers " + release + " into .corpus/ to run this test)");
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(LlamaFromSourceTest.index(src), new SourceAnalyzer.Request(ROOTS.get("mixtral"), values("mixtral"), Map.of(), "sdpa", true));
        assertTrue(r.complete(), () -> "coverage " + r.coverage());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        ModelConfig cfg = ModelConfig.parse("mixtral", CONFIGS.get("mixtral"));
        cfg.experts().ifPresent(x -> cfg.override(ModelConfig.EXPERTS_HIT, x)); // every expert receives tokens (--set moe_experts_hit=E)
        var cost = new Resolver(lib, false).resolve(ROOTS.get("mixtral")).root().cumulative();
        long b = 2, c = 9;
        Numbers wide = new Evaluator(new Scenario(Phase.DECODE, b, 1, c, Dtype.FP32, Dtype.BF16, Dtype.BF16), cfg).evaluate(cost);
        Numbers narrow = new Evaluator(new Scenario(Phase.DECODE, b, 1, c, Dtype.BF16, Dtype.BF16, Dtype.BF16), cfg).evaluate(cost);
        Map<String, Object> v = values("mixtral");
        long h = get(v, "hidden_size", 0), heads = get(v, "num_attention_heads", 0), kv = get(v, "num_key_value_heads", 0), d = h / heads,
                inter = get(v, "intermediate_size", 0), vocab = get(v, "vocab_size", 0), layers = get(v, "num_hidden_layers", 0), e = get(v, "num_local_experts", 0);
        long elements = layers * (h * heads * d + 2 * h * kv * d + heads * d * h + h * e + copies * e * 3 * h * inter + 2 * h) + h + vocab * h + b * h;
        assertEquals(2 * elements, wide.bytesRead().subtract(narrow.bytesRead()).num().longValueExact()); // FP32 − BF16: 2 bytes per element
    }
}
