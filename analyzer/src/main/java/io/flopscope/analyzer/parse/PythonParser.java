package io.flopscope.analyzer.parse;

import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.treesitter.TSInputEncoding;
import org.treesitter.TSLanguage;
import org.treesitter.TSParser;
import org.treesitter.TSTree;
import org.treesitter.TreeSitterPython;

/**
 * Parses Python source with tree-sitter and converts the concrete syntax tree into the {@code ast} model.
 *
 * <p>Never throws: syntax errors (tree-sitter {@code ERROR} and {@code MISSING} nodes) become
 * {@code file:line:col: error: syntax error ...} diagnostics in {@link PyModule#problems()} and the rest of the file is
 * still converted: tree-sitter recovers around most errors, and where its recovery lets an error swallow the
 * statements after it (an unclosed bracket), that region is blanked and the file parsed again (see
 * {@link #convert}). Constructs the model does not cover become {@code Unsupported} nodes carrying their tree-sitter
 * node type and source text; nesting deeper than a few hundred levels becomes {@code Unsupported("too_deeply_nested")}.
 * A parse that runs longer than the timeout is abandoned with a diagnostic.
 *
 * <p>Spans use 1-based lines and 0-based columns in UTF-16 chars (the way Java strings index the lines in
 * {@link PyModule#lines()}); diagnostics use 1-based columns. Instances are stateless and may be shared between
 * threads.
 */
public final class PythonParser {
    /** Default limit for the tree-sitter parse of one file. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
    /** At most this many swallowing error regions are blanked out and re-parsed per file. */
    static final int MAX_RECOVERY_ROUNDS = 8;

    private static volatile TSLanguage language;
    private static volatile Cst.Symbols symbols;

    private final long timeoutMillis;

    public PythonParser() { this(DEFAULT_TIMEOUT_MILLIS); }

    /** @param timeoutMillis how long tree-sitter may take on one file before the parse is abandoned */
    public PythonParser(long timeoutMillis) { this.timeoutMillis = Math.max(1, timeoutMillis); }

    private static TSLanguage language() {
        TSLanguage l = language;
        if (l == null) {
            synchronized (PythonParser.class) {
                if (language == null) language = new TreeSitterPython();
                l = language;
            }
        }
        return l;
    }

    private static Cst.Symbols symbols() {
        Cst.Symbols s = symbols;
        if (s == null) {
            synchronized (PythonParser.class) {
                if (symbols == null) symbols = new Cst.Symbols(language());
                s = symbols;
            }
        }
        return s;
    }

    /**
     * Parses one file.
     *
     * @param moduleName the dotted module name ({@code transformers.models.gpt2.modeling_gpt2})
     * @param file the path shown in diagnostics
     * @param text the source; null is treated as empty
     * @param isPackage whether the file is a package's {@code __init__.py}
     */
    public PyModule parse(String moduleName, String file, String text, boolean isPackage) {
        String src = text == null ? "" : text;
        List<String> lines = splitLines(src);
        List<Diagnostic> problems = new ArrayList<>();
        List<PyStmt> body = List.of();
        try {
            body = convert(file, src, lines, problems);
        } catch (StackOverflowError | OutOfMemoryError e) {
            problems.add(Diagnostic.error(file, 0, "internal error while parsing: " + e.getClass().getSimpleName()));
        } catch (LinkageError e) {
            problems.add(Diagnostic.error(file, 0, "cannot load the tree-sitter native library: " + e.getMessage()));
        } catch (RuntimeException e) {
            problems.add(Diagnostic.error(file, 0, "internal error while parsing: " + e));
        }
        return new PyModule(moduleName, file, body, lines, List.copyOf(problems), isPackage);
    }

