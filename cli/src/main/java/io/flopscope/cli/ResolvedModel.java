package io.flopscope.cli;

import io.flopscope.diag.Diagnostic;
import io.flopscope.evaluate.ConfigConditions;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import java.util.List;
import io.flopscope.formula.Poly;
import io.flopscope.library.Library;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.Resolver;
import java.io.PrintWriter;

/** A model's config, its root analysis and the resolved symbolic cost tree. */
record ResolvedModel(ModelConfig config, String rootClass, Resolver.Resolution resolution, boolean prefillOnly) {

    /** The scenarios, refused when they need a KV cache and the root's analysis covers prefill only (an encoder). */
    List<Scenario> check(List<Scenario> scenarios) {
        for (Scenario s : scenarios) {
            if (prefillOnly && (s.phase() == Phase.DECODE || s.cacheLen() > 0)) {
                throw UserError.usage(config.name() + ": the analysis of " + rootClass.substring(rootClass.lastIndexOf('.') + 1)
                        + " covers prefill only (an encoder keeps no KV cache: no decode step, no generation); cost a prefill without --cache");
            }
        }
        return scenarios;
    }

    Scenario check(Scenario s) { return check(List.of(s)).get(0); }

    /** An evaluator for the scenario, once every config value the totals need is known (else exit 1, naming them). */
    Evaluator evaluator(Scenario s) {
        Evaluator ev = new Evaluator(s, config);
        var missing = ev.missing(resolution.root().cumulative());
        if (!missing.isEmpty()) {
            throw UserError.failed(config.name() + ": no value for " + String.join(", ", missing) + " (missing from the config and its defaults; set it in config.json)");
        }
        return ev;
    }

    /** The tree evaluated at the scenario (else exit 1, naming every value missing). */
    EvaluatedNode evaluate(Scenario s) {
        try {
            return EvaluatedNode.of(resolution.root(), new Evaluator(s, config));
        } catch (Poly.UnboundSymbolException e) {
            evaluator(s); // lists the symbols up front only when one is missing: collecting them costs start-up time
            throw UserError.failed(config.name() + ": " + e.getMessage());
        }
    }

    static ResolvedModel of(String model, String moduleClass, Library library, boolean causal, PrintWriter err) {
        return of(ModelLoader.load(model), moduleClass, library, causal, err);
    }

    static ResolvedModel of(ModelConfig config, String moduleClass, Library library, boolean causal, PrintWriter err) {
        String root = moduleClass != null ? moduleClass : config.rootClass().orElseThrow(() -> UserError.failed(config.noRootReason()));
        if (library.find(root).isEmpty()) {
            throw UserError.failed("no analysis for " + root + (library.similar(root).isEmpty() ? "" : " (did you mean " + String.join(" or ", library.similar(root)) + "?)")
                    + "; add one with --library DIR");
        }
        checked(config, err);
        ConfigConditions.selectVariants(library, config);
        for (Diagnostic d : library.problems()) if (d.isError()) err.println(d);
        Resolver.Resolution r = new Resolver(library, causal).resolve(root);
        for (Diagnostic d : r.diagnostics()) err.println(d);
        for (Diagnostic d : ConfigConditions.check(r.root(), library, config)) err.println(d);
        checkSetKeys(config, r);
        // an analysis traced without a cache says so ("prefill: no KV cache ...")
        boolean prefillOnly = library.analysis(root).map(a -> a.conditions().stream().anyMatch(c -> c.startsWith("prefill:"))).orElse(false);
        return new ResolvedModel(config, root, r, prefillOnly);
    }

    /**
     * The config, once ConfigValidation finds nothing wrong with it (else exit 1 with the first problem, the others
     * on err when given). Every command that computes from a config passes through here.
     */
    static ModelConfig checked(ModelConfig config, PrintWriter err) {
        List<String> invalid = io.flopscope.evaluate.ConfigValidation.problems(config);
        if (!invalid.isEmpty()) {
            if (err != null) for (int i = 1; i < invalid.size(); i++) err.println("flopscope: error: " + invalid.get(i));
            throw UserError.failed(invalid.get(0));
        }
        return config;
    }

    /**
     * Every --set key must name something: a field of the config (its config.json, its family's defaults, the names
     * its attribute_map maps, the fields a source analysis read) or a config value the analyses use. A key nothing
     * reads would change nothing: refused, with the closest names.
     */
    static void checkSetKeys(ModelConfig config, Resolver.Resolution r) {
        if (config.userSets().isEmpty()) return;
        java.util.Set<String> known = new java.util.TreeSet<>(config.knownFields());
        if (config.experts().isPresent()) known.add(ModelConfig.EXPERTS_HIT);
        if (r != null && r.root() != null) {
            var c = r.root().cumulative();
            for (Poly p : List.of(c.matmulFlops(), c.vectorFlops(), c.bytesRead(), c.bytesWritten())) {
                for (String s : p.symbols()) if (s.startsWith("config.")) known.add(s.substring(7));
            }
        }
        for (String k : config.userSets()) {
            if (!known.contains(k)) {
                throw UserError.usage("--set " + k + ": no field of " + config.name() + "'s config and no analysis reads it" + io.flopscope.diag.Suggestions.hint(k, known));
            }
        }
    }

    /**
     * The routing assumption a mixture of experts was evaluated under, for text reports: how many experts a call of
     * this scenario reads, and why; empty for a model without routed experts or whose analysis does not use it.
     */
    java.util.Optional<String> routingNote(Scenario sc) {
        var experts = config.experts();
        if (experts.isEmpty() || !resolution.root().cumulative().bytesRead().symbols().contains(io.flopscope.evaluate.Evaluator.EXPERTS_HIT_SYMBOL)) return java.util.Optional.empty();
        long tokens = sc.batchSize() * sc.seqLen();
        var hit = config.expertsHit(tokens).orElseThrow();
        boolean given = config.value(io.flopscope.evaluate.ModelConfig.EXPERTS_HIT).isPresent();
        String value = hit.isInteger() ? hit.toString() : String.format(java.util.Locale.ROOT, "%.3f", hit.doubleValue());
        return java.util.Optional.of("routing          " + value + " of " + experts.get() + " experts read per layer"
                + (given ? " (--set moe_experts_hit)" : " (expected under uniform top-" + config.value("num_experts_per_tok").map(Object::toString).orElse("k")
                + " routing of " + tokens + " token" + (tokens == 1 ? "" : "s") + ": E·(1 − (1 − k/E)^tokens); --set moe_experts_hit=N to change)"));
    }
}
