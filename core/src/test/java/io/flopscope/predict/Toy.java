package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.library.Library;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: a hand-written toy library, a toy device with round numbers, and the built-in models. */
final class Toy {
    private Toy() {}

    /** A device with round figures: matmul 1e12 (fp32) / 2e12 (bf16), vector 1e11, memory 1e11 B/s, all at 50%, launch 1 µs. */
    static final String PROFILE_JSON = """
            {
              "id": "toy-gpu",
              "name": "Toy GPU",
              "aliases": ["toy"],
              "matmul_flops_per_s": {"fp32": 1e12, "bf16": 2e12},
              "vector_flops_per_s": {"fp32": 1e11, "bf16": 1e11},
              "memory_bandwidth_bytes_per_s": 1e11,
              "memory_capacity_bytes": 1000000000,
              "on_chip_cache_bytes": 0,
              "interconnect_bytes_per_s": 1e10,
              "interconnect_name": "toy link",
              "efficiency": {"matmul": 0.5, "vector": 0.5, "memory": 0.5},
              "launch_overhead_s": 1e-6,
              "sources": ["made up for tests"],
              "notes": ""
            }
            """;

    /** The toy device with a host that costs nothing: the step is the device's timeline (the roofline sum). */
    static HardwareProfile profile() {
        HardwareProfile p = HardwareProfile.parse("toy.json", PROFILE_JSON);
        return p.withHost(new HardwareProfile.Host("device-only", 0, 0, 0, p.launchOverheadS()));
    }

    static ModelConfig config() { return ModelConfig.parse("toy", "{\"n_layer\": 2, \"n_embd\": 8, \"n_head\": 2}"); }

    record K(int line, String title, String type, String flopClass, String flops, String read, String write) {}

    static K basic(int line, String title, String flopClass, String flops, String read, String write) {
        return new K(line, title, "basic", flopClass, flops, read, write);
    }

    static K composite(int line, String title, String ref) { return new K(line, title, "composite", "vector", ref, ref, ref); }

    static String doc(String cls, String params, List<K> kernels) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Computational Cost Analysis: ").append(cls).append("\n\n## Source Code Location\n- **File**: `toy.py`\n- **Class**: `")
          .append(cls.substring(cls.lastIndexOf('.') + 1)).append("`\n\n## Inference Configuration Analysis\n\n### Default Inference Conditions\n- eval mode\n\n")
          .append("### Skipped Conditional Branches\n\n## Parameters\n`").append(params).append("`\n\n## Variable and Shape Definitions\n\n")
          .append("## Line-by-Line Computational Analysis\n\n### Kernels\n\n");
        for (K k : kernels) {
            sb.append("**Line ").append(k.line).append(": ").append(k.title).append("**\n- **Kernel Type**: ").append(k.type)
              .append("\n- **Operation**: op\n- **Analysis**: test kernel\n- **FLOPs**: ").append(k.flops).append("\n- **FLOP Class**: ").append(k.flopClass)
              .append("\n- **Memory Access**:\n  - Read: ").append(k.read).append("\n  - Write: ").append(k.write).append("\n\n");
        }
        sb.append("## Summary of Computational Kernels\nTest.\n");
        return sb.toString();
    }

    /**
     * toy.Root: a GEMM, a fused scale (no bytes), a kernel that does nothing, and three calls of toy.Child.
     * toy.Decoder: kernels whose cost depends on cache_len — a quadratic matmul that overtakes its memory
     * term at c ≈ 31.7, a kernel present only for cache_len &gt; 20, and one with floor(cache_len / 7).
     */
    static Library library() {
        Library lib = Library.empty();
        lib.addDocument("toy/Child.md", doc("toy.Child", "(width)", List.of(
                basic(1, "five ops per element", "vector", "5 * batch_size * seq_len * width",
                        "batch_size * seq_len * width * a_bytes", "batch_size * seq_len * width * a_bytes"))), false);
        lib.addDocument("toy/Root.md", doc("toy.Root", "()", List.of(
                basic(1, "gemm", "matmul", "2 * batch_size * seq_len * 1000 * 1000",
                        "batch_size * seq_len * 1000 * a_bytes + 1000 * 1000 * w_bytes", "batch_size * seq_len * 1000 * a_bytes"),
                basic(2, "fused scale", "vector", "batch_size * seq_len * 1000", "0", "0"),
                basic(3, "a view", "vector", "0", "0", "0"),
                composite(4, "children", "3 * ${toy.Child}(width=1000)"))), false);
        lib.addDocument("toy/Decoder.md", doc("toy.Decoder", "()", List.of(
                basic(1, "quadratic scores", "matmul", "1000 * batch_size * cache_len * cache_len", "100000 + 10 * cache_len", "0"),
                basic(2, "late kernel", "vector", "positive(cache_len - 20) * 1000000", "positive(cache_len - 20) * 100000", "0"),
                basic(3, "chunked", "vector", "floor(cache_len / 7) * 100000", "8 * cache_len", "8"),
                composite(4, "per layer", "config.n_layer * ${toy.Child}(width=kv_len)"))), false);
        assertTrue(lib.problems().isEmpty(), () -> "toy library: " + lib.problems());
        return lib;
    }

    static CostNode resolve(Library lib, String root) {
        Resolver.Resolution r = new Resolver(lib, false).resolve(root);
        assertTrue(!r.hasErrors(), () -> "diagnostics: " + r.diagnostics());
        assertTrue(r.root().complete(), () -> "unanalysed: " + r.root().unknowns());
        return r.root();
    }

    /** A built-in model resolved with an attention implementation. */
    record Model(String name, String attn, ModelConfig config, CostNode root) {
        @Override public String toString() { return name + "/" + attn; }
    }

    static List<Model> builtInModels() {
        List<Model> out = new ArrayList<>();
        for (String n : BuiltInModels.names()) {
            ModelConfig c = BuiltInModels.find(n).orElseThrow();
            // configs of families whose analyses are not built in yet (Llama, OPT, BERT, ...) are skipped
            if (Library.builtIn().find(c.rootClass().orElseThrow()).isEmpty()) continue;
            for (String attn : new String[] {"sdpa", "eager"}) {
                Library lib = Library.builtIn();
                if (!lib.useImplementation(attn)) continue;
                io.flopscope.evaluate.ConfigConditions.selectVariants(lib, c); // as the CLI does: the variants this config meets
                out.add(new Model(n, attn, c, resolve(lib, c.rootClass().orElseThrow())));
            }
        }
        assertTrue(out.size() >= 5, "expected the built-in GPT-2 family");
        return out;
    }

    static Model gpt2(String attn) { return model("gpt2", attn); }

    static Model model(String name, String attn) {
        ModelConfig c = BuiltInModels.find(name).orElseThrow();
        Library lib = Library.builtIn();
        assertTrue(lib.useImplementation(attn));
        return new Model(name, attn, c, resolve(lib, c.rootClass().orElseThrow()));
    }
}
