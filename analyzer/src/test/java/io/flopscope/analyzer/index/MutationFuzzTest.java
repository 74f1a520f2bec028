package io.flopscope.analyzer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.analyzer.parse.PythonParser;
import io.flopscope.diag.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzing with mutated fixture sources (deleted, duplicated and re-indented lines, swapped and replaced tokens,
 * stray brackets and quotes, truncation): parsing and indexing never throw, never hang, and keep their invariants.
 */
class MutationFuzzTest {
    private static final PythonParser PARSER = new PythonParser();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\\S");
    private static final String[] KEYWORDS = {"def", "class", "lambda", "if", "else", "elif", "return", "yield", "import",
        "from", "async", "await", "not", "in", "is", "for", "while", "try", "except", "with", "as", "match", "case", "*", "**",
        ":=", "...", "@", "\\", "\"\"\"", "'", "(", ")", "[", "]", "{", "}", ":", ",", "=", "\n", "\t"};
    private static final String NOISE = "()[]{}:,.=@*\"'\\#\n\t ;";

    /** Every fixture .py file of this module, by resource-relative path. */
    private static final Map<String, String> FIXTURES = loadFixtures();

    private static Map<String, String> loadFixtures() {
        Map<String, String> out = new TreeMap<>();
        // (checked below: an empty map would make every property vacuous)
        for (String dir : List.of("parse", "index")) {
            // anchored on a directory only the test resources have (the main classes share the package directories)
            Path root = SourceIndexTest.fixture("src").getParent().resolve("..").resolve(dir).normalize();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".py")).collect(Collectors.toList())) {
                    out.put(dir + "/" + root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (out.size() < 10) throw new IllegalStateException("fixtures not found: " + out.keySet());
        return out;
    }

    static String mutate(String src, Random r, int operations) {
        String s = src;
        for (int i = 0; i < operations; i++) {
            switch (r.nextInt(8)) {
                case 0: s = deleteLine(s, r); break;
                case 1: s = swapTokens(s, r); break;
                case 2: s = s.isEmpty() ? s : s.substring(0, r.nextInt(s.length())); break;
                case 3: s = duplicateLine(s, r); break;
                case 4: s = insert(s, r, String.valueOf(NOISE.charAt(r.nextInt(NOISE.length())))); break;
                case 5: s = reindent(s, r); break;
                case 6: s = replaceToken(s, r, KEYWORDS[r.nextInt(KEYWORDS.length)]); break;
                default: s = insert(s, r, new String(Character.toChars(0x20 + r.nextInt(0x2000)))); break;
            }
        }
        return s;
    }

    private static List<String> lines(String s) { return new ArrayList<>(List.of(s.split("\n", -1))); }

    private static String deleteLine(String s, Random r) {
        List<String> l = lines(s);
        l.remove(r.nextInt(l.size()));
        return String.join("\n", l);
    }

    private static String duplicateLine(String s, Random r) {
        List<String> l = lines(s);
        int i = r.nextInt(l.size());
        l.add(r.nextInt(l.size() + 1), l.get(i));
        return String.join("\n", l);
    }

    private static String reindent(String s, Random r) {
        List<String> l = lines(s);
        int i = r.nextInt(l.size());
        String line = l.get(i);
        l.set(i, r.nextBoolean() ? " ".repeat(1 + r.nextInt(8)) + line : line.stripLeading());
        return String.join("\n", l);
    }

    private static String insert(String s, Random r, String what) {
        int at = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
        return s.substring(0, at) + what + s.substring(at);
    }

    private static List<int[]> tokens(String s) {
        List<int[]> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) out.add(new int[] {m.start(), m.end()});
        return out;
    }

    private static String swapTokens(String s, Random r) {
        List<int[]> t = tokens(s);
        if (t.size() < 2) return s;
        int[] a = t.get(r.nextInt(t.size()));
        int[] b = t.get(r.nextInt(t.size()));
        if (a[0] == b[0]) return s;
        if (a[0] > b[0]) {
            int[] x = a;
            a = b;
            b = x;
        }
        return s.substring(0, a[0]) + s.substring(b[0], b[1]) + s.substring(a[1], b[0]) + s.substring(a[0], a[1]) + s.substring(b[1]);
    }

    private static String replaceToken(String s, Random r, String with) {
        List<int[]> t = tokens(s);
        if (t.isEmpty()) return with;
        int[] a = t.get(r.nextInt(t.size()));
        return s.substring(0, a[0]) + with + s.substring(a[1]);
    }

    @Provide
    Arbitrary<String> mutatedSources() {
        return Combinators.combine(Arbitraries.of(List.copyOf(FIXTURES.values())), Arbitraries.longs(), Arbitraries.integers().between(1, 12))
                .as((src, seed, n) -> mutate(src, new Random(seed), n));
    }

    @Property(tries = 250)
    void parsingMutatedSourcesNeverFailsNorHangs(@ForAll("mutatedSources") String src) {
        PyModule m = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PARSER.parse("fuzz", "fuzz.py", src, false));
        assertEquals(src.isEmpty() ? 0 : src.split("\n", -1).length - (src.endsWith("\n") ? 1 : 0), m.lines().size());
        for (Diagnostic d : m.problems()) {
            assertTrue(!d.message().contains("internal error"), d.toString());
            assertTrue(d.line() >= 1 && d.line() <= Math.max(1, m.lines().size() + 1), d.toString());
        }
        checkSpans(m.body(), m.lines().size());
    }

    /** Every span in the tree is ordered and inside the file. */
    private static void checkSpans(Object node, int lines) {
        if (node == null) return;
        if (node instanceof List) {
            for (Object o : (List<?>) node) checkSpans(o, lines);
            return;
        }
        if (node instanceof Span) {
            Span s = (Span) node;
            if (s.equals(Span.NONE)) return;
            assertTrue(s.startLine() >= 1 && s.startLine() <= s.endLine() && s.endLine() <= lines + 1, s.toString());
            assertTrue(s.startCol() >= 0 && s.endCol() >= 0, s.toString());
            return;
        }
        if (!(node instanceof PyExpr || node instanceof PyStmt || node.getClass().isRecord())) return;
        if (!node.getClass().isRecord()) return;
        for (RecordComponent rc : node.getClass().getRecordComponents()) {
            try {
                checkSpans(rc.getAccessor().invoke(node), lines);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Property(tries = 25)
    void indexingMutatedPackagesNeverFailsNorHangs(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int operations)
            throws IOException {
        Path dir = Files.createTempDirectory("flopscope-fuzz");
        try {
            Random r = new Random(seed);
            for (Map.Entry<String, String> e : FIXTURES.entrySet()) {
                if (!e.getKey().startsWith("index/src/")) continue;
                Path target = dir.resolve(e.getKey().substring("index/src/".length()));
                Files.createDirectories(target.getParent());
                String text = r.nextInt(3) == 0 ? mutate(e.getValue(), r, operations) : e.getValue();
                Files.writeString(target, text, StandardCharsets.UTF_8);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> exercise(SourceIndex.open(dir)));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) Files.deleteIfExists(p);
            }
        }
    }

    /** Calls every query on every module and class the index knows. */
    private static void exercise(SourceIndex idx) {
        for (String m : idx.moduleNames()) {
            PyModule mod = idx.module(m).orElseThrow();
            idx.checkImports(m);
            idx.bindings(m);
            for (PyStmt s : mod.body()) {
                if (s instanceof PyStmt.ClassDef) {
                    String q = m + "." + ((PyStmt.ClassDef) s).name();
                    idx.classInfo(q);
                    idx.isSubclassOf(q, "torch.nn.Module");
                    idx.mro(q);
                    idx.findMethod(q, "forward");
                    idx.function(q + ".forward");
                    idx.findClassesBySimpleName(((PyStmt.ClassDef) s).name());
                    for (PyExpr b : ((PyStmt.ClassDef) s).bases()) idx.resolveExpr(m, b);
                } else if (s instanceof PyStmt.FunctionDef) {
                    idx.function(m + "." + ((PyStmt.FunctionDef) s).name());
                } else if (s instanceof PyStmt.Assign) {
                    for (PyExpr t : ((PyStmt.Assign) s).targets()) {
                        if (t instanceof PyExpr.Name) idx.variable(m + "." + ((PyExpr.Name) t).id());
                    }
                }
            }
        }
        idx.canonical("acme.TinyModel");
        idx.canonical("acme.lazy.LazyThing");
        for (Diagnostic d : idx.problems()) assertTrue(!d.message().contains("internal error"), d.toString());
    }
}
