package io.flopscope.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Rational;
import io.flopscope.library.Library;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelInfoTest {
    static CostNode resolve(ModelConfig c, String attn) {
        Library lib = Library.builtIn();
        assertTrue(lib.useImplementation(attn));
        Resolver.Resolution r = new Resolver(lib, false).resolve(c.rootClass().orElseThrow());
        assertFalse(r.hasErrors(), () -> "diagnostics: " + r.diagnostics());
        assertTrue(r.root().complete(), () -> "unanalysed: " + r.root().unknowns());
        return r.root();
    }

    /** Total, by module and tied table for the GPT-2 family, eager and sdpa; published counts from the model cards / num_parameters(). */
    @ParameterizedTest
    @CsvSource({"gpt2, 124439808, 12, 768", "gpt2-medium, 354823168, 24, 1024", "gpt2-large, 774030080, 36, 1280",
            "gpt2-xl, 1557611200, 48, 1600", "distilgpt2, 81912576, 6, 768"})
    void gpt2FamilyByModule(String model, long published, long layers, long h) {
        ModelConfig c = BuiltInModels.find(model).orElseThrow();
        assertEquals(published, BuiltInModels.publishedParameters(c).orElseThrow());
        for (String attn : new String[] {"sdpa", "eager"}) {
            ModelInfo info = ModelInfo.of(resolve(c, attn), c, Dtype.BF16, Dtype.FP16);
            assertEquals(Rational.of(published), info.parameters(), model + "/" + attn);
            assertEquals(Rational.of(2 * published), info.weightBytes());
            assertEquals(Rational.of(2 * 2 * layers * h), info.kvCacheBytesPerToken(), "2 (K and V) × layers × hidden × 2 bytes");

            ModelInfo.Module root = info.tree();
            assertEquals(info.parameters(), root.parameters());
            ModelInfo.Module trunk = child(root, "GPT2Model"), head = child(root, "Linear");
            long table = 50257 * h;
            assertEquals(Rational.of(table), head.parameters(), "lm_head reads the tied wte table");
            assertEquals(Rational.of(published - table), trunk.parameters());
            ModelInfo.Module wte = trunk.children().stream().filter(m -> m.title().contains("wte")).findFirst().orElseThrow();
            assertTrue(wte.tied(), "wte is the table the lm_head reads");
            assertEquals(Rational.ZERO, wte.parameters());
            ModelInfo.Module wpe = trunk.children().stream().filter(m -> m.title().contains("wpe")).findFirst().orElseThrow();
            assertFalse(wpe.tied());
            assertEquals(Rational.of(1024 * h), wpe.parameters());
            ModelInfo.Module blocks = child(trunk, "GPT2Block");
            assertEquals(Rational.of(layers), blocks.repeat());
            assertEquals(Rational.of(12 * h * h + 13 * h), blocks.perInstance(), "one block: attention 4h²+4h, MLP 8h²+5h, two layer norms 4h");
            assertEquals(Rational.of(layers * (12 * h * h + 13 * h)), blocks.parameters());

            InfoReport report = new InfoReport(model, "built-in", info, List.of(), -1);
            Map<String, Rational> by = report.parametersByModule();
            Rational top = Rational.ZERO;
            for (ModelInfo.Module m : root.children()) top = top.add(by.get(m.label()));
            assertEquals(info.parameters(), top, "the top-level modules add up to the total");
            assertTrue(by.containsKey(trunk.label() + InfoReport.PATH_SEPARATOR + wte.label()), "tied tables are listed: " + by.keySet());
            assertTrue(new InfoReport(model, "built-in", info, List.of(), 1).parametersByModule().keySet().stream()
                    .noneMatch(k -> k.contains(InfoReport.PATH_SEPARATOR)), "depth 1: top-level modules only");
        }
    }

    private static ModelInfo.Module child(ModelInfo.Module m, String simpleName) {
        return m.children().stream().filter(c -> c.simpleName().equals(simpleName)).findFirst()
                .orElseThrow(() -> new AssertionError(simpleName + " under " + m.label()));
    }
}
