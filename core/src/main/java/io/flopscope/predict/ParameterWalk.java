package io.flopscope.predict;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Atom;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Globals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parameters of a resolved tree, as {@link MemoryFootprint} counts them (its class comment says how): one walk for
 * the model's total and for {@code info}'s count per module. The walk tells a {@link Visitor} what each module
 * instance holds; {@code N} is the visitor's own handle on a module instance.
 */
public final class ParameterWalk {
    public static final String EMBEDDING = "torch.nn.modules.sparse.Embedding";

    /** What the walk finds, module by module. */
    public interface Visitor<N> {
        /** Weights of {@code node}: {@code elements} read once per call, in {@code count} instances of the module. */
        void weights(N node, Rational elements, Rational count);

        /** The handle of a child module that {@code kernel} of {@code node} calls {@code repeat} times per instance. */
        N call(N node, CostNode.KernelCost kernel, CostNode child, Rational repeat, Rational count);

        /** An embedding table of {@code node} that no projection shares: {@code elements}, in {@code count} instances. */
        void table(N node, Rational elements, Rational count);

        /** An embedding table of {@code node} tied to the output projection, whose weights already count it. */
        void tied(N node);
    }

    private ParameterWalk() {}

    private record Table<N>(N node, Rational elements, Rational rows, Rational count) {}

    /** Walks {@code root} (handle {@code top}) with the config's values bound and the given dtype sizes. */
    public static <N> void walk(CostNode root, ModelConfig config, Dtype weights, Dtype activations, Dtype kvCache, N top, Visitor<N> visitor) {
        Evaluator ev = new Evaluator(new Scenario(Phase.DECODE, 1, 1, 1, weights, activations, kvCache), config);
        // the parameters are every expert's weights, whatever share of them one call reads
        Optional<Rational> experts = config.experts();
        Function<String, Poly> bindKeep = allExperts(binding(ev, true), experts), bindAll = allExperts(binding(ev, false), experts);
        List<Rational> staticReads = new ArrayList<>();
        List<Table<N>> tables = new ArrayList<>();
        visit(root, Rational.ONE, top, bindKeep, bindAll, staticReads, tables, visitor);
        boolean tiedConfig = config.value("tie_word_embeddings").map(v -> v.signum() != 0).orElse(false);
        Optional<Rational> vocab = config.value("vocab_size");
        boolean tieUsed = false;
        for (Table<N> t : tables) {
            if (tiedConfig && !tieUsed && vocab.isPresent() && t.rows().equals(vocab.get()) && readsTable(staticReads, t.elements(), t.rows())) {
                tieUsed = true;
                visitor.tied(t.node());
            } else {
                visitor.table(t.node(), t.elements(), t.count());
            }
        }
    }

    private static Function<String, Poly> allExperts(Function<String, Poly> b, Optional<Rational> experts) {
        return n -> n.equals(Evaluator.EXPERTS_HIT_SYMBOL) && experts.isPresent() ? Poly.constant(experts.get()) : b.apply(n);
    }

    /** Config values bound; w_bytes free, and the scenario's sizes too when {@code keepScenario}. */
    private static Function<String, Poly> binding(Evaluator ev, boolean keepScenario) {
        return n -> {
            if (n.equals(Globals.W_BYTES)) return null;
            if (keepScenario && (n.equals(Globals.BATCH) || n.equals(Globals.SEQ) || n.equals(Globals.CACHE))) return null;
            return ev.symbol(n).map(Poly::constant).orElse(null);
        };
    }

    private static <N> void visit(CostNode n, Rational count, N node, Function<String, Poly> bindKeep, Function<String, Poly> bindAll,
                                  List<Rational> staticReads, List<Table<N>> tables, Visitor<N> visitor) {
        boolean embedding = n.className().equals(EMBEDDING);
        if (embedding) {
            Poly num = n.arguments().get("num_embeddings"), dim = n.arguments().get("embedding_dim");
            if (num != null && dim != null) {
                Poly rows = num.substitute(bindAll), width = dim.substitute(bindAll);
                if (rows.isConstant() && width.isConstant()) {
                    tables.add(new Table<>(node, rows.constantValue().multiply(width.constantValue()), rows.constantValue(), count));
                }
            }
        }
        for (CostNode.KernelCost k : n.kernels()) {
            Rational w = staticWeightRead(k.own().bytesRead().substitute(bindKeep));
            if (!w.isZero()) {
                visitor.weights(node, w, count);
                if (!embedding) staticReads.add(w);
            }
            for (CostNode.Call c : k.calls()) {
                Poly m = c.multiplier().substitute(bindAll);
                if (!m.isConstant() || m.constantValue().isZero()) continue;
                Rational repeat = m.constantValue();
                N child = visitor.call(node, k, c.node(), repeat, count.multiply(repeat));
                visit(c.node(), count.multiply(repeat), child, bindKeep, bindAll, staticReads, tables, visitor);
            }
        }
    }

    /**
     * Whether some projection reads a whole embedding table of {@code elements} in {@code rows} rows once per call:
     * the table itself, plus one bias per row when the projection has one (BERT's MLM decoder).
     */
    static boolean readsTable(Collection<Rational> staticReads, Rational elements, Rational rows) {
        return staticReads.contains(elements) || staticReads.contains(elements.add(rows));
    }

    /** Σ of the coefficients of the monomials that are exactly w_bytes: weights read once per call whatever the shapes. */
    private static Rational staticWeightRead(Poly p) {
        Rational s = Rational.ZERO;
        for (var e : p.terms().entrySet()) {
            Map<Atom, Integer> f = e.getKey().factors();
            if (f.size() == 1 && Integer.valueOf(1).equals(f.get(new Atom.Sym(Globals.W_BYTES)))) s = s.add(e.getValue());
        }
        return s;
    }
}
