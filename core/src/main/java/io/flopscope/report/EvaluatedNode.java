package io.flopscope.report;

import io.flopscope.document.FlopClass;
import io.flopscope.evaluate.CompiledPoly;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.Cost;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Globals;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cost tree evaluated for one scenario. self and cumulative are for one instance; repeat is how many
 * instances the parent runs, so {@link #total()} is this subtree's contribution to the parent.
 */
public record EvaluatedNode(
        String className,
        String via,
        int line,
        Rational repeat,
        Numbers self,
        Numbers cumulative,
        List<EvaluatedKernel> kernels,
        List<EvaluatedNode> children) {

    /** A basic kernel of this node, for one instance of the node (its own repeat applied). */
    public record EvaluatedKernel(int line, String title, String operation, FlopClass flopClass, Numbers numbers) {}

    public Numbers total() { return scale(cumulative, repeat); }

    public String simpleName() { return className.substring(className.lastIndexOf('.') + 1); }

    /**
     * The path segment of each child, in order: {@code Linear@309}, and {@code Linear@309#2} for a second call of the
     * same class on the same line (a gated MLP's three projections on one line), so that every path is unique.
     */
    public java.util.List<String> childSegments() {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        java.util.List<String> out = new java.util.ArrayList<>();
        for (EvaluatedNode c : children) {
            String seg = c.simpleName() + "@" + c.line();
            int n = seen.merge(seg, 1, Integer::sum);
            out.add(n == 1 ? seg : seg + "#" + n);
        }
        return out;
    }

    /** How a tree is evaluated: exactly, symbol by symbol ({@link Evaluator}), or through compiled polynomials ({@link Compiled}). */
    private interface Values {
        Numbers of(Cost c);

        Rational of(Poly p);
    }

    public static EvaluatedNode of(CostNode root, Evaluator ev) {
        return build(root, null, 0, Rational.ONE, new Values() {
            @Override public Numbers of(Cost c) { return ev.evaluate(c); }

            @Override public Rational of(Poly p) { return ev.evaluate(p); }
        }, new IdentityHashMap<>());
    }

    /**
     * Prepares a resolved tree for evaluation at many scenarios that share a config and dtypes (a sweep):
     * every polynomial of the tree is bound to the config and the dtype sizes and compiled once
     * ({@link CompiledPoly}) over batch_size, seq_len and cache_len. {@link Compiled#at} then equals
     * {@link #of} exactly, only faster. Thread-safe once built.
     */
    public static Compiled compile(CostNode root, ModelConfig config, Dtype weights, Dtype activations, Dtype kvCache) {
        return new Compiled(root, config, weights, activations, kvCache);
    }

    public static final class Compiled {
        private static final List<String> VARS = List.of(Globals.BATCH, Globals.SEQ, Globals.CACHE);
        private final CostNode root;
        private final Dtype weights, activations, kvCache;
        private final Map<Object, Object> compiled = new IdentityHashMap<>(); // Cost -> Fast[4], Poly -> Fast
        private final ModelConfig config;

        /** A compiled polynomial, or the bound polynomial when it has symbols other than the scenario's (evaluated exactly). */
        private record Fast(CompiledPoly poly, Poly fallback, ModelConfig config) {
            Rational at(long[] v) {
                if (poly != null) return poly.evaluate(v);
                return fallback.evaluate(n -> {
                    // the routing assumption depends on the call's tokens, as Evaluator binds it
                    if (n.equals(Evaluator.EXPERTS_HIT_SYMBOL)) return config.expertsHit(v[0] * v[1]).orElse(null);
                    int i = VARS.indexOf(n);
                    return i < 0 ? null : Rational.of(v[i]);
                });
            }
        }

        private Compiled(CostNode root, ModelConfig config, Dtype weights, Dtype activations, Dtype kvCache) {
            this.root = root;
            this.config = config;
            this.weights = weights;
            this.activations = activations;
            this.kvCache = kvCache;
            prepare(root);
        }

        private void prepare(CostNode n) {
            if (compiled.containsKey(n)) return;
            compiled.put(n, Boolean.TRUE);
            cost(n.self());
            cost(n.cumulative());
            for (CostNode.KernelCost k : n.kernels()) {
                cost(k.own());
                for (CostNode.Call c : k.calls()) {
                    compiled.computeIfAbsent(c.multiplier(), x -> fast((Poly) x));
                    prepare(c.node());
                }
            }
        }

        private void cost(Cost c) {
            compiled.computeIfAbsent(c, x -> new Fast[] {fast(c.matmulFlops()), fast(c.vectorFlops()), fast(c.bytesRead()), fast(c.bytesWritten())});
        }

        private Fast fast(Poly p) {
            Poly bound = Evaluator.bindConfig(p, config).substitute(n -> switch (n) {
                case Globals.W_BYTES, Globals.WCOPY_BYTES -> Poly.constant(weights.bytes);
                case Globals.A_BYTES -> Poly.constant(activations.bytes);
                case Globals.KV_BYTES -> Poly.constant(kvCache.bytes);
                default -> null;
            });
            try {
                return new Fast(new CompiledPoly(bound, VARS), null, config);
            } catch (IllegalArgumentException other) {
                return new Fast(null, bound, config);
            }
        }

        /** The tree evaluated at this scenario, equal to {@code EvaluatedNode.of(root, new Evaluator(s, config))}. */
        public EvaluatedNode at(Scenario s) {
            if (s.weights() != weights || s.activations() != activations || s.kvCache() != kvCache) {
                throw new IllegalArgumentException("the scenario's dtypes differ from the compiled tree's");
            }
            long[] v = {s.batchSize(), s.seqLen(), s.cacheLen()};
            return build(root, null, 0, Rational.ONE, new Values() {
                @Override public Numbers of(Cost c) {
                    Fast[] f = (Fast[]) compiled.get(c);
                    return new Numbers(f[0].at(v), f[1].at(v), f[2].at(v), f[3].at(v));
                }

                @Override public Rational of(Poly p) { return ((Fast) compiled.get(p)).at(v); }
            }, new IdentityHashMap<>());
        }
    }

    private static EvaluatedNode build(CostNode n, String via, int line, Rational repeat, Values ev, Map<CostNode, Numbers[]> memo) {
        Numbers[] nums = memo.get(n);
        if (nums == null) {
            nums = new Numbers[] {ev.of(n.self()), ev.of(n.cumulative())};
            memo.put(n, nums);
        }
        List<EvaluatedKernel> kernels = new ArrayList<>();
        List<EvaluatedNode> children = new ArrayList<>();
        for (CostNode.KernelCost k : n.kernels()) {
            if (!k.own().isZero()) {
                kernels.add(new EvaluatedKernel(k.kernel().lines().start(), k.kernel().title(), k.kernel().operation(),
                        k.kernel().flopClass(), ev.of(k.own())));
            }
            for (CostNode.Call c : k.calls()) {
                Rational r = ev.of(c.multiplier());
                if (r.isZero()) continue;
                String label = k.kernel().title().isEmpty() ? "line " + k.kernel().lines() : k.kernel().title();
                children.add(build(c.node(), label, k.kernel().lines().start(), r, ev, memo));
            }
        }
        return new EvaluatedNode(n.className(), via, line, repeat, nums[0], nums[1], kernels, children);
    }

    static Numbers scale(Numbers x, Rational k) {
        return new Numbers(x.matmulFlops().multiply(k), x.vectorFlops().multiply(k), x.bytesRead().multiply(k), x.bytesWritten().multiply(k));
    }
}
