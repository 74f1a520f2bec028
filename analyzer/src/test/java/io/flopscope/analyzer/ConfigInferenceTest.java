package io.flopscope.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.index.SourceIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config class of a plain model whose __init__(self, config) has no annotation. */
class ConfigInferenceTest {
    static final String SOURCE = """
            from dataclasses import dataclass
            import torch.nn as nn


            @dataclass
            class Small:
                dim: int = 8
                depth: int = 1


            @dataclass
            class Wide:
                dim: int = 32
                depth: int = 1
            %s

            class M(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(config.dim, config.dim, %s) for _ in range(config.depth)])

                def forward(self, x):
                    for layer in self.layers:
                        x = layer(x)
                    return x
            """;

    static SourceAnalyzer.Result analyze(Path dir, String extra, String configClass) throws Exception {
        Path f = dir.resolve("m.py");
        Files.writeString(f, SOURCE.formatted(extra, extra.isEmpty() ? "True" : "config.bias"));
        return SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(f)), new SourceAnalyzer.Request("m.M", Map.of(), Map.of(), null, false, null,
                Map.of("x", "float(batch_size,seq_len,dim)"), configClass));
    }

    @Test
    void theDataclassWhoseFieldsTheFileReadsMostIsTheConfig(@TempDir Path dir) throws Exception {
        // Wide also has the field the model reads as config.bias: it wins over Small
        SourceAnalyzer.Result r = analyze(dir, "    bias: bool = False\n", null);
        assertEquals(32L, r.config().get("dim"), r.config().toString());
    }

    @Test
    void aTieIsNotGuessedAndConfigClassNamesIt(@TempDir Path dir) throws Exception {
        SourceAnalyzer.Result tie = analyze(dir, "", null);
        assertFalse(tie.config().containsKey("dim") && tie.complete(), "two dataclasses read alike: no guess, " + tie.config());
        SourceAnalyzer.Result named = analyze(dir, "", "Small");
        assertTrue(named.complete(), named.coverage().toString());
        assertEquals(8L, named.config().get("dim"));
        SourceAnalyzer.Result missing = analyze(dir, "", "Nope");
        assertTrue(missing.documents().isEmpty());
        assertTrue(missing.diagnostics().toString().contains("--config-class Nope: no such class"), missing.diagnostics().toString());
    }
}
