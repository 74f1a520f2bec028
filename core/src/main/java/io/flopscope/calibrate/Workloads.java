package io.flopscope.calibrate;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.formula.Poly;
import io.flopscope.library.Library;
import io.flopscope.predict.Communication;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.Prediction;
import io.flopscope.predict.Roofline;
import io.flopscope.predict.Target;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import io.flopscope.resolve.Unknown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns measurements into what the roofline predicts for them: the model's analysis is resolved from
 * the library (once per model and attention implementation), evaluated for the measurement's shape and
 * dtype, and handed to {@link Roofline#predict}. Every problem throws IllegalArgumentException naming
 * the measurement's file and line.
 */
public final class Workloads {
    /** Turns the config of a measured model into its cost tree; throws IllegalArgumentException with what is wrong. */
    public interface Models {
        CostNode root(ModelConfig config, String attn);
    }

    private final Models models;
    private final java.util.function.UnaryOperator<ModelConfig> adjust;
    private final boolean causal;
    private final Map<String, Resolved> resolved = new HashMap<>();
    private final Map<Measurement, EvaluatedNode> evaluated = new IdentityHashMap<>();

    private record Resolved(ModelConfig config, CostNode root) {}

    /**
     * @param libraries makes a fresh library (built-in plus any user folders) for each model and attention implementation
     * @param causal    count only the unmasked query-key pairs of attention (as `cost --causal`)
     */
    public Workloads(Supplier<Library> libraries, boolean causal) {
        this(fromLibrary(libraries, causal), c -> c, causal);
    }

    /**
     * @param models the analyses of the measured models (the library's, or a source analysis of each config)
     * @param adjust changes to each measured config (--set) before it is analysed and evaluated
     */
    public Workloads(Models models, java.util.function.UnaryOperator<ModelConfig> adjust, boolean causal) {
        this.models = models;
        this.adjust = adjust;
        this.causal = causal;
    }

    /** The built-in library (plus user folders), with the variants each config meets, as `cost` resolves a model. */
    public static Models fromLibrary(Supplier<Library> libraries, boolean causal) {
        return (config, attn) -> {
            String rootClass = config.rootClass().orElseThrow(() -> new IllegalArgumentException(config.name()
                    + ": the config has no architectures[0] (or no model_type) to pick the model class from"));
            Library lib = libraries.get();
            if (attn != null && !lib.useImplementation(attn)) {
                throw new IllegalArgumentException("attn_implementation '" + attn + "' is not modelled (FlopScope models eager and sdpa)");
            }
            if (lib.find(rootClass).isEmpty()) throw new IllegalArgumentException(config.name() + ": no analysis for " + rootClass + " in the library, so it cannot be predicted");
            io.flopscope.evaluate.ConfigConditions.selectVariants(lib, config); // the variants this config meets, as `cost` picks them
            Resolver.Resolution res = new Resolver(lib, causal).resolve(rootClass);
            if (res.hasErrors()) {
                throw new IllegalArgumentException(config.name() + ": the analysis of " + rootClass + " has errors (run `flopscope cost` on it to see them)");
            }
            return res.root();
        };
    }

    public static Workloads builtIn() { return new Workloads(Library::builtIn, false); }

    /** The measurement's kernels under the roofline of {@code profile} (its peaks for the measurement's dtype). */
    public Sample sample(Measurement m, HardwareProfile profile) {
        Target t = target(m, profile);
        Prediction p = Roofline.predict(evaluated(m), t, Communication.NONE);
        List<KernelWork> work = new ArrayList<>();
        for (Prediction.KernelPrediction k : p.kernels()) {
            double c = k.count().doubleValue();
            Numbers n = k.perInstance();
            work.add(new KernelWork(c * n.matmulFlops().doubleValue(), c * n.vectorFlops().doubleValue(), c * n.bytes().doubleValue(), k.launches()));
        }
        if (work.isEmpty()) throw new IllegalArgumentException(m.source() + ": " + m.label() + ": the analysis has no kernels to time");
        HardwareProfile.Host h = t.host();
        return new Sample(m, Peaks.of(t), work, p.moduleCalls(), h.deviceGapS(), h.perKernelS() == 0 ? 0 : h.perModuleCallS() / h.perKernelS(), h.perStepS());
    }

    public List<Sample> samples(List<Measurement> ms, HardwareProfile profile) {
        List<Sample> out = new ArrayList<>();
        for (Measurement m : ms) out.add(sample(m, profile));
        return out;
    }

    /** What `flopscope predict` says for the measured call on {@code profile}, in seconds. */
    public double predict(Measurement m, HardwareProfile profile) {
        return Roofline.predict(evaluated(m), target(m, profile), Communication.NONE).seconds();
    }

    private static Target target(Measurement m, HardwareProfile profile) {
        try {
            // a measurement that names its runtime is predicted under it (cuda-graphs: no per-op host dispatch)
            HardwareProfile p = m.runtime() == null || !HardwareProfile.runtimes().contains(m.runtime()) ? profile : profile.withRuntime(m.runtime());
            return Target.of(p, m.dtype(), false, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(m.source() + ": " + e.getMessage(), e);
        }
    }

    private EvaluatedNode evaluated(Measurement m) {
        EvaluatedNode n = evaluated.get(m);
        if (n != null) return n;
        Resolved r = resolve(m);
        Evaluator ev = new Evaluator(m.scenario(), r.config());
        var missing = ev.missing(r.root().cumulative());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(m.source() + ": " + m.model() + ": no value for " + String.join(", ", missing)
                    + " (missing from the config and its defaults)");
        }
        try {
            n = EvaluatedNode.of(r.root(), ev);
        } catch (Poly.UnboundSymbolException e) {
            throw new IllegalArgumentException(m.source() + ": " + m.model() + ": " + e.getMessage(), e);
        }
        evaluated.put(m, n);
        return n;
    }

    private Resolved resolve(Measurement m) {
        String key = (m.config() == null ? "name:" + m.model() : "config:" + m.config()) + "|attn:" + m.attn();
        Resolved r = resolved.get(key);
        if (r != null) return r;
        ModelConfig config;
        if (m.config() != null) {
            config = ModelConfig.parse(m.model(), m.config().toString());
        } else {
            config = BuiltInModels.find(m.model()).orElseThrow(() -> new IllegalArgumentException(m.source() + ": unknown model '" + m.model()
                    + "': not a built-in model (" + String.join(", ", BuiltInModels.names()) + "); give the config it was built from in 'config'"));
        }
        config = adjust.apply(config);
        CostNode root;
        try {
            root = models.root(config, m.attn());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(m.source() + ": " + e.getMessage(), e);
        }
        List<Unknown> unknowns = root.unknowns();
        if (!unknowns.isEmpty()) {
            throw new IllegalArgumentException(m.source() + ": " + m.model() + ": the analysis of " + root.className() + " is incomplete: "
                    + unknowns.stream().map(Unknown::toString).limit(3).collect(Collectors.joining("; ")));
        }
        r = new Resolved(config, root);
        resolved.put(key, r);
        return r;
    }
}
