package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `import a.b.c as x; x.f()`, `import a.b.c; a.b.c.f()` and a nested module class `Outer.Inner`. */
class ImportsAndNestingTest {
    @Test
    void modulesImportedWholeAndNestedClassesAreTheSources(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pkg/sub"));
        Files.writeString(dir.resolve("pkg/__init__.py"), "");
        Files.writeString(dir.resolve("pkg/sub/__init__.py"), "");
        Files.writeString(dir.resolve("pkg/sub/ops.py"), "def double(x):\n    return x * 2\n");
        Files.writeString(dir.resolve("pkg/model.py"), """
                import torch.nn as nn
                import pkg.sub.ops as ops
                import pkg.sub.ops


                class M(nn.Module):
                    class Inner(nn.Module):
                        def __init__(self, dim):
                            super().__init__()
                            self.lin = nn.Linear(dim, dim)

                        def forward(self, x):
                            return self.lin(x)

                    def __init__(self, dim: int = 8):
                        super().__init__()
                        self.inner = M.Inner(dim)

                    def forward(self, x):
                        return pkg.sub.ops.double(ops.double(self.inner(x)))
                """);
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(dir)),
                new SourceAnalyzer.Request("pkg.model.M", Map.of(), Map.of(), null, false, null, Map.of("x", "float(batch_size,seq_len,8)")));
        assertTrue(r.complete(), r.coverage().toString());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        var root = new Resolver(lib, false).resolve("pkg.model.M").root();
        assertTrue(root.complete(), () -> root.unknowns().toString());
        var cost = new Evaluator(Scenario.of(Phase.PREFILL, 2, 4, 0, Dtype.FP32), ModelConfig.parse("m", "{\"dim\": 8}")).evaluate(root.cumulative());
        // the Linear: 2·(2·4)·8·8; two doublings and the bias add: 3 · 2·4·8 vector FLOPs
        assertEquals(BigInteger.valueOf(2 * 8 * 8 * 8), cost.matmulFlops().num());
        assertEquals(BigInteger.valueOf(3 * 8 * 8), cost.vectorFlops().num());
    }
}
