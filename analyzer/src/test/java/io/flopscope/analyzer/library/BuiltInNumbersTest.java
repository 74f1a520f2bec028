package io.flopscope.analyzer.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ConfigConditions;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every built-in model, both attention implementations and two prefill and two decode scenarios, the built-in
 * library (no source needed) gives exactly the numbers of a fresh analysis of the source it came from (transformers
 * 5.18.0 for the generated families, 4.44 for GPT-2's hand-written analyses), with no unresolved part and no condition
 * of its documents violated by the model's config.
 */
class BuiltInNumbersTest {
    static Stream<Arguments> models() {
        return BuiltInModels.all().stream().flatMap(c -> Stream.of("sdpa", "eager").map(a -> Arguments.of(c.name(), a)));
    }

    /** GPT-2's built-in analyses were written for transformers 4.44 (Gpt2FromSourceTest); the rest are generated from 5.18. */
    static final java.nio.file.Path GPT2_SRC = java.nio.file.Path.of("../.corpus/transformers-4.44.0.dev0-50c3ba889a/src");

    private static final Map<java.nio.file.Path, IndexLookup> LOOKUPS = new java.util.HashMap<>();

    static synchronized IndexLookup lookup(java.nio.file.Path src) { return LOOKUPS.computeIfAbsent(src, p -> new IndexLookup(SourceIndex.open(p))); }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void builtInEqualsFreshAnalysis(String model, String attn) {
        ModelConfig cfg = BuiltInModels.find(model).orElseThrow();
        String root = cfg.rootClass().orElseThrow();
        Library builtIn = Library.builtIn();
        assertTrue(builtIn.useImplementation(attn));
        ConfigConditions.selectVariants(builtIn, cfg);
        Resolver.Resolution r = new Resolver(builtIn, false).resolve(root);
        assertTrue(r.root().complete(), () -> model + ": " + r.root().unknowns());
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::toString).toList());
        assertEquals(List.of(), ConfigConditions.check(r.root(), builtIn, cfg).stream().map(Diagnostic::toString).toList());

        java.nio.file.Path src = cfg.modelType().equals("gpt2") ? GPT2_SRC : BuiltInLibraryTest.SRC;
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (tools/fetch-corpus.sh fills .corpus/)");
        boolean encoder = cfg.modelType().equals("bert");
        for (boolean decode : encoder ? List.of(false) : List.of(false, true)) {
            SourceAnalyzer.Result fresh = SourceAnalyzer.analyze(lookup(src), new SourceAnalyzer.Request(root, LibraryGenerator.values(cfg.raw()), Map.of(), attn, decode));
            assertTrue(fresh.complete(), () -> model + ": " + fresh.coverage());
            Library lib = Library.builtIn();
            for (ModuleAnalysis a : fresh.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
            var freshRoot = new Resolver(lib, false).resolve(root).root();
            long[][] scenarios = decode ? new long[][] {{1, 1, 128}, {3, 1, 17}} : new long[][] {{1, 128, 0}, {2, 37, 0}};
            for (long[] s : scenarios) {
                Scenario sc = Scenario.of(decode ? Phase.DECODE : Phase.PREFILL, s[0], s[1], s[2], Dtype.BF16);
                Numbers want = new Evaluator(sc, cfg).evaluate(freshRoot.cumulative());
                Numbers got = new Evaluator(sc, cfg).evaluate(r.root().cumulative());
                assertEquals(want, got, model + " " + attn + " " + sc);
            }
        }
    }
}
