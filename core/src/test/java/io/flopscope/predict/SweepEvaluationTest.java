package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.CostNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a sweep evaluates per point: the compiled tree and the memory of one forward call. */
class SweepEvaluationTest {
    @Test void compiledTreeEqualsExactEvaluationOnEveryBuiltInModel() {
        for (Toy.Model m : Toy.builtInModels()) {
            for (Dtype[] d : new Dtype[][] {{Dtype.FP32, Dtype.FP32}, {Dtype.INT4, Dtype.BF16}}) {
                EvaluatedNode.Compiled c = EvaluatedNode.compile(m.root(), m.config(), d[0], d[1], d[1]);
                for (Scenario sc : List.of(new Scenario(Phase.PREFILL, 3, 77, 0, d[0], d[1], d[1]), new Scenario(Phase.DECODE, 5, 1, 0, d[0], d[1], d[1]),
                        new Scenario(Phase.DECODE, 2, 1, 511, d[0], d[1], d[1]), new Scenario(Phase.PREFILL, 1, 16, 100, d[0], d[1], d[1]))) {
                    assertEquals(EvaluatedNode.of(m.root(), new Evaluator(sc, m.config())), c.at(sc), m + " " + sc);
                }
            }
        }
    }

    @Test void compiledTreeHandlesPositiveAndFloorAtoms() {
        CostNode root = Toy.resolve(Toy.library(), "toy.Decoder");
        EvaluatedNode.Compiled c = EvaluatedNode.compile(root, Toy.config(), Dtype.FP32, Dtype.FP32, Dtype.FP32);
        for (long cache : new long[] {0, 1, 6, 7, 20, 21, 50, 1000}) {
            Scenario sc = Scenario.of(Phase.DECODE, 2, 1, cache, Dtype.FP32);
            assertEquals(EvaluatedNode.of(root, new Evaluator(sc, Toy.config())), c.at(sc), "cache_len " + cache);
        }
        assertThrows(IllegalArgumentException.class, () -> c.at(Scenario.of(Phase.DECODE, 1, 1, 1, Dtype.BF16)), "other dtypes");
    }

    @Test void memoryOfOneCallMatchesAGenerationRunThatStopsThere() {
        Toy.Model m = Toy.gpt2("sdpa");
        MemoryFootprint mf = new MemoryFootprint(m.root(), m.config(), Dtype.BF16, Dtype.BF16, Dtype.BF16);
        for (long[] bs : new long[][] {{1, 128}, {8, 512}, {3, 1000}}) {
            Scenario sc = Scenario.of(Phase.PREFILL, bs[0], bs[1], 0, Dtype.BF16);
            MemoryFootprint.Footprint call = mf.forCall(sc, 1, 80L << 30), run = mf.at(bs[0], bs[1], 1, 1, 80L << 30);
            assertEquals(run.totalPerDevice(), call.totalPerDevice(), "prefill of " + bs[1]);
            assertEquals(run.activationBytes(), call.activationBytes());
            assertEquals(bs[1], call.finalLength());
        }
        // a decode step at cache C holds C + 1 tokens of cache; its activations are the step's own
        Scenario step = Scenario.of(Phase.DECODE, 4, 1, 300, Dtype.BF16);
        MemoryFootprint.Footprint d = mf.forCall(step, 2, 80L << 30);
        assertEquals(301, d.finalLength());
        assertEquals(mf.kvBytesPerToken().multiply(io.flopscope.formula.Rational.of(4 * 301)), d.kvCacheBytes());
        assertTrue(d.activationBytes().compareTo(mf.forCall(Scenario.of(Phase.PREFILL, 4, 301, 0, Dtype.BF16), 2, 80L << 30).activationBytes()) < 0,
                "one token's activations are smaller than a 301-token prefill's");
        assertEquals(d.totalPerDevice().multiply(io.flopscope.formula.Rational.of(2)), d.weightBytes().add(d.kvCacheBytes()).add(d.activationBytes()), "tp=2 halves each part");
    }
}
