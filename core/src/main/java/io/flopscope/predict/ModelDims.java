package io.flopscope.predict;

import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Rational;
import java.util.Optional;

/**
 * The few config sizes the memory and tensor-parallel models need, under their Hugging Face names
 * or GPT-2's: layers, hidden width, attention heads, key/value heads (grouped-query attention) and
 * head width. Keys and values cached per head are head_dim wide; multi-head latent attention (DeepSeek-V2/V3, a
 * kv_lora_rank in the config) caches one compressed latent of kv_lora_rank + qk_rope_head_dim per token and layer,
 * as transformers 5.x does (4.57 cached the expanded heads: keys of qk_nope + qk_rope, values of v_head_dim).
 */
public record ModelDims(long layers, long hidden, long heads, long kvHeads, long headDim, long keyDim, long valueDim) {

    public ModelDims(long layers, long hidden, long heads, long kvHeads, long headDim) { this(layers, hidden, heads, kvHeads, headDim, headDim, headDim); }

    /** Key and value elements one token adds to one layer's cache. */
    public long kvWidth() { return kvHeads * (keyDim + valueDim); }

    /** Keys and values of equal width (head_dim): the usual cache. */
    public boolean uniformKv() { return keyDim == headDim && valueDim == headDim; }

    public static ModelDims of(ModelConfig c) {
        long layers = field(c, "n_layer", "num_hidden_layers", "n_layers", "num_layers");
        long hidden = field(c, "n_embd", "hidden_size", "d_model");
        long heads = field(c, "n_head", "num_attention_heads", "n_heads");
        long kv = optional(c, "num_key_value_heads", "n_kv_heads", "multi_query_group_num").orElse(heads);
        long headDim = optional(c, "head_dim").orElseGet(() -> {
            if (hidden % heads != 0) throw new IllegalArgumentException(c.name() + ": hidden size " + hidden + " is not a multiple of the " + heads + " heads; set head_dim");
            return hidden / heads;
        });
        Optional<Long> latent = optional(c, "kv_lora_rank"), rope = optional(c, "qk_rope_head_dim");
        // one latent "head": kv_lora_rank as the key part, the shared rotary key as the value part of kvWidth
        if (latent.isPresent() && rope.isPresent()) return new ModelDims(layers, hidden, heads, 1, headDim, latent.get(), rope.get());
        return new ModelDims(layers, hidden, heads, kv, headDim);
    }

    /** Tensor parallelism splits attention heads (and key/value heads) evenly across the devices. */
    public void checkTensorParallel(int n) {
        if (n <= 1) return;
        if (heads % n != 0) throw new IllegalArgumentException("tensor parallelism over " + n + " devices needs the " + heads + " attention heads to split evenly");
        if (kvHeads % n != 0 && uniformKv()) throw new IllegalArgumentException("tensor parallelism over " + n + " devices needs the " + kvHeads + " key/value heads to split evenly");
    }

    private static long field(ModelConfig c, String... names) {
        return optional(c, names).orElseThrow(() -> new IllegalArgumentException(
                c.name() + ": the config has none of " + String.join(", ", names) + " (needed for memory and tensor-parallel estimates)"));
    }

    private static Optional<Long> optional(ModelConfig c, String... names) {
        for (String n : names) {
            Optional<Rational> v = c.value(n);
            if (v.isPresent()) {
                Rational r = v.get();
                if (!r.isInteger() || r.signum() <= 0) throw new IllegalArgumentException(c.name() + ": config field '" + n + "' must be a positive integer, got " + r);
                return Optional.of(r.num().longValueExact());
            }
        }
        return Optional.empty();
    }
}
