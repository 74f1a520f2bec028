package io.flopscope.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.diag.Diagnostic;
import io.flopscope.formula.Rational;
import io.flopscope.info.ModelInfo;
import io.flopscope.library.Library;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in model through the built-in library alone (no source, as on a fresh machine): its parameter
 * count equals the publisher's (sources in each models/*.json), its matmul FLOPs equal the formula below, derived
 * by hand from the transformers 5.18 modeling files, at two prefill and two decode scenarios and when
 * batch_size, seq_len and cache_len double, and a decode step reads every weight once plus the KV cache.
 *
 * <p>Per layer and token: the q, k, v and o projections {@code 2·h·(H·d + 2·K·d) + 2·H·d·h} (H heads, K key/value
 * heads of width d); the MLP {@code 6·h·I} when gated (Llama, Mistral, Qwen2, Phi-3, Gemma), {@code 4·h·I} with two
 * matrices (GPT-2, OPT, BERT), Mixtral's and Qwen3-MoE's router {@code 2·h·E} plus {@code top_k} gated experts per
 * token (balanced routing); DeepSeek-V3: low-rank q and kv projections (multi-head latent attention), dense MLPs below
 * first_k_dense_replace, then top_k routed plus the shared experts; attention {@code 2·H·(d_k + d_v)·(s + c)} per
 * query (torch counts the whole rectangle). Then the head
 * ({@code 2·h·V} per token; BERT's MLM head adds its {@code 2·h·h} transform) and the rotary embedding's
 * {@code inv_freq @ position_ids}, {@code 2·(d/2)·s} per call, called R times per forward.
 */
class FamiliesAcceptanceTest {

    static Stream<Arguments> models() { return BuiltInModels.all().stream().map(c -> Arguments.of(c.name())); }

    static CostNode resolve(ModelConfig cfg, String attn) {
        Library lib = Library.builtIn();
        assertTrue(lib.useImplementation(attn));
        ConfigConditions.selectVariants(lib, cfg);
        Resolver.Resolution r = new Resolver(lib, false).resolve(cfg.rootClass().orElseThrow());
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::toString).toList(), cfg.name());
        assertTrue(r.root().complete(), () -> cfg.name() + ": " + r.root().unknowns());
        assertEquals(List.of(), ConfigConditions.check(r.root(), lib, cfg).stream().map(Diagnostic::toString).toList(), cfg.name());
        return r.root();
    }

    private static long v(ModelConfig c, String field) { return c.value(field).orElseThrow(() -> new AssertionError(c.name() + ": no " + field)).num().longValueExact(); }

    private static long v(ModelConfig c, String field, long otherwise) { return c.value(field).map(x -> x.num().longValueExact()).orElse(otherwise); }

    /**
     * The rotary embedding's inv_freq @ position_ids: once per forward in transformers 5.x (the built-in library's
     * release), once per distinct layer type where each has its own (Gemma 3: sliding and full layers).
     */
    static long rotaryCalls(ModelConfig c) {
        return switch (c.modelType()) {
            case "llama", "mistral", "phi3", "gemma", "qwen2", "mixtral", "qwen3", "qwen3_moe", "gemma2", "deepseek_v3" -> 1;
            case "gemma3_text" -> {
                // 5.18's Gemma3TextConfig: every sliding_window_pattern-th layer is full attention, the rest sliding
                long pattern = v(c, "sliding_window_pattern", 6), n = layers(c);
                yield n >= pattern ? 2 : 1;
            }
            default -> 0;
        };
    }

    static long layers(ModelConfig c) { return c.modelType().equals("gpt2") ? v(c, "n_layer") : v(c, "num_hidden_layers"); }
    static long hidden(ModelConfig c) { return c.modelType().equals("gpt2") ? v(c, "n_embd") : v(c, "hidden_size"); }
    static long heads(ModelConfig c) { return c.modelType().equals("gpt2") ? v(c, "n_head") : v(c, "num_attention_heads"); }
    static long headDim(ModelConfig c) { return v(c, "head_dim", hidden(c) / heads(c)); }
    static boolean mla(ModelConfig c) { return c.modelType().equals("deepseek_v3"); }
    /** Width of a query/key head and of a value head (multi-head latent attention: nope + rope, and v_head_dim). */
    static long keyDim(ModelConfig c) { return mla(c) ? v(c, "qk_nope_head_dim") + v(c, "qk_rope_head_dim") : headDim(c); }
    static long valueDim(ModelConfig c) { return mla(c) ? v(c, "v_head_dim") : headDim(c); }
    /** The rotary embedding's width: the head, or MLA's rope part. */
    static long rotaryDim(ModelConfig c) { return mla(c) ? v(c, "qk_rope_head_dim") : headDim(c); }
    /** Matmul FLOPs of attention per query-key pair: scores over the key width, then the values. */
    static long attentionPerPair(ModelConfig c) { return 2 * heads(c) * (keyDim(c) + valueDim(c)); }

    /** Per token, summed over the layers: the q, k, v and o projections and the MLP. */
    static long perToken(ModelConfig c) {
        String t = c.modelType();
        long L = layers(c), h = hidden(c), H = heads(c), d = headDim(c);
        long K = v(c, "num_key_value_heads", H);
        long I = switch (t) {
            case "gpt2" -> v(c, "n_inner", 4 * h);
            case "opt" -> v(c, "ffn_dim");
            default -> v(c, "intermediate_size");
        };
        long attn = 2 * h * (H * d + 2 * K * d) + 2 * H * d * h;
        if (mla(c)) {
            long ql = v(c, "q_lora_rank"), kvl = v(c, "kv_lora_rank"), rope = v(c, "qk_rope_head_dim");
            // kv_b_proj expands the cached latents: counted per cached token in kvExpand
            attn = 2 * h * ql + 2 * ql * H * keyDim(c) + 2 * h * (kvl + rope) + 2 * H * valueDim(c) * h;
        }
        long total = 0;
        for (long layer = 0; layer < L; layer++) {
            long mlp = switch (t) {
                case "gpt2", "opt", "bert" -> 4 * h * I;
                case "mixtral" -> 2 * h * v(c, "num_local_experts") + v(c, "num_experts_per_tok") * 6 * h * I;
                // Qwen3-30B-A3B: every layer sparse (decoder_sparse_step 1, no mlp_only_layers)
                case "qwen3_moe" -> 2 * h * v(c, "num_experts") + v(c, "num_experts_per_tok") * 6 * h * v(c, "moe_intermediate_size");
                // dense below first_k_dense_replace; then a router over the routed experts, top_k of them and the shared ones
                case "deepseek_v3" -> layer < v(c, "first_k_dense_replace") ? 6 * h * I
                        : 2 * h * v(c, "n_routed_experts") + (v(c, "num_experts_per_tok") + v(c, "n_shared_experts")) * 6 * h * v(c, "moe_intermediate_size");
                default -> 6 * h * I;
            };
            total += attn + mlp;
        }
        return total;
    }

    /**
     * Per layer and per token in the cache (the new ones included), each step: transformers 5.x DeepSeek-V3 caches the
     * compressed latents and expands all of them with kv_b_proj every forward ({@code expand_kv}); 0 elsewhere.
     */
    static long kvExpand(ModelConfig c) {
        return mla(c) ? 2 * v(c, "kv_lora_rank") * heads(c) * (v(c, "qk_nope_head_dim") + valueDim(c)) : 0;
    }

    static BigInteger handMatmul(ModelConfig c, long b, long s, long cache) {
        String t = c.modelType();
        long h = hidden(c), V = v(c, "vocab_size");
        BigInteger tokens = BigInteger.valueOf(b * s);
        BigInteger layers = tokens.multiply(BigInteger.valueOf(perToken(c)))
                .add(BigInteger.valueOf(layers(c) * attentionPerPair(c)).multiply(BigInteger.valueOf(b * s * (s + cache))))
                .add(BigInteger.valueOf(layers(c) * kvExpand(c)).multiply(BigInteger.valueOf(b * (s + cache))));
        long head = 2 * h * V + (t.equals("bert") ? 2 * h * h : 0);
        return layers.add(tokens.multiply(BigInteger.valueOf(head))).add(BigInteger.valueOf(rotaryCalls(c) * 2 * (rotaryDim(c) / 2) * s));
    }

    static BigInteger matmul(CostNode root, ModelConfig c, Phase p, long b, long s, long cache) {
        return new Evaluator(Scenario.of(p, b, s, cache, Dtype.BF16), c).evaluate(root.cumulative().matmulFlops()).num();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matmulFlopsFollowTheHandFormulaAndScale(String model) {
        ModelConfig c = BuiltInModels.find(model).orElseThrow();
        boolean encoder = c.modelType().equals("bert");
        for (String attn : List.of("sdpa", "eager")) {
            CostNode root = resolve(c, attn);
            for (long[] x : new long[][] {{1, 128}, {3, 37}, {2, 256}, {6, 37}, {3, 74}}) {
                assertEquals(handMatmul(c, x[0], x[1], 0), matmul(root, c, Phase.PREFILL, x[0], x[1], 0), model + " " + attn + " prefill b=" + x[0] + " s=" + x[1]);
            }
            // doubling, on the numbers themselves: batch_size doubles everything but the rotary matmul (position_ids has
            // batch 1); seq_len doubles the projections and the rotary term and quadruples the attention rectangle
            long L = layers(c), pair = attentionPerPair(c);
            BigInteger rot = BigInteger.valueOf(rotaryCalls(c) * 2 * (rotaryDim(c) / 2) * 37);
            BigInteger f = matmul(root, c, Phase.PREFILL, 3, 37, 0);
            assertEquals(f.multiply(BigInteger.TWO).subtract(rot), matmul(root, c, Phase.PREFILL, 6, 37, 0), model + " batch doubles");
            BigInteger att = BigInteger.valueOf(L * pair * 3 * 37 * 37);
            assertEquals(f.subtract(att).multiply(BigInteger.TWO).add(att.shiftLeft(2)), matmul(root, c, Phase.PREFILL, 3, 74, 0), model + " seq_len doubles");
            if (!encoder) {
                // a decode step: doubling cache_len doubles the part of attention that reads the cache
                BigInteger g = matmul(root, c, Phase.DECODE, 2, 1, 100), cached = BigInteger.valueOf(L * (pair + kvExpand(c)) * 2 * 100);
                assertEquals(g.add(cached), matmul(root, c, Phase.DECODE, 2, 1, 200), model + " cache_len doubles");
            }
            if (encoder) continue;
            for (long[] x : new long[][] {{1, 128}, {3, 17}, {2, 128}, {1, 256}}) {
                assertEquals(handMatmul(c, x[0], 1, x[1]), matmul(root, c, Phase.DECODE, x[0], 1, x[1]), model + " " + attn + " decode b=" + x[0] + " c=" + x[1]);
            }
        }
    }

    /**
     * A decode step reads each weight once (an input embedding not tied to the head: the gathered rows only; Mixtral:
     * every expert, as balanced routing sends each one tokens) plus the key/value cache of every layer; what is left
     * is one token's activations per sequence.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void decodeReadsTheWeightsOnceAndTheKvCache(String model) {
        ModelConfig c = BuiltInModels.find(model).orElseThrow();
        if (c.modelType().equals("bert")) return; // an encoder keeps no cache
        // every expert receiving tokens, so that every weight is read (by default a step reads the experts it reaches)
        c.experts().ifPresent(e -> c.override(ModelConfig.EXPERTS_HIT, e));
        CostNode root = resolve(c, "sdpa");
        ModelInfo info = ModelInfo.of(root, c, Dtype.BF16, Dtype.BF16);
        Rational untiedTables = Rational.ZERO;
        for (ModelInfo.Module m : embeddings(info.tree())) if (!m.tied()) untiedTables = untiedTables.add(m.parameters());
        Rational weights = info.parameters().subtract(untiedTables).multiply(Rational.of(2));
        for (long[] x : new long[][] {{1, 128}, {4, 1000}}) {
            long b = x[0], cache = x[1];
            Rational kv = info.kvCacheBytesPerToken().multiply(Rational.of(b * cache));
            Rational read = new Evaluator(Scenario.of(Phase.DECODE, b, 1, cache, Dtype.BF16), c).evaluate(root.cumulative().bytesRead());
            Rational rest = read.subtract(weights).subtract(kv);
            assertTrue(rest.signum() >= 0, model + ": decode reads " + read + " < weights " + weights + " + KV cache " + kv);
            // the rest: one token's activations per sequence, and the cache read again: 4.44 concatenates it with the new
            // token (one read), and grouped-query attention copies it to every query head (repeat_kv: one more read, then
            // attention reads the n_rep times larger copy), so at most (1 + n_rep) more cache reads
            long nRep = heads(c) / v(c, "num_key_value_heads", heads(c));
            assertTrue(rest.compareTo(weights.multiply(Rational.of(1, 20)).add(kv.multiply(Rational.of(1 + (nRep == 1 ? 0 : nRep))))) < 0,
                    model + ": beyond weights and cache " + rest + " (weights " + weights + ", cache " + kv + ")");
        }
    }

    /**
     * Mixtral's routing assumption: by default a call reaches the experts uniform top-k routing reaches on average,
     * E·(1 − (1 − k/E)^tokens): 2 of 8 for one sequence's decode step; {@code --set moe_experts_hit=8} (every expert)
     * keeps the FLOPs and adds the reads of the six idle experts' weights in every layer.
     */
    @org.junit.jupiter.api.Test
    void mixtralCountsTopKExpertsPerTokenAndReadsTheExpertsThatReceiveTokens() {
        ModelConfig c = BuiltInModels.find("Mixtral-8x7B-v0.1").orElseThrow();
        CostNode root = resolve(c, "sdpa");
        Scenario sc = Scenario.of(Phase.DECODE, 1, 1, 128, Dtype.BF16);
        var expected = new Evaluator(sc, c).evaluate(root.cumulative());
        ModelConfig all = BuiltInModels.find("Mixtral-8x7B-v0.1").orElseThrow();
        all.override("moe_experts_hit", Rational.of(8));
        var every = new Evaluator(sc, all).evaluate(root.cumulative());
        // top_k = 2 gated experts per token either way: the hand formula's FLOPs
        assertEquals(handMatmul(c, 1, 1, 128), expected.matmulFlops().num());
        assertEquals(expected.matmulFlops(), every.matmulFlops());
        assertEquals(Rational.of(2), c.expertsHit(1).orElseThrow(), "one token reaches its top 2");
        assertEquals(Rational.of(8).multiply(Rational.ONE.subtract(Rational.of(3, 4).multiply(Rational.of(3, 4)))), c.expertsHit(2).orElseThrow(), "8·(1 − (6/8)²)");
        long expert = 3L * v(c, "hidden_size") * v(c, "intermediate_size");
        Rational idle = Rational.of(6 * expert * v(c, "num_hidden_layers") * 2);
        Rational saved = every.bytesRead().subtract(expected.bytesRead());
        // what else changes is the routing bookkeeping (a few int64 per layer)
        assertTrue(saved.compareTo(idle) >= 0 && saved.subtract(idle).compareTo(Rational.of(128 * v(c, "num_hidden_layers"))) <= 0, saved + " vs " + idle);
        // a batch of 32 reaches nearly all: 8·(1 − 0.75^32)
        Rational b32 = c.expertsHit(32).orElseThrow();
        assertTrue(b32.compareTo(Rational.of(7)) > 0 && b32.compareTo(Rational.of(8)) < 0, b32.toString());
    }

    private static List<ModelInfo.Module> embeddings(ModelInfo.Module m) {
        List<ModelInfo.Module> out = new java.util.ArrayList<>();
        if (m.className().equals("torch.nn.modules.sparse.Embedding")) out.add(m);
        for (ModelInfo.Module k : m.children()) out.addAll(embeddings(k));
        return out;
    }
}
