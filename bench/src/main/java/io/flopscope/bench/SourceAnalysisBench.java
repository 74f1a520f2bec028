package io.flopscope.bench;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
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
 * Hugging Face GPT-2 analysed end to end on a warm JVM: open the source tree, parse (the parse cache is
 * cleared unless parse=cached), trace prefill, compose and evaluate one scenario.
 * Needs transformers 4.44 in .corpus/ (or -Dflopscope.gpt2.source=DIR).
 * Run: java -Dflopscope.gpt2.source=.corpus/transformers-4.44.0.dev0-50c3ba889a/src -jar bench/target/benchmarks.jar SourceAnalysisBench
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {})
public class SourceAnalysisBench {
    @Param({"fresh", "cached"})
    public String parse;

    Path source;
    Map<String, Object> config;
    ModelConfig cfg;

    @Setup public void setup() {
        source = Path.of(System.getProperty("flopscope.gpt2.source", ".corpus/transformers-4.44.0.dev0-50c3ba889a/src"));
        if (!Files.isDirectory(source)) throw new IllegalStateException("no transformers source at " + source + " (set -Dflopscope.gpt2.source)");
        cfg = BuiltInModels.find("gpt2").orElseThrow();
        config = Map.of("n_embd", 768L, "n_head", 12L, "n_layer", 12L, "vocab_size", 50257L, "n_positions", 1024L);
    }

    @Benchmark
    public Object analyseComposeEvaluate() {
        if (parse.equals("fresh")) SourceIndex.clearParseCache();
        String root = "transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel";
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(source)), new SourceAnalyzer.Request(root, config, Map.of(), null, false));
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        var cost = new Resolver(lib, false).resolve(root).root().cumulative();
        return new Evaluator(Scenario.of(Phase.PREFILL, 1, 128, 0, Dtype.BF16), cfg).evaluate(cost);
    }
}
