package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.emit.DocumentBuilder;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.diag.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Broken or unsupported code gives file:line diagnostics and the rest of the analysis completes; mutated code never crashes or hangs. */
class RobustnessTest {
    static final Path BROKEN = Path.of("src/test/resources/io/flopscope/analyzer/broken");

    static SourceAnalyzer.Result analyze(Path file, String cls) {
        IndexLookup src = new IndexLookup(SourceIndex.open(file));
        List<String> found = src.index().findClassesBySimpleName(cls);
        return SourceAnalyzer.analyze(src, new SourceAnalyzer.Request(found.isEmpty() ? cls : found.get(0), Map.of(), Map.of(), null, false));
    }

    @Test void unsupportedCallsAndLoopsAreUnanalysedAtTheirLinesAndTheRestIsCounted() throws Exception {
        Path file = BROKEN.resolve("models.py");
        SourceAnalyzer.Result r = analyze(file, "Root");
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            int at = lines.get(i).indexOf("# EXPECT: unanalysed: ");
            if (at < 0) continue;
            String fragment = lines.get(i).substring(at + "# EXPECT: unanalysed: ".length());
            int line = i + 1;
            boolean found = r.coverage().stream().flatMap(c -> c.unanalysed().stream()).anyMatch(u -> u.contains(":" + line + ": ") && u.contains(fragment));
            assertTrue(found, "expected unanalysed line " + line + " (" + fragment + "), got " + r.coverage());
        }
        assertFalse(r.complete());
        // everything else still analysed; only the head, whose input (the looper's output) is unknown, is not
        DocumentBuilder.Coverage root = r.coverage().stream().filter(c -> c.className().endsWith("Root")).findFirst().orElseThrow();
        assertEquals(root.tracedLines() - 1, root.analysedLines(), root.toString());
        assertTrue(root.unanalysed().get(0).contains(":48: ") && root.unanalysed().get(0).contains("output of Looper is unknown"), root.toString());
        DocumentBuilder.Coverage mixer = r.coverage().stream().filter(c -> c.className().endsWith("Mixer")).findFirst().orElseThrow();
        assertEquals(mixer.tracedLines() - 1, mixer.analysedLines(), mixer.toString());
        assertTrue(r.diagnostics().stream().allMatch(d -> d.file() != null && d.line() > 0 || d.isError()), r.diagnostics().toString());
    }

    @Test void unknownBaseClassAndUnresolvableImportAreReported() {
        SourceAnalyzer.Result r = analyze(BROKEN.resolve("models.py"), "Odd");
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.line() == 31 && d.message().contains("unknown base mystery_package.MysteryBase")), r.diagnostics().toString());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.line() == 5 && d.message().contains("does_not_exist")), r.diagnostics().toString());
        SourceIndex idx = SourceIndex.open(BROKEN.resolve("models.py"));
        idx.classInfo(idx.findClassesBySimpleName("Odd").get(0));
        List<Diagnostic> imports = idx.checkImports(idx.singleFileModule().orElseThrow());
        List<Diagnostic> all = new ArrayList<>(idx.problems());
        all.addAll(imports);
        assertTrue(all.stream().anyMatch(d -> d.line() == 5 && d.message().contains("does_not_exist")), all.toString());
    }

    @Test void aSyntaxErrorIsReportedWithItsLineAndOtherClassesStillAnalyse() {
        SourceIndex idx = SourceIndex.open(BROKEN.resolve("syntax_error.py"));
        idx.module(idx.singleFileModule().orElseThrow());
        assertTrue(idx.problems().stream().anyMatch(d -> d.isError() && d.line() == 10), idx.problems().toString());
        SourceAnalyzer.Result fine = analyze(BROKEN.resolve("syntax_error.py"), "Fine");
        assertTrue(fine.complete(), fine.coverage().toString());
    }

    /** Deleting lines and swapping tokens of a real fixture never crashes the analyzer nor makes it hang. */
    @Property(tries = 40)
    void mutatedSourcesNeverCrashOrHang(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("../fixtures/python/minigpt.py")));
        Random rnd = new Random(seed);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int i = rnd.nextInt(lines.size());
            switch (rnd.nextInt(3)) {
                case 0 -> lines.remove(i);
                case 1 -> {
                    String[] tok = lines.get(i).split(" ");
                    if (tok.length > 2) { int a = rnd.nextInt(tok.length), b = rnd.nextInt(tok.length); String t = tok[a]; tok[a] = tok[b]; tok[b] = t; }
                    lines.set(i, String.join(" ", tok));
                }
                default -> lines.set(i, lines.get(i).substring(0, rnd.nextInt(lines.get(i).length() + 1)));
            }
        }
        Path dir = Files.createTempDirectory("mutant");
        Path f = dir.resolve("minigpt.py");
        Files.write(f, lines);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SourceAnalyzer.Result r = analyze(f, "GPT");
            assertTrue(r.diagnostics() != null);
        });
    }
}
