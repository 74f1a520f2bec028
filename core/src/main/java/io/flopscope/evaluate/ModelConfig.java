package io.flopscope.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.formula.SymbolicEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's {@code config.json} with Hugging Face's conventions: attribute_map aliases
 * (hidden_size → n_embd) and the config class's defaults for absent or null fields
 * (GPT-2's n_inner → 4·n_embd), from {@code io/flopscope/config/<model_type>.json}.
 */
public final class ModelConfig {

    private final String name;
    private final JsonNode raw;
    private final String modelType;
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final JsonNode defaults;
    private final String modelingModule;
    private final Map<String, Rational> overrides = new LinkedHashMap<>();
    private final Set<String> userSets = new java.util.LinkedHashSet<>();
    private final Set<String> alsoKnown = new java.util.TreeSet<>();

    private final JsonNode family;

    private ModelConfig(String name, JsonNode raw) { this(name, raw, familyDefaults(raw.path("model_type").asText(""))); }

    private ModelConfig(String name, JsonNode raw, JsonNode family) {
        this.name = name;
        this.raw = raw;
        this.modelType = raw.path("model_type").asText("");
        this.family = family;
        for (JsonNode map : new JsonNode[] {family.path("attribute_map"), raw.path("attribute_map")}) {
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                aliases.put(e.getKey(), e.getValue().asText());
            }
        }
        this.defaults = family.path("defaults");
        this.modelingModule = family.path("modeling_module").asText(modelType.isEmpty() ? "" : "transformers.models." + modelType + ".modeling_" + modelType);
    }

    /** Parses a config.json text; throws IllegalArgumentException with a readable reason. */
    public static ModelConfig parse(String name, String json) {
        JsonNode n;
        try {
            n = JsonTrees.parse(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": not a valid config.json: " + JsonTrees.describe(e));
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(name + ": a config.json must hold a JSON object");
        return new ModelConfig(name, n);
    }

    /** The config.json as JSON text, without --set overrides; with {@link #familyJson()} it {@link #restore}s this config. */
    public String rawJson() { return JsonTrees.write(raw); }

    /** The family's defaults file as this config read it. */
    public String familyJson() { return JsonTrees.write(family); }

    /**
     * The config that {@link #rawJson()} and {@link #familyJson()} wrote, without reading the family's defaults
     * again (a cached command reads no resource at start-up). Throws IllegalArgumentException when they do not parse.
     */
    public static ModelConfig restore(String name, String rawJson, String familyJson) {
        try {
            JsonNode raw = JsonTrees.parse(rawJson), family = JsonTrees.parse(familyJson);
            if (!raw.isObject() || !family.isObject()) throw new IllegalArgumentException(name + ": a stored config must be JSON objects");
            return new ModelConfig(name, raw, family);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": stored config does not parse: " + e.getMessage());
        }
    }

    public String name() { return name; }
    public String modelType() { return modelType; }
    public JsonNode raw() { return raw; }

    /** Why there is no root class, for the error that says so: what is missing from the config. */
    public String noRootReason() {
        JsonNode arch = raw.path("architectures");
        boolean hasArch = arch.isArray() && !arch.isEmpty();
        if (hasArch && modelingModule.isEmpty()) {
            return name + ": architectures[0] is " + arch.get(0).asText() + " but the config has no model_type to find its module (transformers.models.<model_type>); pass --module CLASS";
        }
        if (!hasArch && !modelType.isEmpty()) return name + ": model_type is " + modelType + " but the config has no architectures[0] naming the root class; pass --module CLASS";
        return name + ": no architectures[0] or model_type to pick the root module; pass --module CLASS";
    }

    /** The root class: architectures[0] in the model type's modeling module. */
    public Optional<String> rootClass() {
        JsonNode arch = raw.path("architectures");
        if (!arch.isArray() || arch.isEmpty() || modelingModule.isEmpty()) return Optional.empty();
        return Optional.of(modelingModule + "." + arch.get(0).asText());
    }

    /** The dtype named by torch_dtype (or dtype), if any. */
    public Optional<Dtype> torchDtype() {
        String t = raw.hasNonNull("torch_dtype") ? raw.get("torch_dtype").asText() : raw.hasNonNull("dtype") ? raw.get("dtype").asText() : null;
        return Dtype.parse(t);
    }

    /**
     * Integer values the model's source gives and this config lacks: its config class's defaults, and fields under the
     * name its attribute_map reads them by (Qwen3-MoE's num_experts read as num_local_experts).
     */
    public void fillFrom(Map<String, Object> sourceValues) {
        for (var e : sourceValues.entrySet()) {
            if (!(e.getValue() instanceof Long || e.getValue() instanceof Integer)) continue;
            boolean known;
            try {
                known = value(e.getKey()).isPresent();
            } catch (IllegalArgumentException ex) {
                known = true; // present, not a number: not ours to replace
            }
            if (!known) override(e.getKey(), Rational.of(((Number) e.getValue()).longValue()));
        }
    }

    /** Sets a field's value over the config.json's and the defaults' (source values, --set). */
    public void override(String key, Rational value) { overrides.put(key, value); }

    /** Sets a field from the command line (--set key=value), remembered as the user's: checked and named as such. */
    public void set(String key, Rational value) { overrides.put(key, value); userSets.add(key); }

    /** Records a --set key whose value is not a number (text steering a source analysis), for the key check. */
    public void markSet(String key) { userSets.add(key); }

    private boolean fromSource;

    /** Marks a config built from a source analysis's values (no config.json): its values are the code's defaults. */
    public void markFromSource() { fromSource = true; }

    /** Whether the values are a source analysis's defaults rather than a config.json's. */
    public boolean fromSource() { return fromSource; }

    /** Fields the model's source has (its config class's), also valid --set keys. */
    public void addKnown(java.util.Collection<String> fields) { alsoKnown.addAll(fields); }

    /** The keys given with --set, in order. */
    public Set<String> userSets() { return java.util.Collections.unmodifiableSet(userSets); }

    /** The values set over the config.json's (source values and --set), by field. */
    public Map<String, Rational> overrides() { return java.util.Collections.unmodifiableMap(overrides); }

    /** Every field this config names: its config.json, its family's defaults, the names its attribute_map maps, its source's fields. */
    public Set<String> knownFields() {
        Set<String> out = new java.util.TreeSet<>();
        raw.fieldNames().forEachRemaining(out::add);
        defaults.fieldNames().forEachRemaining(out::add);
        out.addAll(aliases.keySet());
        out.addAll(aliases.values());
        // values set over the config (a source's defaults), but not --set's own keys: those are what is checked
        for (String k : overrides.keySet()) if (!userSets.contains(k)) out.add(k);
        out.addAll(alsoKnown);
        return out;
    }

    /** The numeric value of config.&lt;field&gt;, following aliases and defaults; empty when absent everywhere. */
    public Optional<Rational> value(String field) { return value(field, new HashSet<>()); }

    private Optional<Rational> value(String field, Set<String> visiting) {
        if (!visiting.add(field)) throw new IllegalArgumentException(name + ": config default for '" + field + "' refers to itself");
        if (overrides.containsKey(field)) return Optional.of(overrides.get(field));
        String target = aliases.getOrDefault(field, field);
        if (overrides.containsKey(target)) return Optional.of(overrides.get(target));
        for (var a : aliases.entrySet()) if (a.getValue().equals(target) && overrides.containsKey(a.getKey())) return Optional.of(overrides.get(a.getKey()));
        JsonNode v = raw.get(target);
        if (v == null || v.isNull()) v = raw.get(field);
        // config.json may give the field under a name the attribute_map maps to it (Qwen3-MoE's num_experts is
        // stored as num_local_experts): that value, not the class default
        if (v == null || v.isNull()) for (var a : aliases.entrySet()) if (a.getValue().equals(target) && raw.hasNonNull(a.getKey())) { v = raw.get(a.getKey()); break; }
        if (v != null && !v.isNull()) return Optional.of(number(field, v, visiting));
        JsonNode d = defaults.get(target);
        if (d == null) d = defaults.get(field);
        // moe_experts_hit has no default here: it depends on the step's tokens (expertsHit)
        if (d == null || d.isNull()) return Optional.empty();
        return Optional.of(number(field, d, visiting));
    }

    /** How many experts of a mixture receive tokens: not a Hugging Face field, FlopScope's routing assumption. */
    public static final String EXPERTS_HIT = "moe_experts_hit";

    /** The routed experts of a mixture (num_local_experts, num_experts or n_routed_experts), or empty. */
    public Optional<Rational> experts() {
        for (String n : List.of("num_local_experts", "num_experts", "n_routed_experts")) {
            Optional<Rational> e = value(n);
            if (e.isPresent()) return e;
        }
        return Optional.empty();
    }

    /** Exact powers up to this many bits; beyond, (1 − k/E)^tokens is taken to 60 significant digits. */
    private static final int EXACT_BITS = 1 << 16;

    /**
     * FlopScope's routing assumption for a forward call of {@code tokens} tokens (batch_size·seq_len): the value
     * --set moe_experts_hit gives, else the experts that uniform top-k routing reaches on average,
     * E·(1 − (1 − k/E)^tokens) (an expert misses one token's k picks with probability (E − k)/E); empty for a model
     * with no experts. One decode step of one sequence reaches k experts; a long prompt all of them.
     */
    public Optional<Rational> expertsHit(long tokens) {
        Optional<Rational> given = value(EXPERTS_HIT);
        if (given.isPresent()) return given;
        Optional<Rational> experts = experts();
        Optional<Rational> topK = value("num_experts_per_tok");
        if (experts.isEmpty() || !experts.get().isInteger()) return experts;
        if (topK.isEmpty() || !topK.get().isInteger() || tokens < 1) return experts;
        java.math.BigInteger e = experts.get().num(), k = topK.get().num();
        if (k.signum() <= 0 || k.compareTo(e) >= 0) return experts;
        java.math.BigInteger miss = e.subtract(k);
        if ((long) e.bitLength() * tokens <= EXACT_BITS) {
            java.math.BigInteger den = e.pow((int) tokens), num = miss.pow((int) tokens);
            return Optional.of(experts.get().multiply(new Rational(den.subtract(num), den)));
        }
        java.math.MathContext mc = new java.math.MathContext(60);
        java.math.BigDecimal q = new java.math.BigDecimal(miss).divide(new java.math.BigDecimal(e), mc).pow((int) Math.min(tokens, 999_999_999L), mc);
        return Optional.of(experts.get().multiply(Rational.ONE.subtract(Rational.parse(q.toPlainString()))));
    }

    /**
     * config.&lt;field&gt; as a Python literal ({@code "silu"}, True, None, 12): from --set, config.json, else the
     * family's defaults (a default formula gives its number); empty when the field is absent everywhere.
     */
    public Optional<String> literal(String field) {
        String target = aliases.getOrDefault(field, field);
        if (overrides.containsKey(field) || overrides.containsKey(target)) return value(field).map(Rational::toString);
        JsonNode v = raw.has(target) ? raw.get(target) : raw.get(field);
        if (v == null) {
            JsonNode d = defaults.has(target) ? defaults.get(target) : defaults.get(field);
            if (d == null) return Optional.empty();
            // a default written as a formula is FlopScope's stand-in for what the model derives (GPT-2's n_inner, None in
            // the config class): not the config's own value
            if (d.isTextual()) return Optional.empty();
            v = d;
        }
        if (v.isNull()) return Optional.of("None");
        if (v.isBoolean()) return Optional.of(v.asBoolean() ? "True" : "False");
        if (v.isIntegralNumber()) return Optional.of(v.bigIntegerValue().toString());
        if (v.isTextual()) return Optional.of('"' + v.asText().replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        return Optional.empty();
    }

    private Rational number(String field, JsonNode v, Set<String> visiting) {
        if (v.isBoolean()) return v.asBoolean() ? Rational.ONE : Rational.ZERO;
        if (v.isIntegralNumber()) return Rational.of(v.bigIntegerValue());
        if (v.isNumber()) return Rational.parse(v.decimalValue().toPlainString());
        if (v.isTextual()) {
            // a default written as a formula over other fields ("4 * n_embd")
            try {
                Poly p = new SymbolicEvaluator(new java.util.function.Function<String, Poly>() {
                    // a class rather than a lambda: this runs at start-up (GPT-2's n_inner), where linking one costs ms
                    @Override public Poly apply(String n) {
                        Optional<Rational> r = value(n, new HashSet<>(visiting));
                        return r.isPresent() ? Poly.constant(r.get()) : null;
                    }
                }, false).eval(FormulaParser.parse(v.asText()));
                if (p.isConstant()) return p.constantValue();
            } catch (FormulaSyntaxError | SymbolicEvaluator.SymbolicException e) {
                // fall through: not numeric
            }
        }
        throw new IllegalArgumentException(name + ": config field '" + field + "' is not a number: " + v);
    }

    /** {@code [\w-]+}, checked by hand: a regular expression compiles slowly at start-up. */
    private static boolean isResourceName(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
        }
        return true;
    }

    private static JsonNode familyDefaults(String modelType) {
        if (!isResourceName(modelType)) return JsonTrees.emptyObject();
        try (InputStream in = ModelConfig.class.getResourceAsStream("/io/flopscope/config/" + modelType + ".json")) {
            if (in == null) return JsonTrees.emptyObject();
            return JsonTrees.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
