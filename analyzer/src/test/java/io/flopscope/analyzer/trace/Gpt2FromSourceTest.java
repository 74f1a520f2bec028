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

    static final Path SRC_452 = Path.of("../.corpus/transformers-4.52.0.dev0-f834d368f6/src");

    static Numbers costOf(Library lib, Scenario sc, ModelConfig cfg) {
        return new Evaluator(sc, cfg).evaluate(new Resolver(lib, false).resolve(ROOT).root().cumulative());
    }

    /** The built-in library with the analyses made from the source tree in place of the built-in GPT-2 ones. */
    static Library analysed(Path tree, String attn, boolean decode) {
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(tree)),
                new SourceAnalyzer.Request(ROOT, configValues(BuiltInModels.find("gpt2").orElseThrow()), Map.of(), attn, decode));
        assertTrue(r.complete(), () -> "coverage " + r.coverage());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        return lib;
    }

    static Map<String, Object> configValues(ModelConfig cfg) {
        Map<String, Object> json = new LinkedHashMap<>();
        cfg.raw().fields().forEachRemaining(e -> {
            var v = e.getValue();
            json.put(e.getKey(), v.isNull() ? null : v.isBoolean() ? (Object) v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() ? (Object) v.asDouble() : v.isTextual() ? v.asText() : new Object());
        });
        return json;
    }

    /**
     * transformers 4.52 (attention-function interface, DynamicCache): the same matmul FLOPs; its SDPA wrapper
     * calls .contiguous() on q, k and v, which copies all three in a prefill and only q in a decode step
     * (k and v come out of the cache concatenation contiguous): exactly that many more bytes.
     */
    @ParameterizedTest(name = "4.52 sdpa {0} b={1} s={2} c={3}")
    @CsvSource({"prefill, 1, 128, 0, 3", "prefill, 2, 9, 0, 3", "decode, 1, 1, 128, 1", "decode, 3, 1, 17, 1"})
    void release452DiffersOnlyByItsContiguousCopies(String phase, long b, long s, long c, long copies) {
        assumeTrue(Files.isDirectory(SRC_452), "skipped: " + SRC_452 + " is absent (fetch transformers 4.52 into .corpus/ to run this test)");
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        boolean decode = phase.equals("decode");
        Library fromSource = analysed(SRC_452, "sdpa", decode);
        Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.FP32);
        Numbers src = costOf(fromSource, sc, cfg), lib = costOf(Library.builtIn(), sc, cfg);
        assertEquals(lib.matmulFlops(), src.matmulFlops());
        assertEquals(lib.vectorFlops(), src.vectorFlops());
        long extra = 12L * copies * b * s * 768 * 4;
        assertEquals(lib.bytesRead().num().longValueExact() + extra, src.bytesRead().num().longValueExact());
        assertEquals(lib.bytesWritten().num().longValueExact() + extra, src.bytesWritten().num().longValueExact());
    }

    /** 4.52 eager builds a 4D float mask and applies it: same matmul FLOPs as 4.44 in every scenario. */
    @ParameterizedTest(name = "4.52 eager {0} b={1} s={2} c={3}")
    @CsvSource({"prefill, 1, 7, 0", "prefill, 2, 64, 0", "decode, 3, 1, 17"})
    void release452EagerHasTheSameMatmulFlops(String phase, long b, long s, long c) {
        assumeTrue(Files.isDirectory(SRC_452), "skipped: " + SRC_452 + " is absent");
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        boolean decode = phase.equals("decode");
        Library fromSource = analysed(SRC_452, "eager", decode);
        Library builtIn = Library.builtIn();
        builtIn.useImplementation("eager");
        Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.FP32);
        assertEquals(costOf(builtIn, sc, cfg).matmulFlops(), costOf(fromSource, sc, cfg).matmulFlops());
    }

    @ParameterizedTest(name = "{0} {1} b={2} s={3} c={4}")
    @CsvSource({"sdpa, prefill, 1, 128, 0", "sdpa, decode, 1, 1, 128", "eager, prefill, 2, 33, 0", "eager, decode, 3, 1, 17", "sdpa, decode, 4, 1, 1000"})
    void sourceAnalysisEqualsTheBuiltInLibrary(String attn, String phase, long b, long s, long c) throws Exception {
        assumeTrue(Files.isDirectory(SRC), "skipped: " + SRC + " is absent (fetch transformers 4.44 into .corpus/ to run this test)");
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        boolean decode = phase.equals("decode");
        Library fromSource = analysed(SRC, attn, decode);
        Library builtIn = Library.builtIn();
        builtIn.useImplementation(attn);
        Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, b, s, c, Dtype.BF16);
        Numbers na = costOf(fromSource, sc, cfg), ne = costOf(builtIn, sc, cfg);
        assertEquals(ne, na);
    }
}
