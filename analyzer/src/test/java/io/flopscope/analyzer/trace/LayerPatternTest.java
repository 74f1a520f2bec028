package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.resolve.Resolver;
import io.flopscope.evaluate.Dtype;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer kinds from an index pattern, as Gemma 3's config computes layer_types: `(i + 1) % pattern` with the pattern a
 * config value. The remainder of a ratio of sizes is not taken as zero (every layer "global", silently, before).
 */
class LayerPatternTest {
    static final String SOURCE = """
            import torch.nn as nn


            class M(nn.Module):
                def __init__(self, n_layers: int = 6, pattern: int = 3, dim: int = 8):
                    super().__init__()
                    kinds = ["local" if bool((i + 1) % pattern) else "global" for i in range(n_layers)]
                    self.layers = nn.ModuleList([nn.Linear(dim, 2 * dim if k == "global" else dim) for k in kinds])

                def forward(self, x):
                    ys = []
                    for layer in self.layers:
                        ys.append(layer(x))
                    return ys
            """;

    @ParameterizedTest(name = "n_layers={0} pattern={1}")
    @CsvSource({"6, 3, 2", "6, 6, 1", "5, 2, 2", "4, 1, 4"})
    void everyPatternthLayerIsGlobal(long layers, long pattern, long globals, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.py");
        Files.writeString(f, SOURCE);
        Map<String, Object> sets = Map.of("n_layers", layers, "pattern", pattern);
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(f)),
                new SourceAnalyzer.Request("m.M", Map.of(), sets, null, false, null, Map.of("x", "float(batch_size,seq_len,8)")));
        assertTrue(r.complete(), r.coverage().toString());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        var root = new Resolver(lib, false).resolve("m.M").root();
        ModelConfig cfg = ModelConfig.parse("m", "{\"n_layers\":" + layers + ",\"pattern\":" + pattern + ",\"dim\":8}");
        BigInteger got = new Evaluator(Scenario.of(Phase.PREFILL, 1, 4, 0, Dtype.FP32), cfg).evaluate(root.cumulative()).matmulFlops().num();
        // 2·tokens·8·out per Linear: 8 outputs for a local layer, 16 for a global one
        long want = 2L * 4 * 8 * ((layers - globals) * 8 + globals * 16);
        assertEquals(BigInteger.valueOf(want), got);
    }
}
