package io.flopscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.resolve.Resolver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GPT-2's sdpa and eager analyses compared module by module: only the attention differs, and it says how. */
class ModuleDiffTest {
    static EvaluatedNode tree(String attn, Scenario sc, ModelConfig cfg) {
        Library lib = Library.builtIn();
        lib.useImplementation(attn);
        return EvaluatedNode.of(new Resolver(lib, false).resolve(cfg.rootClass().orElseThrow()).root(), new Evaluator(sc, cfg));
    }

    @Test void eagerAgainstSdpaDiffersInTheAttentionOnly() {
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Scenario sc = Scenario.of(Phase.PREFILL, 2, 64, 0, Dtype.FP32);
        EvaluatedNode sdpa = tree("sdpa", sc, cfg), eager = tree("eager", sc, cfg);
        ModuleDiff d = new ModuleDiff("gpt2", sc, false, new ModuleDiff.Side("sdpa", sdpa), new ModuleDiff.Side("eager", eager));
        assertTrue(d.differs());
        List<ModuleDiff.Row> changed = d.rows().stream().filter(ModuleDiff.Row::changed).toList();
        ModuleDiff.Row attention = changed.stream().filter(r -> "transformers.models.gpt2.modeling_gpt2.GPT2SdpaAttention".equals(r.classA())).findFirst().orElseThrow();
        assertEquals("transformers.models.gpt2.modeling_gpt2.GPT2Attention", attention.classB());
        // every changed row is the attention, one of its children, or an ancestor of it
        for (ModuleDiff.Row r : changed) {
            assertTrue(r.path().startsWith(attention.path()) || attention.path().startsWith(r.path()), r.path());
        }
        // the same matmul FLOPs (torch counts the rectangle either way); eager writes the score matrix to memory
        ModuleDiff.Row root = d.rows().get(0);
        assertEquals(root.a().matmulFlops(), root.b().matmulFlops());
        assertTrue(root.b().bytesWritten().compareTo(root.a().bytesWritten()) > 0);
        assertTrue(d.text().contains("GPT2SdpaAttention → GPT2Attention"), d.text());
        assertTrue(d.json().contains("\"differs\" : true"), d.json());
    }

    @Test void anAnalysisEqualsItself() {
        ModelConfig cfg = BuiltInModels.find("Llama-3.2-1B").orElseThrow();
        Scenario sc = Scenario.of(Phase.DECODE, 1, 1, 100, Dtype.BF16);
        ModuleDiff d = new ModuleDiff("Llama-3.2-1B", sc, false, new ModuleDiff.Side("a", tree("sdpa", sc, cfg)), new ModuleDiff.Side("b", tree("sdpa", sc, cfg)));
        assertFalse(d.differs(), d.text());
        assertTrue(d.text().contains("no difference"));
    }
}
