package io.flopscope.resolve;

import io.flopscope.formula.Poly;
import java.util.Map;

/**
 * Names every analysis may use without declaring them: the scenario's dimensions, the dtype sizes,
 * and the model configuration ({@code config.*}). See docs/conventions.md.
 */
public final class Globals {
    public static final String BATCH = "batch_size";
    public static final String SEQ = "seq_len";
    public static final String CACHE = "cache_len";
    public static final String W_BYTES = "w_bytes";
    /** Bytes of an element of a copy of weights (gathered expert weights): w_bytes, but not a parameter read. */
    public static final String WCOPY_BYTES = "wcopy_bytes";
    public static final String A_BYTES = "a_bytes";
    public static final String KV_BYTES = "kv_bytes";

    /** kv_len is derived: the keys one attention call sees. */
    private static final Map<String, Poly> DERIVED = Map.of("kv_len", Poly.symbol(SEQ).add(Poly.symbol(CACHE)));

    private Globals() {}

    public static boolean isScenario(String name) {
        return name.equals(BATCH) || name.equals(SEQ) || name.equals(CACHE) || name.equals("kv_len");
    }

    /** The value of a global name, or null. */
    public static Poly lookup(String name) {
        switch (name) {
            case BATCH, SEQ, CACHE, W_BYTES, WCOPY_BYTES, A_BYTES, KV_BYTES -> { return Poly.symbol(name); }
            default -> { }
        }
        Poly d = DERIVED.get(name);
        if (d != null) return d;
        if (name.startsWith("config.") && name.length() > 7) return Poly.symbol(name);
        return null;
    }
}
