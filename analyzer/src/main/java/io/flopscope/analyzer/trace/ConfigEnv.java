package io.flopscope.analyzer.trace;

import io.flopscope.formula.Poly;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Config values for the interpreter. Integer sizes stay symbolic ({@code config.n_embd}) so one analysis
 * serves every model size; booleans, strings, floats and None are folded as constants because they
 * choose the code path.
 */
public final class ConfigEnv {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private String configClass;

    /** The config class in the source, whose @property and methods answer what the values do not hold; may be null. */
    public String configClass() { return configClass; }

    public void configClass(String qualifiedName) { this.configClass = qualifiedName; }

    /** value: Long, Double, Boolean, String, or null for None. */
    public void put(String name, Object value) { values.put(name, value); }

    public void alias(String from, String to) { aliases.put(from, to); }

    public boolean has(String name) { read.add(canonical(name)); return values.containsKey(canonical(name)) || derived.containsKey(canonical(name)); }

    private final java.util.Set<String> read = new java.util.LinkedHashSet<>();

    /** Forgets the reads so far (loading the values reads them all). */
    public void clearReads() { read.clear(); }

    /** Every field the analysis asked for (whether or not it had a value): what a --set key can change. */
    public java.util.Set<String> read() { return java.util.Collections.unmodifiableSet(read); }

    public String canonical(String name) {
        String n = name;
        for (int i = 0; i < 4 && aliases.containsKey(n); i++) n = aliases.get(n);
        return n;
    }

    private final Map<String, Value> derived = new LinkedHashMap<>();

    /** A value computed from others (a dataclass's __post_init__): kept as a formula over the config's sizes. */
    public void derive(String name, Value v) { derived.put(name, v); }

    /** Whether the config class computed this field itself (Qwen2's sliding_window from use_sliding_window). */
    public boolean isDerived(String name) { return derived.containsKey(canonical(name)); }

    public Optional<Value> get(String name) {
        String c = canonical(name);
        read.add(c);
        if (derived.containsKey(c)) return Optional.of(derived.get(c));
        if (!values.containsKey(c)) return Optional.empty();
        Object v = values.get(c);
        if (v == null) return Optional.of(Value.NoneV.NONE);
        if (v instanceof Boolean b) return Optional.of(new Value.BoolV(b));
        // an integer of 0 or less is a flag or an "off" marker (chunk_size_feed_forward = 0), not a size: folded as a constant,
        // so that every config symbol stands for a size of at least 1
        if (v instanceof Long || v instanceof Integer) {
            long n = ((Number) v).longValue();
            return Optional.of(n <= 0 ? Value.IntV.of(n) : new Value.IntV(Poly.symbol("config." + c)));
        }
        if (v instanceof Double d) return Optional.of(new Value.FloatV(d));
        if (v instanceof String s) return Optional.of(new Value.StrV(s));
        if (v instanceof java.util.List<?> || v instanceof Map<?, ?>) return Optional.of(data(v));
        return Optional.empty();
    }

    /**
     * A list or dict of config.json (layer_types, rope_parameters) as a Python value; the numbers in it are constants,
     * not sizes (each read builds a fresh copy, so that code which edits it in place does not change the config).
     */
    static Value data(Object v) {
        if (v == null) return Value.NoneV.NONE;
        if (v instanceof Boolean b) return new Value.BoolV(b);
        if (v instanceof Integer || v instanceof Long) return Value.IntV.of(((Number) v).longValue());
        if (v instanceof java.math.BigInteger b) return Value.IntV.of(b.longValue());
        if (v instanceof Number n) return new Value.FloatV(n.doubleValue());
        if (v instanceof String s) return new Value.StrV(s);
        if (v instanceof java.util.List<?> l) {
            java.util.List<Value> out = new java.util.ArrayList<>();
            for (Object x : l) out.add(data(x));
            return new Value.ListV(out);
        }
        if (v instanceof Map<?, ?> m) {
            Value.DictV d = new Value.DictV();
            for (var e : m.entrySet()) d.items().put(String.valueOf(e.getKey()), data(e.getValue()));
            return d;
        }
        return new Value.UnknownV("config value of type " + v.getClass().getSimpleName());
    }

    public Map<String, Object> values() { return values; }

    /** copy.deepcopy(config): the same values, changed independently from here on (Gemma 3's local-RoPE config). */
    public ConfigEnv copy() {
        ConfigEnv c = new ConfigEnv();
        c.values.putAll(values);
        c.aliases.putAll(aliases);
        c.derived.putAll(derived);
        c.configClass = configClass;
        return c;
    }

    /** A folded value as a Python literal ("silu", True, None, 0); null for sizes, floats and anything else. */
    static String literal(Value v) {
        if (v instanceof Value.NoneV) return "None";
        if (v instanceof Value.BoolV b) return b.value() ? "True" : "False";
        if (v instanceof Value.StrV s) return '"' + s.value().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        if (v instanceof Value.IntV i && i.value().symbols().isEmpty()) return i.value().toFormula();
        return null;
    }
}
