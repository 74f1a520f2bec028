package io.flopscope.predict;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Globals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Device memory of a generation run (docs/prediction.md, "Memory"): weights, the KV cache at the final
 * length, and an estimate of peak activations.
 *
 * <ul>
 * <li><b>Parameters</b> are read off the analyses: the part of every kernel's bytes_read that is
 * w_bytes times a constant (independent of batch_size, seq_len and cache_len) is a weight read once per
 * forward call, so its coefficient counts those parameters. Embedding lookups read only the gathered
 * rows (a term in batch_size·seq_len), so each {@code torch.nn.Embedding} adds its whole table
 * (num_embeddings × embedding_dim) — except a table tied to the output projection
 * (config tie_word_embeddings, num_embeddings = vocab_size) whose full read is already counted there.
 * For GPT-2 this gives the published 124,439,808.</li>
 * <li><b>KV cache</b>: 2 (keys and values) × layers × key/value heads × head width × kv_bytes per token
 * and sequence, at the final length P + G − 1, times the batch.</li>
 * <li><b>Peak activations</b> (an estimate): the largest read + written bytes of a single kernel
 * instance, weights excluded (w_bytes = 0), over the prefill and the last decode step — the inputs and
 * outputs that must be live together. Allocator caching, fragmentation and workspaces are not counted.</li>
 * </ul>
 * With tensor parallelism over N devices each holds 1/N of each part.
 */
public final class MemoryFootprint {
    private final CostNode root;
    private final ModelConfig config;
    private final Dtype weights, activations, kvCache;
    private final ModelDims dims;
    private final Rational parameters;
    private final List<ActivationKernel> activationKernels = new ArrayList<>();

    /** A kernel's activation traffic (read + written, w_bytes = 0) as a polynomial in the scenario symbols. */
    private record ActivationKernel(String where, Poly multiplier, Poly bytes) {}

    /** Memory of one configuration, per device. */
    public record Footprint(long batch, long prompt, long newTokens, int tensorParallel, Rational parameters, Rational weightBytes,
                            Rational kvBytesPerToken, long finalLength, Rational kvCacheBytes, Rational activationBytes,
                            String activationKernel, long capacityBytes) {
        private Rational perDevice(Rational x) { return x.divide(Rational.of(tensorParallel)); }

        public Rational weightsPerDevice() { return perDevice(weightBytes); }

        public Rational kvCachePerDevice() { return perDevice(kvCacheBytes); }

        public Rational activationsPerDevice() { return perDevice(activationBytes); }

        public Rational totalPerDevice() { return weightsPerDevice().add(kvCachePerDevice()).add(activationsPerDevice()); }

        public boolean fits() { return totalPerDevice().compareTo(Rational.of(capacityBytes)) <= 0; }
    }

    public MemoryFootprint(CostNode root, ModelConfig config, Dtype weights, Dtype activations, Dtype kvCache) {
        this.root = root;
        this.config = config;
        this.weights = weights;
        this.activations = activations;
        this.kvCache = kvCache;
        this.dims = ModelDims.of(config);
        this.parameters = countParameters();
        collectActivations(root, root.className().substring(root.className().lastIndexOf('.') + 1), Poly.ONE);
    }

    /** Parameters of the model, by the convention in the class comment. */
    public Rational parameters() { return parameters; }

    /** KV-cache bytes per token of one sequence. */
    public Rational kvBytesPerToken() {
        return Rational.of(dims.layers() * dims.kvWidth()).multiply(kvCache.bytes);
    }

    public Footprint at(long batch, long prompt, long newTokens, int tensorParallel, long capacityBytes) {
        Generation.Spec spec = new Generation.Spec(batch, prompt, newTokens, weights, activations, kvCache);
        long finalLength = spec.finalLength();
        Rational kv = kvBytesPerToken().multiply(Rational.of(batch)).multiply(Rational.of(finalLength));
        List<Scenario> scenarios = new ArrayList<>();
        scenarios.add(spec.prefill());
        if (spec.decodeSteps() > 0) scenarios.add(spec.decode(spec.lastCache()));
        Object[] peak = peakActivations(scenarios, true);
        return new Footprint(batch, prompt, newTokens, tensorParallel, parameters, parameters.multiply(weights.bytes),
                kvBytesPerToken(), finalLength, kv, (Rational) peak[0], (String) peak[1], capacityBytes);
    }

