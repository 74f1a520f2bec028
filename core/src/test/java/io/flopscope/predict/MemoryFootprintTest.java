package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import io.flopscope.formula.Rational;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryFootprintTest {
    /** Published parameter counts (Hugging Face model cards / num_parameters()). */
    @ParameterizedTest
    @CsvSource({"gpt2, 124439808", "gpt2-medium, 354823168", "gpt2-large, 774030080", "gpt2-xl, 1557611200", "distilgpt2, 81912576"})
    void parametersMatchThePublishedCounts(String model, long published) {
        for (String attn : new String[] {"sdpa", "eager"}) {
            Toy.Model m = Toy.model(model, attn);
            MemoryFootprint mf = new MemoryFootprint(m.root(), m.config(), Dtype.BF16, Dtype.BF16, Dtype.BF16);
            assertEquals(Rational.of(published), mf.parameters(), m.toString());
            // and the same by the closed formula V·d + n_pos·d + L·(12d² + 13d) + 2d
            ModelDims d = ModelDims.of(m.config());
            long v = m.config().value("vocab_size").orElseThrow().num().longValueExact();
            long pos = m.config().value("n_positions").orElseThrow().num().longValueExact();
            long h = d.hidden();
            assertEquals(published, v * h + pos * h + d.layers() * (12 * h * h + 13 * h) + 2 * h);
        }
    }

    @Test void gpt2FootprintByHand() {
        Toy.Model m = Toy.gpt2("sdpa");
        MemoryFootprint mf = new MemoryFootprint(m.root(), m.config(), Dtype.INT4, Dtype.BF16, Dtype.FP16);
        MemoryFootprint.Footprint f = mf.at(3, 100, 28, 1, 80L << 30);
        assertEquals(Rational.of(124_439_808L / 2), f.weightBytes(), "int4: half a byte per weight");
        assertEquals(Rational.of(2 * 12 * 768 * 2), f.kvBytesPerToken());
        assertEquals(127, f.finalLength(), "P + G − 1 tokens are cached at the end");
        assertEquals(Rational.of(3L * 127 * 2 * 12 * 768 * 2), f.kvCacheBytes());
        // the largest single kernel without its weights: the lm_head GEMM of the prefill reads 3·100·768 and writes 3·100·50257 bf16 values
        assertEquals(Rational.of(2L * (3 * 100 * 768 + 3 * 100 * 50257)), f.activationBytes(), f.activationKernel());
        assertTrue(f.activationKernel().contains("Linear") && f.activationKernel().contains("prefill"), f.activationKernel());
        assertEquals(f.weightBytes().add(f.kvCacheBytes()).add(f.activationBytes()), f.totalPerDevice());
        assertTrue(f.fits());

        MemoryFootprint.Footprint tp = mf.at(3, 100, 28, 4, 80L << 30);
        assertEquals(f.totalPerDevice().divide(Rational.of(4)), tp.totalPerDevice(), "each of 4 devices holds a quarter");
    }

    @Test void maxBatchIsTheLargestThatFitsAroundTheBoundary() {
        Toy.Model m = Toy.gpt2("eager");
        MemoryFootprint mf = new MemoryFootprint(m.root(), m.config(), Dtype.BF16, Dtype.BF16, Dtype.BF16);
        long p = 512, g = 256;
        for (long b : new long[] {1, 2, 7, 100, 1234}) {
            BigInteger exact = mf.at(b, p, g, 1, Long.MAX_VALUE).totalPerDevice().ceil();
            long cap = exact.longValueExact();
            assertEquals(b, mf.maxBatch(p, g, 1, cap, 1L << 30), "capacity exactly the footprint of batch " + b);
            assertEquals(b - 1, mf.maxBatch(p, g, 1, cap - 1, 1L << 30), "one byte less");
            assertTrue(mf.at(b, p, g, 1, cap).fits());
            assertFalse(mf.at(b + 1, p, g, 1, cap).fits());
        }
        long h100 = HardwareProfile.builtIn("h100").orElseThrow().memoryCapacityBytes();
        long best = mf.maxBatch(p, g, 1, h100, 1L << 30);
        assertTrue(mf.at(best, p, g, 1, h100).fits() && !mf.at(best + 1, p, g, 1, h100).fits(), "boundary at " + best);
        long best2 = mf.maxBatch(p, g, 2, h100, 1L << 30);
        assertTrue(best2 >= 2 * best - 1 && mf.at(best2, p, g, 2, h100).fits() && !mf.at(best2 + 1, p, g, 2, h100).fits(), "tp=2: " + best2);
        assertEquals(0, mf.maxBatch(p, g, 1, 1000, 1L << 30), "nothing fits in 1000 bytes");
        assertEquals(5, mf.maxBatch(p, g, 1, h100, 5), "capped by the largest batch allowed");
    }

    @Test void footprintGrowsWithBatchAndLength() {
        Toy.Model m = Toy.gpt2("sdpa");
        MemoryFootprint mf = new MemoryFootprint(m.root(), m.config(), Dtype.BF16, Dtype.BF16, Dtype.BF16);
        Rational last = Rational.ZERO;
        for (long b = 1; b <= 64; b *= 2) {
            Rational t = mf.at(b, 64, 64, 1, 1L << 40).totalPerDevice();
            assertTrue(t.compareTo(last) > 0);
            last = t;
        }
        assertTrue(mf.at(1, 64, 900, 1, 1L << 40).kvCacheBytes().compareTo(mf.at(1, 64, 64, 1, 1L << 40).kvCacheBytes()) > 0);
    }
}
