package io.flopscope.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.formula.Rational;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a config must satisfy before any number is computed from it, checked in one place for every command
 * (docs/bad-inputs.md): sizes are integers (positive for the model's dimensions), the
 * heads divide the hidden width (unless head_dim is given) and the key/value heads divide the heads, and the dtype is
 * one FlopScope knows. Each problem is one sentence naming the field and its value.
 */
public final class ConfigValidation {
    private ConfigValidation() {}

    /** The model's dimensions under their usual names: zero or negative makes no model. */
    static final Set<String> DIMENSIONS = Set.of("n_layer", "num_hidden_layers", "n_layers", "num_layers", "n_embd", "hidden_size", "d_model",
            "n_head", "num_attention_heads", "n_heads", "num_key_value_heads", "n_kv_heads", "vocab_size", "intermediate_size", "n_inner",
            "head_dim", "ffn_dim", "moe_intermediate_size", "num_experts_per_tok", "num_local_experts", "num_experts", "n_routed_experts");

    /** A field that holds a count or a width: an integer, never negative. Ids and flags are not sizes. */
    public static boolean isSize(String field) {
        if (DIMENSIONS.contains(field)) return true;
        if (field.endsWith("_id") || field.endsWith("_ids") || field.endsWith("_token") || field.startsWith("use_")) return false;
        return field.startsWith("num_") || field.startsWith("n_") || field.endsWith("_size") || field.endsWith("_dim") || field.endsWith("_layers")
                || field.endsWith("_heads") || field.endsWith("_rank") || field.endsWith("_experts") || field.equals("max_position_embeddings");
    }

    public static List<String> problems(ModelConfig c) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode raw = c.raw();
        // The model's dimensions are checked wherever they come from. Other sizes only where the user gave them (a
        // config.json, --set): a model's own code may use sentinels (gpt-fast's n_local_heads = -1) and words
        // (Mamba's time_step_rank = "auto") that it resolves itself.
        for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
            var e = it.next();
            String k = e.getKey();
            boolean dimension = DIMENSIONS.contains(k);
            if (!isSize(k) || e.getValue().isNull() || c.overrides().containsKey(k) || (c.fromSource() && !dimension)) continue;
            JsonNode v = e.getValue();
            if (v.isBoolean() || v.isTextual() || v.isContainerNode()) {
                if (dimension) out.add(field(c, k) + " is " + v + ": a size must be an integer");
            } else if (v.isNumber()) {
                size(c, k, Rational.parse(v.decimalValue().toPlainString()), out);
            }
        }
        for (var e : c.overrides().entrySet()) {
            if (isSize(e.getKey()) && (DIMENSIONS.contains(e.getKey()) || c.userSets().contains(e.getKey()))) size(c, e.getKey(), e.getValue(), out);
        }
        Optional<Rational> hidden = first(c, "n_embd", "hidden_size", "d_model");
        Optional<Rational> heads = first(c, "n_head", "num_attention_heads", "n_heads");
        Optional<Rational> kv = first(c, "num_key_value_heads", "n_kv_heads");
        boolean headDim = first(c, "head_dim").isPresent() || c.raw().hasNonNull("head_dim");
        if (ok(hidden) && ok(heads) && !headDim && !hidden.get().num().mod(heads.get().num()).equals(java.math.BigInteger.ZERO)) {
            out.add(c.name() + ": the hidden width " + hidden.get() + " is not a multiple of the " + heads.get() + " attention heads (the model splits it evenly; give head_dim if it does not)");
        }
        if (ok(heads) && ok(kv) && !heads.get().num().mod(kv.get().num()).equals(java.math.BigInteger.ZERO)) {
            out.add(c.name() + ": the " + heads.get() + " attention heads are not a multiple of the " + kv.get() + " key/value heads (grouped-query attention shares each key/value head among equally many query heads)");
        }
        for (String d : List.of("torch_dtype", "dtype")) {
            JsonNode v = raw.get(d);
            if (v != null && !v.isNull() && !(v.isTextual() && (Dtype.parse(v.asText()).isPresent() || v.asText().equals("auto")))) {
                out.add(field(c, d) + " is " + v + ": not a dtype FlopScope knows (float32, bfloat16, float16, float8, int8, int4)");
            }
        }
        return new ArrayList<>(out);
    }

    private static void size(ModelConfig c, String f, Rational v, Set<String> out) {
        if (!v.isInteger()) out.add(field(c, f) + " is " + v.toDecimalString() + ": a size must be an integer");
        else if (v.signum() < 0 || (v.signum() == 0 && DIMENSIONS.contains(f))) out.add(field(c, f) + " is " + v + ": a size must be " + (DIMENSIONS.contains(f) ? "positive" : "0 or more"));
    }

    private static String field(ModelConfig c, String f) {
        return c.name() + ": " + (c.userSets().contains(f) ? "--set " : "config field ") + f;
    }

    private static Optional<Rational> first(ModelConfig c, String... names) {
        for (String n : names) {
            try {
                Optional<Rational> v = c.value(n);
                if (v.isPresent()) return v;
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not a number: reported as such above
            }
        }
        return Optional.empty();
    }

    private static boolean ok(Optional<Rational> v) { return v.isPresent() && v.get().isInteger() && v.get().signum() > 0; }
}
