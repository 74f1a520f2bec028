package io.flopscope.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.formula.Poly;
import io.flopscope.library.Library;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private static final String HEAD = "# Computational Cost Analysis: demo.%s\n\n## Parameters\n`%s`\n\n## Line-by-Line Computational Analysis\n\n";

    static String kernel(int line, String type, String flops, String read, String write, String extra) {
        return "**Line " + line + ": k**\n- **Kernel Type**: " + type + "\n- **Operation**: op\n- **FLOPs**: " + flops
                + "\n- **Memory Access**:\n  - Read: " + read + "\n  - Write: " + write + "\n" + extra + "\n";
    }

    static Library lib(String... docs) {
        Library l = Library.builtIn();
        for (int i = 0; i < docs.length; i++) l.addDocument("doc" + i + ".md", docs[i], false);
        return l;
    }

    @Test void selfCumulativeRepeatAndArguments() {
        String leaf = String.format(HEAD, "Leaf", "(width, *, rows=batch_size)") + kernel(1, "basic", "2 * rows * width", "rows * width * a_bytes", "rows * a_bytes", "");
        String top = String.format(HEAD, "Top", "()")
                + kernel(1, "basic", "seq_len", "0", "0", "")
                + kernel(2, "composite", "config.n_layer * ${demo.Leaf}(width=3 * config.h)", "config.n_layer * ${demo.Leaf}(width=3 * config.h)",
                        "config.n_layer * ${demo.Leaf}(width=3 * config.h)", "- **Repeat**: 2\n");
        Resolver.Resolution r = new Resolver(lib(leaf, top), false).resolve("demo.Top");
        assertFalse(r.hasErrors(), r.diagnostics().toString());
        CostNode root = r.root();
        assertEquals(Poly.symbol("seq_len"), root.self().vectorFlops());
        // 2 (repeat) · n_layer · 2 · batch · 3h  +  seq_len
        Poly expected = Poly.symbol("seq_len").add(Poly.constant(12).multiply(Poly.symbol("config.n_layer")).multiply(Poly.symbol("batch_size")).multiply(Poly.symbol("config.h")));
        assertEquals(expected, root.cumulative().vectorFlops());
        CostNode.Call call = root.kernels().get(1).calls().get(0);
        assertEquals(Poly.constant(2).multiply(Poly.symbol("config.n_layer")), call.multiplier());
        assertEquals(Poly.constant(3).multiply(Poly.symbol("config.h")), call.node().arguments().get("width"));
    }

    @Test void repeatedReferenceInOneFieldCountsTwice() {
        String top = String.format(HEAD, "Twice", "()")
                + kernel(1, "composite", "${torch.nn.LayerNorm}(normalized_shape=8) + ${torch.nn.LayerNorm}(normalized_shape=8)",
                        "2 * ${torch.nn.LayerNorm}(normalized_shape=8)", "2 * ${torch.nn.LayerNorm}(normalized_shape=8)", "");
        String ref = String.format(HEAD, "Once", "()") + kernel(1, "composite", "${torch.nn.LayerNorm}(normalized_shape=8)",
                "${torch.nn.LayerNorm}(normalized_shape=8)", "${torch.nn.LayerNorm}(normalized_shape=8)", "");
        Library l = lib(top, ref);
        Cost twice = new Resolver(l, false).resolve("demo.Twice").root().cumulative();
        Cost once = new Resolver(l, false).resolve("demo.Once").root().cumulative();
        assertEquals(once.times(Poly.constant(2)), twice);
    }

    @Test void unanalysedKernelIsListedNeverZero() {
        String doc = String.format(HEAD, "Gap", "()") + kernel(1, "basic", "seq_len", "0", "0", "")
                + kernel(2, "basic", "0", "0", "0", "- **Status**: unanalysed: call to torch.fft is not modelled\n");
        Resolver.Resolution r = new Resolver(lib(doc), false).resolve("demo.Gap");
        assertFalse(r.root().complete());
        assertEquals(1, r.root().unknowns().size());
        assertTrue(r.root().unknowns().get(0).reason().contains("torch.fft"), r.root().unknowns().toString());
        assertEquals(Poly.symbol("seq_len"), r.root().cumulative().vectorFlops());
    }

    @Test void unknownModuleAndCycleBecomeUnknowns() {
        String a = String.format(HEAD, "A", "()") + kernel(1, "composite", "${demo.B}()", "${demo.B}()", "${demo.B}()", "");
        String b = String.format(HEAD, "B", "()") + kernel(1, "composite", "${demo.A}() + ${demo.Missing}()", "0", "0", "");
        Resolver.Resolution r = new Resolver(lib(a, b), false).resolve("demo.A");
        assertTrue(r.hasErrors());
        assertTrue(r.root().unknowns().stream().anyMatch(u -> u.reason().contains("cycle: demo.A -> demo.B -> demo.A")), r.root().unknowns().toString());
        assertTrue(r.root().unknowns().stream().anyMatch(u -> u.reason().contains("demo.Missing")), r.root().unknowns().toString());
    }
}
