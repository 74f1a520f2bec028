package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Cost;
import io.flopscope.resolve.Resolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPT-2 analysed from the real transformers 4.44 source (in the git-ignored .corpus/, fetched as described in
 * the README) composes to exactly the built-in analyses: matmul and vector FLOPs, bytes read and written.
 */
class Gpt2FromSourceTest {
    static final Path SRC = Path.of("../.corpus/transformers-4.44.0.dev0-50c3ba889a/src");
    static final String ROOT = "transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel";

    @ParameterizedTest(name = "{0} {1} b={2} s={3} c={4}")
    @CsvSource({"sdpa, prefill, 1, 128, 0", "sdpa, decode, 1, 1, 128", "eager, prefill, 2, 33, 0", "eager, decode, 3, 1, 17", "sdpa, decode, 4, 1, 1000"})
    void sourceAnalysisEqualsTheBuiltInLibrary(String attn, String phase, long b, long s, long c) throws Exception {
        assumeTrue(Files.isDirectory(SRC), "skipped: " + SRC + " is absent (fetch transformers 4.44 into .corpus/ to run this test)");
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Map<String, Object> json = new LinkedHashMap<>();
        cfg.raw().fields().forEachRemaining(e -> {
            var v = e.getValue();
            json.put(e.getKey(), v.isNull() ? null : v.isBoolean() ? (Object) v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() ? (Object) v.asDouble() : v.isTextual() ? v.asText() : new Object());
        });
        boolean decode = phase.equals("decode");
        long t0 = System.nanoTime();
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(SRC)), new SourceAnalyzer.Request(ROOT, json, Map.of(), attn, decode));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("analysed GPT-2 (" + attn + ", " + phase + ") from source in " + ms + " ms");
        assertTrue(r.complete(), () -> "coverage " + r.coverage());
        Library fromSource = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) fromSource.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        Library builtIn = Library.builtIn();
        builtIn.useImplementation(attn);
        Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.BF16);
        Evaluator ev = new Evaluator(sc, cfg);
        Cost a = new Resolver(fromSource, false).resolve(ROOT).root().cumulative();
        Cost e = new Resolver(builtIn, false).resolve(ROOT).root().cumulative();
        Numbers na = ev.evaluate(a), ne = ev.evaluate(e);
        assertEquals(ne, na);
    }
}