    /**
     * Memory of one forward call (a point of a {@code predict} sweep): the weights, the KV cache after the
     * call (cache_len + seq_len tokens per sequence) and the call's own peak activations. It equals
     * {@link #at} of a run whose prompt is cache_len + seq_len tokens and that generates nothing further
     * when cache_len = 0.
     */
    public Footprint forCall(Scenario sc, int tensorParallel, long capacityBytes) {
        if (sc.weights() != weights || sc.activations() != activations || sc.kvCache() != kvCache) {
            throw new IllegalArgumentException("the scenario's dtypes differ from this footprint's");
        }
        long length = sc.seqLen() + sc.cacheLen();
        Rational kv = kvBytesPerToken().multiply(Rational.of(sc.batchSize())).multiply(Rational.of(length));
        Object[] peak = peakActivations(List.of(sc), false);
        String where = (String) peak[1];
        return new Footprint(sc.batchSize(), length, 1, tensorParallel, parameters, parameters.multiply(weights.bytes),
                kvBytesPerToken(), length, kv, (Rational) peak[0], where, capacityBytes);
    }

    /** {largest activation bytes of one kernel instance, where} over these calls. */
    private Object[] peakActivations(List<Scenario> scenarios, boolean labelPhase) {
        Rational best = Rational.ZERO;
        String where = "";
        for (Scenario sc : scenarios) {
            Evaluator ev = new Evaluator(sc, config);
            Function<String, Rational> lookup = n -> ev.symbol(n).orElse(null);
            for (ActivationKernel k : activationKernels) {
                if (k.multiplier.evaluate(lookup).isZero()) continue;
                Rational b = k.bytes.evaluate(lookup);
                if (b.compareTo(best) > 0) {
                    best = b;
                    where = k.where + (!labelPhase ? "" : sc.phase() == Phase.PREFILL ? " (prefill)" : " (last decode step)");
                }
            }
        }
        return new Object[] {best, where};
    }

    /**
     * The largest batch whose per-device footprint fits in {@code capacityBytes}, or 0 when not even batch 1
     * fits. The footprint grows with the batch (KV cache and activations are proportional to it), so an
     * exponential search followed by bisection finds the boundary; the result is at most {@code maxBatch}.
     */
    public long maxBatch(long prompt, long newTokens, int tensorParallel, long capacityBytes, long maxBatch) {
        if (!at(1, prompt, newTokens, tensorParallel, capacityBytes).fits()) return 0;
        long good = 1;
        long bad = -1;
        while (bad < 0) {
            long next = good > maxBatch / 2 ? maxBatch : good * 2;
            if (next == good) return good;
            if (at(next, prompt, newTokens, tensorParallel, capacityBytes).fits()) good = next;
            else bad = next;
            if (good == maxBatch) return good;
        }
        while (bad - good > 1) {
            long mid = good + (bad - good) / 2;
            if (at(mid, prompt, newTokens, tensorParallel, capacityBytes).fits()) good = mid;
            else bad = mid;
        }
        return good;
    }

    // ---- parameters -------------------------------------------------------------------------------

    private Rational countParameters() {
        Rational[] sum = {Rational.ZERO};
        ParameterWalk.walk(root, config, weights, activations, kvCache, null, new ParameterWalk.Visitor<Void>() {
            @Override public void weights(Void node, Rational elements, Rational count) { sum[0] = sum[0].add(elements.multiply(count)); }

            @Override public Void call(Void node, CostNode.KernelCost kernel, CostNode child, Rational repeat, Rational count) { return null; }

            @Override public void table(Void node, Rational elements, Rational count) { sum[0] = sum[0].add(elements.multiply(count)); }

            @Override public void tied(Void node) {}
        });
        return sum[0];
    }

    // ---- activations ------------------------------------------------------------------------------

    private void collectActivations(CostNode n, String path, Poly multiplier) {
        Function<String, Poly> noWeights = name -> name.equals(Globals.W_BYTES) ? Poly.ZERO : null;
        for (CostNode.KernelCost k : n.kernels()) {
            if (!k.own().isZero()) {
                Poly bytes = k.own().bytes().substitute(noWeights);
                if (!bytes.isZero()) {
                    String title = k.kernel().title().isEmpty() ? "line " + k.kernel().lines() : k.kernel().title();
                    activationKernels.add(new ActivationKernel(path + ":" + k.kernel().lines().start() + " " + title, multiplier, bytes));
                }
            }
            for (CostNode.Call c : k.calls()) {
                String child = c.node().className().substring(c.node().className().lastIndexOf('.') + 1);
                collectActivations(c.node(), path + "/" + child + "@" + k.kernel().lines().start(), multiplier.multiply(c.multiplier()));
            }
        }
    }
}
