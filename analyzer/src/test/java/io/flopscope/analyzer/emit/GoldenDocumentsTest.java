package io.flopscope.analyzer.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.MarkdownWriter;
import io.flopscope.document.ModuleAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents `analyze` writes for fixtures/python/minigpt.py (both phases), byte for byte: they name files relative
 * to the SOURCE given, so they read the same on every machine and in every run. A difference prints the first line
 * that differs; {@code -Dflopscope.accept=true} rewrites the golden files (review the diff in git).
 */
class GoldenDocumentsTest {
    static final Path SOURCE = Path.of("../fixtures/python/minigpt.py");
    static final Path GOLDEN = Path.of("src/test/resources/golden/minigpt");

    static Map<String, String> generate(Path source) {
        SourceAnalyzer.Result r = SourceAnalyzer.analyzeBoth(new IndexLookup(SourceIndex.open(source)),
                new SourceAnalyzer.Request("minigpt.GPT", Map.of(), Map.of("n_layer", 2L, "n_embd", 64L, "n_head", 4L, "vocab_size", 512L, "block_size", 64L),
                        null, false));
        assertTrue(r.complete(), r.coverage().toString());
        Map<String, String> out = new TreeMap<>();
        for (ModuleAnalysis a : r.documents()) out.put(a.className() + ".md", MarkdownWriter.write(a));
        return out;
    }

    @Test void documentsEqualTheGoldenFiles() throws IOException {
        Map<String, String> fresh = generate(SOURCE);
        if (Boolean.getBoolean("flopscope.accept")) {
            Files.createDirectories(GOLDEN);
            try (Stream<Path> old = Files.list(GOLDEN)) { for (Path p : old.toList()) Files.delete(p); }
            for (var e : fresh.entrySet()) Files.writeString(GOLDEN.resolve(e.getKey()), e.getValue());
            return;
        }
        Map<String, String> stored = new TreeMap<>();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path p : files.toList()) stored.put(p.getFileName().toString(), Files.readString(p));
        }
        assertEquals(stored.keySet(), fresh.keySet(), "the documents written");
        List<String> diffs = new ArrayList<>();
        for (var e : fresh.entrySet()) {
            String want = stored.get(e.getKey());
            if (!want.equals(e.getValue())) diffs.add(e.getKey() + ":\n" + firstDifference(want, e.getValue()));
        }
        assertEquals(List.of(), diffs, "golden documents differ (accept with -Dflopscope.accept=true)");
    }

    /** The root's summary states the model's totals in closed form: its matmul FLOPs are the fixture's EXPECT line. */
    @Test void theRootSummaryHoldsTheModelsTotals() throws Exception {
        String gpt = generate(SOURCE).get("minigpt.GPT.md");
        String tail = gpt.substring(gpt.indexOf("The model's totals per call"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("- matmul FLOPs: `([^`]+)`").matcher(tail);
        assertTrue(m.find(), tail);
        Map<String, Long> values = Map.of("batch_size", 1L, "seq_len", 16L, "cache_len", 0L, "config.n_embd", 64L, "config.n_layer", 2L,
                "config.n_head", 4L, "config.vocab_size", 512L, "config.block_size", 64L);
        io.flopscope.formula.Poly p = new io.flopscope.formula.SymbolicEvaluator(io.flopscope.formula.Poly::symbol, false)
                .eval(io.flopscope.formula.FormulaParser.parse(m.group(1)));
        // fixtures/python/minigpt.py: # EXPECT: scenario=prefill batch=1 seq=16 cache=0 matmul_flops=3342336
        assertEquals(io.flopscope.formula.Rational.of(3342336), p.evaluate(n -> values.containsKey(n) ? io.flopscope.formula.Rational.of(values.get(n)) : null));
    }

    /** The same source opened by an absolute path gives the same bytes: nothing of the machine in them. */
    @Test void theSourcesPathLeavesNoTrace() {
        assertEquals(generate(SOURCE), generate(SOURCE.toAbsolutePath()));
    }

    static String firstDifference(String want, String got) {
        String[] a = want.split("\n", -1), b = got.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end>", y = i < b.length ? b[i] : "<end>";
            if (!x.equals(y)) return "  line " + (i + 1) + "\n  - " + x + "\n  + " + y;
        }
        return "";
    }
}
