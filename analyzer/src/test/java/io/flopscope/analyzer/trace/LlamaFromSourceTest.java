package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Llama family (Llama, and Mistral and Qwen2 that share its code) analysed from the real transformers source of
 * three releases (4.44, 4.52 and 5.0, in the git-ignored .corpus/): every traced line analysed, prefill and decode,
 * sdpa and eager, and matmul FLOPs equal to a formula derived by hand:
 *
 * <pre>
 *   n = b·s tokens, c cached tokens, h hidden, H heads, K key/value heads, d = h / H head width, I intermediate, V vocab, L layers
 *   per layer   2·n·h·(H·d + 2·K·d)      q, k, v projections
 *             + 2·n·H·d·h                o projection
 *             + 3 · 2·n·h·I              gate, up, down (SwiGLU)
 *             + 2 · 2·b·H·s·(s + c)·d    Q·Kᵀ and P·V over the full s × (s + c) rectangle
 *   LM head     2·n·h·V                  (logits_to_keep = 0: every position)
 *   RoPE        R · 2·(d/2)·s            inv_freq @ position_ids; position_ids is cache_position.unsqueeze(0), batch 1;
 *                                        R = 1 call per forward (the model computes cos/sin once), except Mistral 4.44
 *                                        (R = L: every attention layer calls its rotary module) and Qwen2 4.44 (R = 0:
 *                                        cos/sin are gathered from a cache built in __init__)
 * </pre>
 *
 * The oracle (torch FlopCounterMode on transformers 5.x) measured 6,684,928 FLOPs for the tiny config below at
 * b = 2, s = 16 and 411,664 for a decode step at b = 2, c = 9: the formula's values.
 */
class LlamaFromSourceTest {
    static final Map<String, Path> TREES = Map.of(
            "4.44", Path.of("../.corpus/transformers-4.44.0.dev0-50c3ba889a/src"),
            "4.52", Path.of("../.corpus/transformers-4.52.0.dev0-f834d368f6/src"),
            "5.0", Path.of("../.corpus/transformers-5.0.0.dev0-d6a6c82680/src"),
            // released wheels (tools/fetch-corpus.sh)
            "4.57", Path.of("../.corpus/transformers-4.57.6/src"),
            "5.17", Path.of("../.corpus/transformers-5.17.0/src"),
            "5.18", Path.of("../.corpus/transformers-5.18.0/src"));

    /** A tiny grouped-query Llama (4 heads, 2 key/value heads), the shape of a Llama-2-7b and of a Llama-3-8B. */
    static final String TINY = "{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":176,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
            + "\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-05,\"hidden_act\":\"silu\","
            + "\"tie_word_embeddings\":false,\"rope_theta\":10000.0}";
    static final String LLAMA2_7B = "{\"model_type\":\"llama\",\"hidden_size\":4096,\"intermediate_size\":11008,\"num_attention_heads\":32,"
            + "\"num_key_value_heads\":32,\"num_hidden_layers\":32,\"vocab_size\":32000,\"max_position_embeddings\":4096,\"rms_norm_eps\":1e-05,"
            + "\"hidden_act\":\"silu\",\"tie_word_embeddings\":false,\"rope_theta\":10000.0,\"attention_bias\":false,\"mlp_bias\":false}";
    static final String LLAMA3_8B = "{\"model_type\":\"llama\",\"hidden_size\":4096,\"intermediate_size\":14336,\"num_attention_heads\":32,"
            + "\"num_key_value_heads\":8,\"num_hidden_layers\":32,\"vocab_size\":128256,\"max_position_embeddings\":8192,\"rms_norm_eps\":1e-05,"
            + "\"hidden_act\":\"silu\",\"tie_word_embeddings\":false,\"rope_theta\":500000.0}";
    static final String MISTRAL_TINY = "{\"model_type\":\"mistral\",\"hidden_size\":64,\"intermediate_size\":224,\"num_attention_heads\":4,"
            + "\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-05,"
            + "\"hidden_act\":\"silu\",\"tie_word_embeddings\":false,\"rope_theta\":10000.0,\"sliding_window\":4096}";
    static final String QWEN2_TINY = "{\"model_type\":\"qwen2\",\"hidden_size\":64,\"intermediate_size\":176,\"num_attention_heads\":4,"
            + "\"num_key_value_heads\":2,\"num_hidden_layers\":2,\"vocab_size\":128,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-06,"
            + "\"hidden_act\":\"silu\",\"tie_word_embeddings\":true,\"rope_theta\":1000000.0,\"use_sliding_window\":false,\"sliding_window\":4096,"
            + "\"max_window_layers\":2}";
    static final Map<String, String> CONFIGS = Map.of("tiny", TINY, "llama2-7b", LLAMA2_7B, "llama3-8b", LLAMA3_8B,
            "mistral-tiny", MISTRAL_TINY, "qwen2-tiny", QWEN2_TINY,
            "mistral-w8", MISTRAL_TINY.replace("\"sliding_window\":4096", "\"sliding_window\":8"));
    static final Map<String, String> ROOTS = Map.of(
            "llama", "transformers.models.llama.modeling_llama.LlamaForCausalLM",
            "mistral", "transformers.models.mistral.modeling_mistral.MistralForCausalLM",
            "qwen2", "transformers.models.qwen2.modeling_qwen2.Qwen2ForCausalLM");