    /**
     * Parses and converts; when tree-sitter's recovery let an ERROR swallow the statements after it (an unclosed
     * bracket can take the rest of the file), the swallowing region is blanked out (a marker statement on its first
     * line, empty lines after) and the text parsed again, so that the following statements are converted. The
     * region becomes an Unsupported("ERROR") statement with its original text; the first round's diagnostics are
     * kept, later rounds add the errors they find elsewhere.
     */
    private List<PyStmt> convert(String file, String src, List<String> lines, List<Diagnostic> problems) {
        DeepIndentation deep = DeepIndentation.of(src);
        String current = deep == null ? src : deep.text;
        Map<Integer, Converter.Region> regions = new TreeMap<>();
        LinkedHashSet<Diagnostic> found = new LinkedHashSet<>();
        for (int round = 0; ; round++) {
            byte[] bytes = current.getBytes(StandardCharsets.UTF_8);
            TSTree tree = runTreeSitter(bytes);
            if (tree == null) {
                problems.add(new Diagnostic(Severity.ERROR, file, 1, 0,
                        "parse abandoned: tree-sitter took longer than " + timeoutMillis + " ms"));
                return List.of();
            }
            Cst root = Cst.copy(tree, symbols());
            root.endByte = Math.max(root.endByte, bytes.length);
            List<Diagnostic> roundProblems = new ArrayList<>();
            Converter c = new Converter(file, current, bytes, roundProblems, regions);
            c.deepIndentation = deep;
            List<PyStmt> body = c.convertModule(root);
            for (Diagnostic d : roundProblems) if (!d.message().contains(Converter.MARKER)) found.add(d);
            int[] swallowed = c.swallowed();
            if (swallowed == null || round == MAX_RECOVERY_ROUNDS) {
                List<Diagnostic> sorted = new ArrayList<>(found);
                sorted.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
                problems.addAll(sorted);
                return body;
            }
            int first = swallowed[0];
            int last = swallowed[1] - 1;
            regions.keySet().removeIf(k -> k >= first && k <= last);
            String lastLine = last >= 1 && last <= lines.size() ? lines.get(last - 1) : "";
            regions.put(first, new Converter.Region(first, last, lastLine.length(), joinLines(lines, first, last)));
            current = blank(current, first, last);
        }
    }

    private static String joinLines(List<String> lines, int first, int last) {
        StringBuilder sb = new StringBuilder();
        for (int i = first; i <= last && i <= lines.size(); i++) {
            if (i > first) sb.append('\n');
            sb.append(lines.get(i - 1));
        }
        return sb.toString();
    }

    /** Lines first..last (1-based) replaced: the first by its indentation and the marker, the others by nothing. */
    private static String blank(String text, int first, int last) {
        StringBuilder sb = new StringBuilder(text.length());
        int line = 1;
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String content = text.substring(start, end);
            if (line == first) {
                sb.append(content, 0, Converter.indentation(content)).append(Converter.MARKER);
            } else if (line < first || line > last) {
                sb.append(content);
            }
            if (nl < 0) break;
            sb.append('\n');
            start = nl + 1;
            line++;
        }
        return sb.toString();
    }

    private TSTree runTreeSitter(byte[] bytes) {
        TSParser parser = new TSParser();
        parser.setLanguage(language());
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] buffer = new byte[Math.max(1024, Math.min(bytes.length + 1, 1 << 16))];
        return parser.parseWithOptions(buffer, null, (buf, offset, position) -> {
            if (offset < 0 || offset >= bytes.length) return 0;
            int n = Math.min(buf.length, bytes.length - offset);
            System.arraycopy(bytes, offset, buf, 0, n);
            return n;
        }, TSInputEncoding.TSInputEncodingUTF8, state -> System.nanoTime() > deadline);
    }

    /** Splits on '\n' (the way tree-sitter counts rows), dropping a trailing '\r' from each line. */
    static List<String> splitLines(String src) {
        if (src.isEmpty()) return List.of();
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= src.length(); i++) {
            if (i == src.length() || src.charAt(i) == '\n') {
                if (i == src.length() && start == i && !lines.isEmpty()) break;
                int end = i;
                if (end > start && src.charAt(end - 1) == '\r') end--;
                lines.add(src.substring(start, end));
                start = i + 1;
            }
        }
        return List.copyOf(lines);
    }
}
