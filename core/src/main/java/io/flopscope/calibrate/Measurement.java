package io.flopscope.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One measured point of docs/measurements.md: a model (built-in name, or the config it was built from),
 * the hardware it ran on, one forward call's shape and the repeated wall times of that call.
 *
 * @param source   where it was read ("file:line"), for messages
 * @param model    the model's name (a built-in name such as "gpt2" when {@code config} is null)
 * @param config   the config.json object the model was built from, or null to use the built-in {@code model}
 * @param hardware the hardware id it was measured on (FlopScope's ids: nvidia-h200, ...)
 * @param attn     attention implementation (sdpa, eager), or null when not stated
 * @param timings  the repeated timings of one call, in seconds, in the order taken
 * @param env      the environment object as written (torch and transformers versions, GPU name), or null
 */
public record Measurement(String source, String model, JsonNode config, String hardware, Dtype dtype, Phase phase,
                          long batch, long seqLen, long cacheLen, String attn, double[] timings, JsonNode env) {

    public Measurement {
        if (timings == null || timings.length == 0) throw new IllegalArgumentException(source + ": no timings");
        timings = timings.clone();
    }

    /** The median of the timings: what calibration and evaluation use by default (robust to a slow outlier). */
    public double seconds() { return Statistic.MEDIAN.of(timings); }

    /** The timings reduced by {@code s}. */
    public double seconds(Statistic s) { return s.of(timings); }

    public double min() { return Arrays.stream(timings).min().orElseThrow(); }

    public List<Double> timingList() { return Arrays.stream(timings).boxed().toList(); }

    /** The forward call as FlopScope evaluates it: weights, activations and KV cache in {@code dtype}. */
    public Scenario scenario() { return Scenario.of(phase, batch, seqLen, cacheLen, dtype); }

    /** The tokens of the swept length: seq_len in prefill, cache_len in decode. */
    public long length() { return phase == Phase.DECODE ? cacheLen : seqLen; }

    /** The points of one sweep share this key: same model (and config), hardware, dtype, attention and phase. */
    public String sweepKey() {
        return String.join("|", model, config == null ? "" : config.toString(), hardware, dtype.id, attn == null ? "" : attn, phase.name());
    }

    public String phaseLabel() { return phase.name().toLowerCase(Locale.ROOT); }

    /** "gpt2 decode batch=4 cache_len=512" */
    public String label() {
        return model + " " + phaseLabel() + " batch=" + batch + (phase == Phase.DECODE ? " cache_len=" + cacheLen
                : " seq_len=" + seqLen + (cacheLen > 0 ? " cache_len=" + cacheLen : ""));
    }

    @Override public boolean equals(Object o) {
        return o instanceof Measurement m && source.equals(m.source) && model.equals(m.model) && hardware.equals(m.hardware)
                && dtype == m.dtype && phase == m.phase && batch == m.batch && seqLen == m.seqLen && cacheLen == m.cacheLen
                && java.util.Objects.equals(attn, m.attn) && java.util.Objects.equals(config, m.config) && Arrays.equals(timings, m.timings);
    }

    @Override public int hashCode() {
        return java.util.Objects.hash(source, model, hardware, dtype, phase, batch, seqLen, cacheLen, attn) * 31 + Arrays.hashCode(timings);
    }

    @Override public String toString() { return source + ": " + label() + " " + Arrays.toString(timings); }

    /** The runtime the call ran under, as tools/measure.py records it in env.runtime; null when not stated. */
    public String runtime() {
        return env == null || !env.path("runtime").isTextual() ? null : env.path("runtime").asText();
    }
}
