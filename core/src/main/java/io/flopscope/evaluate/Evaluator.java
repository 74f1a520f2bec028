package io.flopscope.evaluate;

import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.Cost;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Binds a scenario and a config to the symbols of a cost and returns exact numbers. */
public final class Evaluator {
    private final Map<String, Rational> scenario;
    private final ModelConfig config;
    private final long tokens; // batch_size·seq_len: what the routing assumption depends on

    public Evaluator(Scenario scenario, ModelConfig config) {
        this.scenario = scenario.bindings();
        this.config = config;
        this.tokens = scenario.batchSize() * scenario.seqLen();
    }

    /** The value of a global symbol, or empty. */
    public static final String EXPERTS_HIT_SYMBOL = "config." + ModelConfig.EXPERTS_HIT;

    public Optional<Rational> symbol(String name) {
        Rational v = scenario.get(name);
        if (v != null) return Optional.of(v);
        if (name.startsWith("config.") && config != null) {
            Optional<Rational> c = configValues.get(name);
            if (c == null) {
                // the routing assumption depends on the call's tokens (ModelConfig.expertsHit)
                c = name.equals(EXPERTS_HIT_SYMBOL) ? config.expertsHit(tokens) : config.value(name.substring(7));
                configValues.putIfAbsent(name, c);
            }
            return c;
        }
        return Optional.empty();
    }

    /** A tree asks for the same few config values thousands of times; aliases and defaults are followed once each. */
    private final java.util.Map<String, Optional<Rational>> configValues = new java.util.concurrent.ConcurrentHashMap<>();

    /** The symbols' values, or null; a class rather than a lambda, which would link java.lang.invoke at start-up. */
    private final Function<String, Rational> lookup = new Function<>() {
        @Override public Rational apply(String n) { return symbol(n).orElse(null); }
    };

    public Numbers evaluate(Cost c) {
        return new Numbers(c.matmulFlops().evaluate(lookup), c.vectorFlops().evaluate(lookup),
                c.bytesRead().evaluate(lookup), c.bytesWritten().evaluate(lookup));
    }

    public Rational evaluate(Poly p) { return p.evaluate(lookup); }

    /** Symbols of the cost that neither the scenario nor the config can supply. */
    public Set<String> missing(Cost c) {
        Set<String> out = new TreeSet<>();
        for (Poly p : new Poly[] {c.matmulFlops(), c.vectorFlops(), c.bytesRead(), c.bytesWritten()}) {
            for (String s : p.symbols()) if (symbol(s).isEmpty()) out.add(s);
        }
        return out;
    }

    /** Replaces config.* symbols by the config's values, leaving scenario symbols free. */
    public static Poly bindConfig(Poly p, ModelConfig config) {
        return p.substitute(n -> n.startsWith("config.") ? config.value(n.substring(7)).map(Poly::constant).orElse(null) : null);
    }
}
