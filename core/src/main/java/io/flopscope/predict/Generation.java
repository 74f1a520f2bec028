package io.flopscope.predict;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Atom;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Globals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Autoregressive generation of G new tokens after a prompt of P tokens, for a batch of B sequences
 * (docs/prediction.md, "Generation"). The prefill of the prompt (seq_len = P, cache_len = 0) yields the
 * first new token; each of the other G − 1 tokens is one decode step (seq_len = 1) at cache lengths
 * P, P+1, …, P+G−2. Total = prefill + Σ decode; tokens per second = B·G / total.
 *
 * <p>The decode sum is taken in closed form: with everything but cache_len bound, each kernel's three
 * roofline terms are polynomials in cache_len, their maximum is piecewise polynomial, and each piece is
 * summed exactly with Faulhaber's formulas. Crossover points are found by bisection with Bernstein
 * certificates (exact rational arithmetic), and positive(·) atoms of cache_len split the range where
 * their argument changes sign. A kernel with another function of cache_len (floor, ceil, min, max, 1/x)
 * is summed by evaluating every step instead; {@link Result#loopKernels()} counts those.
 */
public final class Generation {
    private Generation() {}

    /** The run: batch B, prompt P, new tokens G ≥ 1, and the dtypes of weights, activations and the KV cache. */
    public record Spec(long batch, long prompt, long newTokens, Dtype weights, Dtype activations, Dtype kvCache) {
        public Spec {
            if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            if (prompt < 1) throw new IllegalArgumentException("the prompt must have at least 1 token, got " + prompt);
            if (newTokens < 1) throw new IllegalArgumentException("at least 1 new token must be generated, got " + newTokens);
        }

        public Scenario prefill() { return new Scenario(Phase.PREFILL, batch, prompt, 0, weights, activations, kvCache); }

        public Scenario decode(long cacheLen) { return new Scenario(Phase.DECODE, batch, 1, cacheLen, weights, activations, kvCache); }

        /** Decode steps: G − 1. */
        public long decodeSteps() { return newTokens - 1; }

        /** Cache length of the first decode step (P) and of the last (P + G − 2). */
        public long firstCache() { return prompt; }

        public long lastCache() { return prompt + newTokens - 2; }

        /** Tokens in the KV cache when generation ends: P + G − 1 (the last token's keys are never computed). */
        public long finalLength() { return prompt + newTokens - 1; }

        public Spec withBatch(long b) { return new Spec(b, prompt, newTokens, weights, activations, kvCache); }
    }

    /**
     * @param prefill         the prefill forward call; its time is the time to first token
     * @param firstDecode     the decode step at cache_len = P (null when G = 1)
     * @param lastDecode      the decode step at cache_len = P + G − 2 (null when G = 1)
     * @param decodeSeconds   Σ over the G − 1 decode steps, communication included
     * @param closedFormKernels kernel positions whose decode sum was taken in closed form
     * @param loopKernels     kernel positions summed step by step (an atom of cache_len the closed form does not handle)
     */
    public record Result(Spec spec, Target target, Prediction prefill, Prediction firstDecode, Prediction lastDecode,
                         double decodeSeconds, int closedFormKernels, int loopKernels) {
        public double ttftSeconds() { return prefill.seconds(); }

        public double totalSeconds() { return prefill.seconds() + decodeSeconds; }

        public double tokensPerSecond() { return spec.batch() * (double) spec.newTokens() / totalSeconds(); }
    }

    public static Result run(CostNode root, ModelConfig config, Spec spec, Target t) {
        ModelDims dims = t.tensorParallel() > 1 ? ModelDims.of(config) : null;
        Prediction prefill = predict(root, config, spec.prefill(), t, dims);
        Prediction first = null, last = null;
        double decode = 0;
        int closed = 0, loop = 0;
        if (spec.decodeSteps() > 0) {
            first = predict(root, config, spec.decode(spec.firstCache()), t, dims);
            last = spec.lastCache() == spec.firstCache() ? first : predict(root, config, spec.decode(spec.lastCache()), t, dims);
            DecodeSum s = decodeSumClosedForm(root, config, spec, t);
            decode = s.seconds.doubleValue();
            closed = s.closedForm;
            loop = s.loop;
        }
        return new Result(spec, t, prefill, first, last, decode, closed, loop);
    }

    /** One forward call of the scenario, tensor-parallel communication included. */
    public static Prediction predict(CostNode root, ModelConfig config, Scenario sc, Target t, ModelDims dims) {
        Evaluator ev = new Evaluator(sc, config);
        Communication comm = t.tensorParallel() == 1 ? Communication.NONE : Communication.of(dims, sc.batchSize(), sc.seqLen(), sc.activations(), t);
        return Roofline.predict(EvaluatedNode.of(root, ev), t, comm);
    }

    /** The reference: Σ over the decode steps of {@link #predict}, one step at a time. */
    public static double decodeSumByLoop(CostNode root, ModelConfig config, Spec spec, Target t) {
        ModelDims dims = t.tensorParallel() > 1 ? ModelDims.of(config) : null;
        double s = 0;
        for (long c = spec.firstCache(); c <= spec.lastCache(); c++) s += predict(root, config, spec.decode(c), t, dims).seconds();
        return s;
    }

    /** The exact decode sum and how each kernel position was summed. */
    public record DecodeSum(Rational seconds, int closedForm, int loop) {}

    /**
     * Σ over the decode steps of max(host, first dispatch + device) (docs/prediction.md, "Host and device"). The host's
     * time is the same at every step (the same kernels and module calls); the device's grows with cache_len. Steps
     * below the cross-over take the host's time, the rest the device's, summed in closed form; the cross-over is found
     * by bisection on the device time, which does not decrease with cache_len.
     */
    public static DecodeSum decodeSumClosedForm(CostNode root, ModelConfig config, Spec spec, Target t) {
        if (spec.decodeSteps() == 0) return new DecodeSum(Rational.ZERO, 0, 0);
        ModelDims dims = t.tensorParallel() > 1 ? ModelDims.of(config) : null;
        long lo = spec.firstCache(), hi = spec.lastCache();
        Prediction first = predict(root, config, spec.decode(lo), t, dims), last = hi == lo ? first : predict(root, config, spec.decode(hi), t, dims);
        Rational dispatch = HardwareProfile.exact(t.host().perKernelS());
        Rational host = HardwareProfile.exact(first.hostSeconds());
        long deviceFrom; // the first step whose device timeline is the longer
        if (first.hostSeconds() != last.hostSeconds()) {
            // the steps differ in what they launch: each step on its own
            Rational total = Rational.ZERO;
            for (long c = lo; c <= hi; c++) total = total.add(HardwareProfile.exact(predict(root, config, spec.decode(c), t, dims).seconds()));
            return new DecodeSum(total, 0, 1);
        } else if (Roofline.step(t.host(), first.hostSeconds(), first.kernelSeconds()) > first.hostSeconds()) {
            deviceFrom = lo;
        } else if (Roofline.step(t.host(), last.hostSeconds(), last.kernelSeconds()) <= last.hostSeconds()) {
            deviceFrom = hi + 1;
        } else {
            long a = lo, b = hi; // the step at b is device-bound, at a not
            while (b - a > 1) {
                long mid = a + (b - a) / 2;
                Prediction p = predict(root, config, spec.decode(mid), t, dims);
                if (Roofline.step(t.host(), p.hostSeconds(), p.kernelSeconds()) > p.hostSeconds()) b = mid; else a = mid;
            }
            deviceFrom = b;
        }
        Rational total = host.multiply(Rational.of(deviceFrom - lo));
        int closed = 0, loop = 0;
        if (deviceFrom <= hi) {
            Spec tail = new Spec(spec.batch(), deviceFrom, hi - deviceFrom + 2, spec.weights(), spec.activations(), spec.kvCache());
            Summer s = new Summer(config, tail, t);
            s.walk(root, Poly.ONE);
            total = total.add(s.total).add(dispatch.multiply(Rational.of(hi - deviceFrom + 1)));
            closed = s.closedForm;
            loop = s.loop;
        }
        return new DecodeSum(withCommunication(total, config, spec, t), closed, loop);
    }

    private static Rational withCommunication(Rational total, ModelConfig config, Spec spec, Target t) {
        if (t.tensorParallel() > 1) {
            ModelDims dims = ModelDims.of(config);
            Rational bytes = Rational.of(spec.batch()).multiply(Rational.of(dims.hidden())).multiply(spec.activations().bytes);
            Rational perStep = Communication.secondsExact(bytes, t).multiply(Rational.of(2 * dims.layers()));
            total = total.add(perStep.multiply(Rational.of(spec.decodeSteps())));
        }
        return total;
    }

    /** Walks the symbolic tree once, summing every kernel over the decode range. */
    private static final class Summer {
        final Function<String, Poly> binding;
        final long lo, hi;
        final Rational rMatmul, rVector, rMemory, launch;
        final Map<CostNode, List<Poly[]>> boundKernels = new IdentityHashMap<>();
        Rational total = Rational.ZERO;
        int closedForm, loop;

        Summer(ModelConfig config, Spec spec, Target t) {
            Evaluator ev = new Evaluator(spec.decode(spec.firstCache()), config);
            this.binding = name -> {
                if (name.equals(Globals.CACHE)) return null;
                return ev.symbol(name).map(Poly::constant).orElseThrow(() -> new IllegalArgumentException(
                        config.name() + ": no value for '" + name + "' (missing from the config and its defaults)"));
            };
            this.lo = spec.firstCache();
            this.hi = spec.lastCache();
            this.rMatmul = t.matmulRateExact();
            this.rVector = t.vectorRateExact();
            this.rMemory = t.memoryRateExact();
            this.launch = t.launchOverheadExact();
        }

        Poly bind(Poly p) {
            Poly b = p.substitute(binding);
            for (String s : b.symbols()) {
                if (!s.equals(Globals.CACHE)) throw new IllegalArgumentException("no value for '" + s + "'");
            }
            return b;
        }

        void walk(CostNode n, Poly multiplier) {
            List<Poly[]> ks = boundKernels.computeIfAbsent(n, x -> {
                List<Poly[]> out = new ArrayList<>();
                for (CostNode.KernelCost k : x.kernels()) {
                    if (k.own().isZero()) continue;
                    out.add(new Poly[] {bind(k.own().matmulFlops()), bind(k.own().vectorFlops()), bind(k.own().bytes())});
                }
                return out;
            });
            for (Poly[] k : ks) total = total.add(kernelSum(multiplier, k[0], k[1], k[2]));
            for (CostNode.KernelCost k : n.kernels()) {
                for (CostNode.Call c : k.calls()) {
                    Poly m = multiplier.multiply(bind(c.multiplier()));
                    if (m.isZero()) continue;
                    walk(c.node(), m);
                }
            }
        }

        /** Σ_{c=lo}^{hi} m(c) · (max(mm/Rm, vec/Rv, bytes/Rb) + launch · [bytes > 0]). */
        Rational kernelSum(Poly m, Poly mm, Poly vec, Poly bytes) {
            Set<Atom.Fn> positives = new LinkedHashSet<>();
            boolean supported = true;
            for (Poly p : new Poly[] {m, mm, vec, bytes}) {
                for (Poly.Monomial mono : p.terms().keySet()) {
                    for (Atom a : mono.factors().keySet()) {
                        if (a instanceof Atom.Sym) continue;
                        Atom.Fn fn = (Atom.Fn) a;
                        if (fn.name().equals("positive") && UPoly.of(fn.args().get(0), Globals.CACHE, Map.of()) != null) positives.add(fn);
                        else supported = false;
                    }
                }
            }
            if (!supported) {
                loop++;
                return loopSum(m, mm, vec, bytes, lo, hi);
            }
            // split the range where a positive(arg) atom changes value
            TreeSet<Long> starts = new TreeSet<>();
            starts.add(lo);
            for (Atom.Fn fn : positives) {
                for (long[] piece : signPieces(UPoly.of(fn.args().get(0), Globals.CACHE, Map.of()), lo, hi)) starts.add(piece[0]);
            }
            List<Long> s = new ArrayList<>(starts);
            Rational sum = Rational.ZERO;
            for (int i = 0; i < s.size(); i++) {
                long a = s.get(i), b = i + 1 < s.size() ? s.get(i + 1) - 1 : hi;
                Map<Atom, Rational> values = new HashMap<>();
                for (Atom.Fn fn : positives) {
                    Rational arg = UPoly.of(fn.args().get(0), Globals.CACHE, Map.of()).evaluate(a);
                    values.put(fn, arg.signum() > 0 ? Rational.ONE : Rational.ZERO);
                }
                UPoly um = UPoly.of(m, Globals.CACHE, values), umm = UPoly.of(mm, Globals.CACHE, values);
                UPoly uvec = UPoly.of(vec, Globals.CACHE, values), ubytes = UPoly.of(bytes, Globals.CACHE, values);
                if (um == null || umm == null || uvec == null || ubytes == null) {
                    loop++;
                    return loopSum(m, mm, vec, bytes, lo, hi);
                }
                UPoly[] terms = {umm.scale(Rational.ONE.divide(rMatmul)), uvec.scale(Rational.ONE.divide(rVector)), ubytes.scale(Rational.ONE.divide(rMemory))};
                sum = sum.add(sumMax(um, terms, ubytes, a, b));
            }
            closedForm++;
            return sum;
        }

        /** The closed-form sum on [a, b], bisecting until one term is certified to be the maximum and the launch is settled. */
        Rational sumMax(UPoly m, UPoly[] terms, UPoly bytes, long a, long b) {
            if (b - a < 2) {
                Rational s = Rational.ZERO;
                for (long c = a; c <= b; c++) s = s.add(pointValue(m, terms, bytes, c));
                return s;
            }
            Boolean launches = bytes.isZero() ? Boolean.FALSE : bytes.positiveOn(a, b) ? Boolean.TRUE : null;
            int winner = -1;
            if (launches != null) {
                long mid = a + (b - a) / 2;
                Integer[] order = {0, 1, 2};
                java.util.Arrays.sort(order, (x, y) -> terms[y].evaluate(mid).compareTo(terms[x].evaluate(mid)));
                for (int j : order) {
                    boolean ok = true;
                    for (int k = 0; k < 3 && ok; k++) if (k != j) ok = terms[j].subtract(terms[k]).nonNegativeOn(a, b);
                    if (ok) { winner = j; break; }
                }
            }
            if (winner < 0) {
                long mid = a + (b - a) / 2;
                return sumMax(m, terms, bytes, a, mid).add(sumMax(m, terms, bytes, mid + 1, b));
            }
            Rational s = m.multiply(terms[winner]).sum(a, b);
            if (launches) s = s.add(launch.multiply(m.sum(a, b)));
            return s;
        }

        Rational pointValue(UPoly m, UPoly[] terms, UPoly bytes, long c) {
            Rational best = Rational.ZERO;
            for (UPoly t : terms) {
                Rational v = t.evaluate(c);
                if (v.compareTo(best) > 0) best = v;
            }
            if (bytes.evaluate(c).signum() > 0) best = best.add(launch);
            return m.evaluate(c).multiply(best);
        }

        /** Step by step: the same formula, every cache length evaluated exactly. */
        Rational loopSum(Poly m, Poly mm, Poly vec, Poly bytes, long a, long b) {
            Rational s = Rational.ZERO;
            for (long c = a; c <= b; c++) {
                Rational cv = Rational.of(c);
                Function<String, Rational> at = name -> name.equals(Globals.CACHE) ? cv : null;
                Rational mv = m.evaluate(at);
                if (mv.isZero()) continue;
                Rational by = bytes.evaluate(at);
                Rational best = Rational.ZERO;
                for (Rational v : new Rational[] {mm.evaluate(at).divide(rMatmul), vec.evaluate(at).divide(rVector), by.divide(rMemory)}) {
                    if (v.compareTo(best) > 0) best = v;
                }
                if (by.signum() > 0) best = best.add(launch);
                s = s.add(mv.multiply(best));
            }
            return s;
        }
    }

    /** Maximal runs [a, b] of integers in [lo, hi] on which p &gt; 0 throughout or p ≤ 0 throughout, in order. */
    static List<long[]> signPieces(UPoly p, long lo, long hi) {
        List<long[]> out = new ArrayList<>();
        signPieces(p, p.scale(Rational.ONE.negate()), lo, hi, out);
        // merge neighbours of the same sign
        List<long[]> merged = new ArrayList<>();
        for (long[] x : out) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last[2] == x[2] && last[1] + 1 == x[0]) last[1] = x[1];
            else merged.add(x.clone());
        }
        return merged;
    }

    private static void signPieces(UPoly p, UPoly negP, long a, long b, List<long[]> out) {
        if (p.positiveOn(a, b)) { out.add(new long[] {a, b, 1}); return; }
        if (negP.nonNegativeOn(a, b)) { out.add(new long[] {a, b, 0}); return; }
        if (a == b) { out.add(new long[] {a, b, p.evaluate(a).signum() > 0 ? 1 : 0}); return; }
        long mid = a + (b - a) / 2;
        signPieces(p, negP, a, mid, out);
        signPieces(p, negP, mid + 1, b, out);
    }
}