    private static final Map<Path, IndexLookup> INDEXES = new HashMap<>();

    static synchronized IndexLookup index(Path p) { return INDEXES.computeIfAbsent(p, x -> new IndexLookup(SourceIndex.open(x))); }

    static ModelConfig config(String name) { return ModelConfig.parse(name, CONFIGS.get(name)); }

    static Map<String, Object> values(String name) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(CONFIGS.get(name), LinkedHashMap.class);
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Integer i ? (Object) (long) i : v));
        return out;
    }

    /** Analyses the family's root class; asserts that every traced line was analysed; returns the library to compose with. */
    static Library analyse(String release, String family, String cfg, String attn, boolean decode) throws Exception {
        Path src = TREES.get(release);
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (fetch transformers " + release + " into .corpus/ to run this test)");
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(index(src), new SourceAnalyzer.Request(ROOTS.get(family), values(cfg), Map.of(), attn, decode));
        assertTrue(r.complete() && r.tracedLines() > 0, () -> family + " " + release + " " + attn + (decode ? " decode" : " prefill") + ": coverage "
                + r.analysedLines() + "/" + r.tracedLines() + " " + r.coverage() + " " + r.diagnostics());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        return lib;
    }

    static Numbers cost(Library lib, String family, String cfg, Scenario sc) {
        return new Evaluator(sc, config(cfg)).evaluate(new Resolver(lib, false).resolve(ROOTS.get(family)).root().cumulative());
    }

    /** The hand formula of the class comment; rotaryCalls is R. */
    static BigInteger expectedMatmul(String cfg, long b, long s, long c, long rotaryCalls) throws Exception {
        Map<String, Object> v = values(cfg);
        long h = (Long) v.get("hidden_size"), heads = (Long) v.get("num_attention_heads"), kv = (Long) v.get("num_key_value_heads"),
                inter = (Long) v.get("intermediate_size"), vocab = (Long) v.get("vocab_size"), layers = (Long) v.get("num_hidden_layers");
        long d = h / heads;
        BigInteger n = BigInteger.valueOf(b * s);
        BigInteger perLayer = n.multiply(BigInteger.valueOf(2 * h * (heads * d + 2 * kv * d)))
                .add(n.multiply(BigInteger.valueOf(2 * heads * d * h)))
                .add(n.multiply(BigInteger.valueOf(6 * h * inter)))
                .add(BigInteger.valueOf(4 * b * heads * s * (s + c) * d));
        return perLayer.multiply(BigInteger.valueOf(layers))
                .add(n.multiply(BigInteger.valueOf(2 * h * vocab)))
                .add(BigInteger.valueOf(rotaryCalls * 2 * (d / 2) * s));
    }

    static long rotaryCalls(String family, String release, String cfg) throws Exception {
        if (release.equals("4.44") && family.equals("mistral")) return (Long) values(cfg).get("num_hidden_layers");
        if (release.equals("4.44") && family.equals("qwen2")) return 0;
        return 1;
    }

    static void assertMatmul(String release, String family, String cfg, String attn, boolean decode, long[][] scenarios) throws Exception {
        Library lib = analyse(release, family, cfg, attn, decode);
        for (long[] bsc : scenarios) {
            long b = bsc[0], s = bsc[1], c = bsc[2];
            Numbers n = cost(lib, family, cfg, Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.BF16));
            assertEquals(expectedMatmul(cfg, b, s, c, rotaryCalls(family, release, cfg)), n.matmulFlops().num(),
                    family + " " + release + " " + attn + " b=" + b + " s=" + s + " c=" + c);
        }
    }

    static final long[][] PREFILL = {{1, 128, 0}, {2, 128, 0}, {1, 256, 0}, {3, 7, 0}};
    static final long[][] DECODE = {{1, 1, 128}, {2, 1, 128}, {1, 1, 256}, {4, 1, 17}};

    @ParameterizedTest(name = "llama {0} {1} {2} {3}")
    @CsvSource({
            "4.44, tiny, sdpa, prefill", "4.44, tiny, sdpa, decode", "4.44, tiny, eager, prefill", "4.44, tiny, eager, decode",
            "4.52, tiny, sdpa, prefill", "4.52, tiny, sdpa, decode", "4.52, tiny, eager, prefill", "4.52, tiny, eager, decode",
            "5.0, tiny, sdpa, prefill", "5.0, tiny, sdpa, decode", "5.0, tiny, eager, prefill", "5.0, tiny, eager, decode",
            "4.44, llama2-7b, sdpa, prefill", "4.44, llama2-7b, sdpa, decode", "4.44, llama2-7b, eager, decode",
            "5.0, llama2-7b, sdpa, prefill", "5.0, llama2-7b, sdpa, decode", "5.0, llama2-7b, eager, decode",
            "4.44, llama3-8b, sdpa, prefill", "4.44, llama3-8b, sdpa, decode",
            "5.0, llama3-8b, sdpa, prefill", "5.0, llama3-8b, sdpa, decode"})
    void llamaMatmulFlopsEqualTheHandFormula(String release, String cfg, String attn, String phase) throws Exception {
        assertMatmul(release, "llama", cfg, attn, phase.equals("decode"), phase.equals("decode") ? DECODE : PREFILL);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
            "mistral, 4.44, sdpa, prefill", "mistral, 4.44, sdpa, decode", "mistral, 4.44, eager, decode",
            "mistral, 4.52, sdpa, prefill", "mistral, 4.52, sdpa, decode", "mistral, 4.52, eager, decode",
            "mistral, 5.0, sdpa, prefill", "mistral, 5.0, sdpa, decode", "mistral, 5.0, eager, decode",
            "qwen2, 4.44, sdpa, prefill", "qwen2, 4.44, sdpa, decode", "qwen2, 4.44, eager, decode",
            "qwen2, 4.52, sdpa, prefill", "qwen2, 4.52, sdpa, decode", "qwen2, 4.52, eager, decode",
            "qwen2, 5.0, sdpa, prefill", "qwen2, 5.0, sdpa, decode", "qwen2, 5.0, eager, decode"})
    void mistralAndQwen2MatmulFlopsEqualTheHandFormula(String family, String release, String attn, String phase) throws Exception {
        // the sliding window (4096 in config.json) only adds a mask where the context is longer: not in these scenarios
        assertMatmul(release, family, family + "-tiny", attn, phase.equals("decode"), phase.equals("decode") ? DECODE : PREFILL);
    }

    /**
     * transformers 5.x builds the decode cache from the config: with a sliding window w every layer keeps the last
     * w − 1 tokens, so a decode step attends to min(c, w − 1) + 1 keys; 4.x caches keep everything and mask.
     */
    @ParameterizedTest(name = "mistral sliding window 8, {0}")
    @CsvSource({"5.0, true", "4.52, false"})
    void slidingWindowCacheBoundsTheKeysOfADecodeStep(String release, boolean truncates) throws Exception {
        Library lib = analyse(release, "mistral", "mistral-w8", "sdpa", true);
        long rot = rotaryCalls("mistral", release, "mistral-w8");
        for (long c : new long[] {3, 7, 9, 100}) {
            Numbers n = cost(lib, "mistral", "mistral-w8", Scenario.of(Phase.DECODE, 2, 1, c, Dtype.BF16));
            long keys = truncates ? Math.min(c, 7) : c;
            assertEquals(expectedMatmul("mistral-w8", 2, 1, keys, rot), n.matmulFlops().num(), "c=" + c);
        }
    }

    /**
     * Grouped-query attention reads num_key_value_heads worth of cache: the bytes billed at kv_bytes grow per cached
     * token by 2 (keys and values) · b · K · d per layer for the cache update's concatenation, and as much again in 4.x
     * for repeat_kv, whose copy of the broadcast heads reads each key/value head once (5.x passes enable_gqa to SDPA).
     */
    @ParameterizedTest(name = "GQA cache reads {0} {1}")
    @CsvSource({"4.44, tiny, 2", "4.52, tiny, 2", "5.0, tiny, 1", "4.44, llama3-8b, 2", "5.0, llama3-8b, 1", "4.44, llama2-7b, 1", "5.0, llama2-7b, 1"})
    void groupedQueryAttentionReadsKeyValueHeadsOfCache(String release, String cfg, long copiesPerToken) throws Exception {
        Library lib = analyse(release, "llama", cfg, "sdpa", true);
        Map<String, Object> v = values(cfg);
        long b = 2, layers = (Long) v.get("num_hidden_layers"), kv = (Long) v.get("num_key_value_heads"),
                d = (Long) v.get("hidden_size") / (Long) v.get("num_attention_heads");
        long[] perKvByte = new long[2];
        for (int i = 0; i < 2; i++) {
            long c = 100 + i;
            Numbers wide = cost(lib, "llama", cfg, new Scenario(Phase.DECODE, b, 1, c, Dtype.BF16, Dtype.BF16, Dtype.FP32));
            Numbers narrow = cost(lib, "llama", cfg, new Scenario(Phase.DECODE, b, 1, c, Dtype.BF16, Dtype.BF16, Dtype.BF16));
            perKvByte[i] = wide.bytesRead().subtract(narrow.bytesRead()).num().longValueExact() / 2; // FP32 − BF16 = 2 bytes per element
        }
        assertEquals(layers * copiesPerToken * 2 * b * kv * d, perKvByte[1] - perKvByte[0]);
    }

    /** 5.x passes grouped keys and values to SDPA with enable_gqa: the fused kernel reads each key/value head once. */
    @org.junit.jupiter.api.Test
    void gqaSdpaReadsKeyValueHeadsOnce() throws Exception {
        Library lib = analyse("5.0", "llama", "tiny", "sdpa", true);
        var root = new Resolver(lib, false).resolve(ROOTS.get("llama")).root();
        var sdpa = find(root, "torch.nn.functional.scaled_dot_product_attention");
        long b = 3, c = 40, heads = 4, kv = 2, d = 16;
        Scenario sc = new Scenario(Phase.DECODE, b, 1, c, Dtype.BF16, Dtype.BF16, Dtype.BF16);
        Numbers n = new io.flopscope.evaluate.Evaluator(sc, config("tiny")).evaluate(sdpa.cumulative());
        // Q of every query head, K and V of the key/value heads only, over the cache and the new token
        assertEquals(java.math.BigInteger.valueOf((b * heads * d + b * kv * (c + 1) * 2 * d) * 2), n.bytesRead().num());
    }

    private static io.flopscope.resolve.CostNode find(io.flopscope.resolve.CostNode n, String cls) {
        if (n.className().equals(cls)) return n;
        for (var k : n.kernels()) for (var call : k.calls()) { var x = find(call.node(), cls); if (x != null) return x; }
        return null;
    }
}
