package io.flopscope.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.library.Library;
import io.flopscope.resolve.Cost;
import io.flopscope.resolve.Resolver;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPT-2 from the built-in library against torch's FlopCounterMode. The matmul figures in the CSV were
 * measured with ../shared/oracle (torch 2.13 CPU, transformers 5.18, random weights, logits at every position)
 * and agree with the hand formula L·(24·n·h² + 4·n·kv·h) + 2·n·h·V, n = b·s, kv = s + c.
 */
class Gpt2AcceptanceTest {
    static final String ROOT = "transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel";

    static Cost cost(String attn, boolean causal) {
        Library lib = Library.builtIn();
        lib.useImplementation(attn);
        Resolver.Resolution r = new Resolver(lib, causal).resolve(ROOT);
        assertTrue(r.root().complete(), () -> "unanalysed: " + r.root().unknowns());
        assertTrue(!r.hasErrors(), () -> "diagnostics: " + r.diagnostics());
        return r.root().cumulative();
    }

    static BigInteger handFormula(long L, long h, long V, long b, long s, long c) {
        BigInteger n = BigInteger.valueOf(b * s), H = BigInteger.valueOf(h), kv = BigInteger.valueOf(s + c);
        BigInteger perLayer = BigInteger.valueOf(24).multiply(n).multiply(H).multiply(H).add(BigInteger.valueOf(4).multiply(n).multiply(kv).multiply(H));
        return perLayer.multiply(BigInteger.valueOf(L)).add(BigInteger.TWO.multiply(n).multiply(H).multiply(BigInteger.valueOf(V)));
    }

    @ParameterizedTest(name = "{0} {1} b={2} s={3} c={4}")
    @CsvSource({
            // model, attn, batch, seq, cache, oracle matmul FLOPs (FlopCounterMode)
            "gpt2, eager, 1, 128, 0, 32228179968",
            "gpt2, sdpa, 1, 128, 0, 32228179968",
            "gpt2, eager, 1, 1, 128, 251819520",
            "gpt2, sdpa, 1, 1, 128, 251819520",
            "gpt2, eager, 2, 64, 0, 31926190080",
            "gpt2, sdpa, 3, 1, 17, 743182848",
    })
    void matmulFlopsEqualFlopCounterMode(String model, String attn, long b, long s, long c, String oracle) {
        ModelConfig cfg = BuiltInModels.find(model).orElseThrow();
        Evaluator ev = new Evaluator(Scenario.of(s == 1 && c > 0 ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.FP32), cfg);
        Rational matmul = ev.evaluate(cost(attn, false).matmulFlops());
        assertEquals(new BigInteger(oracle), matmul.num());
        assertEquals(handFormula(12, 768, 50257, b, s, c), matmul.num());
    }

    @ParameterizedTest
    @CsvSource({"gpt2-medium, 24, 1024", "gpt2-large, 36, 1280", "gpt2-xl, 48, 1600", "distilgpt2, 6, 768"})
    void everySizeFollowsTheHandFormula(String model, long layers, long width) {
        ModelConfig cfg = BuiltInModels.find(model).orElseThrow();
        Cost c = cost("sdpa", false);
        for (long[] sc : new long[][] {{1, 128, 0}, {4, 1, 300}, {8, 77, 9}}) {
            Evaluator ev = new Evaluator(Scenario.of(Phase.PREFILL, sc[0], sc[1], sc[2], Dtype.BF16), cfg);
            assertEquals(handFormula(layers, width, 50257, sc[0], sc[1], sc[2]), ev.evaluate(c.matmulFlops()).num(), model);
        }
    }

    /** Decode reads every weight once (lm_head carries the tied wte) plus the whole KV cache. */
    @ParameterizedTest
    @CsvSource({"1, 128", "4, 1000"})
    void decodeBytesCoverWeightsAndCache(long b, long c) {
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Cost cost = cost("sdpa", false);
        Evaluator ev = new Evaluator(Scenario.of(Phase.DECODE, b, 1, c, Dtype.BF16), cfg);
        BigInteger read = ev.evaluate(cost.bytesRead()).num();
        long L = 12, h = 768, V = 50257, inner = 3072;
        // weights and biases of every Linear/Conv1D, LayerNorm parameters, and the lm_head (= wte) matrix
        long layerParams = (h * 3 * h + 3 * h) + (h * h + h) + (h * inner + inner) + (inner * h + h) + 2 * (2 * h);
        long weights = L * layerParams + 2 * h + V * h;
        // 4.44 keeps a tuple cache: torch.cat reads the past keys/values and writes past+new,
        // then SDPA reads all kv_len keys and values again, so the cache is read twice per step
        long kvCacheRead = 2 * L * 2 * b * c * h;
        BigInteger floor = BigInteger.valueOf(2 * (weights + kvCacheRead));
        assertTrue(read.compareTo(floor) >= 0, read + " < " + floor);
        // what is left is one token per sequence of activations: under 2% of the weights at these sizes
        assertTrue(read.subtract(floor).compareTo(BigInteger.valueOf(2 * weights * 2 / 100)) < 0, read + " vs " + floor);
    }

    @ParameterizedTest
    @CsvSource({"1, 128, 0", "2, 16, 48"})
    void causalCountsOnlyUnmaskedPairs(long b, long s, long c) {
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Evaluator ev = new Evaluator(Scenario.of(Phase.PREFILL, b, s, c, Dtype.FP32), cfg);
        BigInteger full = ev.evaluate(cost("sdpa", false).matmulFlops()).num();
        BigInteger causal = ev.evaluate(cost("sdpa", true).matmulFlops()).num();
        long pairsFull = s * (s + c), pairsCausal = s * c + s * (s + 1) / 2;
        // two products, 2·head_dim FLOPs per pair each, over b·heads: 4·b·h per pair and layer
        assertEquals(BigInteger.valueOf(12L * 4 * b * 768 * (pairsFull - pairsCausal)), full.subtract(causal));
    }

    @ParameterizedTest
    @CsvSource({"eager", "sdpa"})
    void scalingLawsHoldWhenDimensionsDouble(String attn) {
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Poly m = cost(attn, false).matmulFlops();
        java.util.function.BiFunction<Long, Long, BigInteger> at = (bb, ss) -> new Evaluator(Scenario.of(Phase.PREFILL, bb, ss, 0, Dtype.FP32), cfg).evaluate(m).num();
        assertEquals(at.apply(1L, 64L).multiply(BigInteger.TWO).subtract(BigInteger.ZERO), at.apply(2L, 64L));
        // doubling seq_len doubles the linear part and quadruples the attention part
        BigInteger lin = handFormula(12, 768, 50257, 1, 64, 0).subtract(BigInteger.valueOf(12L * 4 * 64 * 64 * 768));
        BigInteger att = BigInteger.valueOf(12L * 4 * 64 * 64 * 768);
        assertEquals(lin.multiply(BigInteger.TWO).add(att.multiply(BigInteger.valueOf(4))), at.apply(1L, 128L));
    }
}
