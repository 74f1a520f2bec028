package io.flopscope.analyzer.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.diag.Diagnostic;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The built-in library of the families beyond GPT-2 is FlopScope's own output: this test regenerates it from the
 * transformers 5.18.0 release (the wheel tools/fetch-corpus.sh unpacks into the git-ignored .corpus/) and fails on
 * any difference from what is stored in core/src/main/resources/io/flopscope/library/transformers/5.18/. To accept a regeneration (after a change to
 * the analyzer, or a new built-in config), run
 * {@code mvn -pl analyzer test -Dtest=BuiltInLibraryTest -Dflopscope.accept=true} and review the diff in git.
 */
class BuiltInLibraryTest {
    static final Path SRC = Path.of("../.corpus/transformers-5.18.0/src");
    static final Path LIB = Path.of("../core/src/main/resources/io/flopscope/library");
    static final String BASE = "transformers/5.18";
    static final String RELEASE = "transformers 5.18.0 (the released wheel)";

    /** Every built-in model's family except GPT-2 (whose built-in analyses predate the generator; Gpt2FromSourceTest compares them). */
    static List<LibraryGenerator.Family> families() {
        Map<String, List<ModelConfig>> byType = new LinkedHashMap<>();
        Map<String, String> roots = new LinkedHashMap<>();
        for (ModelConfig c : BuiltInModels.all()) {
            if (c.modelType().equals("gpt2")) continue;
            byType.computeIfAbsent(c.modelType(), k -> new ArrayList<>()).add(c);
            roots.putIfAbsent(c.modelType(), c.rootClass().orElseThrow());
        }
        List<LibraryGenerator.Family> out = new ArrayList<>();
        // BERT is an encoder: no KV cache, so its analyses cover prefill only
        for (var e : byType.entrySet()) out.add(new LibraryGenerator.Family(e.getKey(), roots.get(e.getKey()), e.getValue(), e.getKey().equals("bert")));
        return out;
    }

    @Test
    void storedLibraryEqualsAFreshGeneration() throws IOException {
        assumeTrue(Files.isDirectory(SRC), "skipped: " + SRC + " is absent (tools/fetch-corpus.sh fetches transformers 5.18.0 into .corpus/ to regenerate the built-in library)");
        LibraryGenerator.Output out = LibraryGenerator.generate(new IndexLookup(SourceIndex.open(SRC)), RELEASE, BASE, families());
        assertEquals(List.of(), out.problems().stream().map(Diagnostic::toString).toList(), "the generation must analyse every traced line");
        Map<String, String> stored = stored();
        if (Boolean.getBoolean("flopscope.accept")) {
            for (String p : stored.keySet()) if (!out.files().containsKey(p)) Files.delete(LIB.resolve(p));
            for (var e : out.files().entrySet()) {
                Path f = LIB.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
            }
            return;
        }
        List<String> diffs = new ArrayList<>();
        for (var e : out.files().entrySet()) {
            String have = stored.get(e.getKey());
            if (have == null) diffs.add("missing: " + e.getKey());
            else if (!have.equals(e.getValue())) diffs.add("differs: " + e.getKey() + firstDifference(have, e.getValue()));
        }
        for (String p : stored.keySet()) if (!out.files().containsKey(p)) diffs.add("not generated any more: " + p);
        if (!diffs.isEmpty()) {
            fail(diffs.size() + " built-in library files differ from a fresh generation:\n  " + String.join("\n  ", diffs)
                    + "\nIf the change is intended, accept it with: mvn -pl analyzer test -Dtest=BuiltInLibraryTest -Dflopscope.accept=true");
        }
    }

    private static Map<String, String> stored() {
        Map<String, String> out = new TreeMap<>();
        Path dir = LIB.resolve(BASE);
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) out.put(LIB.relativize(f).toString().replace('\\', '/'), Files.readString(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String firstDifference(String stored, String fresh) {
        String[] a = stored.split("\n", -1), b = fresh.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end>", y = i < b.length ? b[i] : "<end>";
            if (!x.equals(y)) return " (line " + (i + 1) + ": stored \"" + x + "\", generated \"" + y + "\")";
        }
        return "";
    }
}
