package io.flopscope.bench;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.MarkdownWriter;
import io.flopscope.document.ModuleAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What `flopscope analyze` does with one long file (a forward of the given number of lines: a Linear every tenth
 * line, an if on a shape every tenth, elementwise adds between): parse, trace, build the document and write its
 * Markdown. The time per line should not grow with the length (linear, not quadratic).
 * Run: java -jar bench/target/benchmarks.jar LongFileBench
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1)
public class LongFileBench {
    @Param({"12500", "25000", "50000"})
    public int lines;

    Path file;

    @Setup public void setup() {
        StringBuilder sb = new StringBuilder("import torch\nimport torch.nn as nn\n\n\nclass Big(nn.Module):\n    def __init__(self, dim: int = 64):\n"
                + "        super().__init__()\n        self.lin = nn.Linear(dim, dim)\n\n    def forward(self, x):\n");
        int n = 10;
        for (int k = 0; n < lines - 2; k++) {
            if (k % 10 == 0) { sb.append("        x = self.lin(x)\n"); n++; }
            else if (k % 10 == 5) { sb.append("        if x.shape[-1] > 0:\n            x = x * 2\n"); n += 2; }
            else { sb.append("        x = x + 1\n"); n++; }
        }
        sb.append("        return x\n");
        try {
            file = Files.createTempDirectory("flopscope-bench").resolve("big.py");
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public int analyzeAndWrite() {
        SourceIndex.clearParseCache();
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(file)),
                new SourceAnalyzer.Request("big.Big", Map.of(), Map.of(), null, false, null, Map.of("x", "batch_size,seq_len,64")));
        int chars = 0;
        for (ModuleAnalysis a : r.documents()) chars += MarkdownWriter.write(a).length();
        if (!r.complete()) throw new IllegalStateException("unanalysed lines: " + r.coverage());
        return chars;
    }
}
