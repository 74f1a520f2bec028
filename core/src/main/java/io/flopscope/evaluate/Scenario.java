package io.flopscope.evaluate;

import io.flopscope.formula.Rational;
import io.flopscope.resolve.Globals;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one forward call processes: shapes and dtype sizes. */
public record Scenario(Phase phase, long batchSize, long seqLen, long cacheLen, Dtype weights, Dtype activations, Dtype kvCache) {
    public Scenario {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (seqLen < 1) throw new IllegalArgumentException("seq_len must be at least 1, got " + seqLen);
        if (cacheLen < 0) throw new IllegalArgumentException("cache_len must be 0 or more, got " + cacheLen);
    }

    public static Scenario of(Phase phase, long batch, long seq, long cache, Dtype dtype) {
        return new Scenario(phase, batch, seq, cache, dtype, dtype, dtype);
    }

    /** The global names of docs/conventions.md, as exact values. */
    public Map<String, Rational> bindings() {
        Map<String, Rational> m = new LinkedHashMap<>();
        m.put(Globals.BATCH, Rational.of(batchSize));
        m.put(Globals.SEQ, Rational.of(seqLen));
        m.put(Globals.CACHE, Rational.of(cacheLen));
        m.put(Globals.W_BYTES, weights.bytes);
        m.put(Globals.WCOPY_BYTES, weights.bytes);
        m.put(Globals.A_BYTES, activations.bytes);
        m.put(Globals.KV_BYTES, kvCache.bytes);
        return m;
    }
}
