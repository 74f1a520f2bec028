package io.flopscope.analyzer.parse;

import io.flopscope.analyzer.ast.Params;
import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Converts one tree-sitter concrete syntax tree into the {@code ast} model. Single use, not thread-safe. */
final class Converter {
    /** Nesting beyond this becomes Unsupported (keeps the Java stack bounded on pathological input). */
    static final int MAX_DEPTH = 250;
    static final int MAX_SYNTAX_ERRORS = 50;
    private static final int MAX_SNIPPET = 40;

    private static final Set<String> STATEMENT_TYPES = Set.of(
            "expression_statement", "return_statement", "if_statement", "for_statement", "while_statement",
            "with_statement", "try_statement", "raise_statement", "assert_statement", "pass_statement",
            "break_statement", "continue_statement", "delete_statement", "function_definition", "class_definition",
            "decorated_definition", "import_statement", "import_from_statement", "future_import_statement",
            "global_statement", "nonlocal_statement", "print_statement", "exec_statement", "match_statement",
            "type_alias_statement", "block", "ERROR");

    private final String file;
    private final String src;
    private final byte[] bytes;
    private final List<Diagnostic> problems;
    /** byte offset to char index in src (bytes.length + 1 entries). */
    private final int[] byteToChar;
    /** char index where each line starts. */
    private final int[] lineStart;
    /** byte offset where each line starts (rows as tree-sitter counts them: '\n' only). */
    private final int[] lineStartByte;
    private int depth;
    /** Regions blanked by an earlier round of recovery, by their first line (1-based). */
    private final java.util.Map<Integer, Region> recovered;
    /** The first ERROR node that swallowed following statements: {first line, boundary line} (1-based), or null. */
    private int[] swallowed;

    /** The marker statement that stands for a blanked region in the re-parsed text. */
    static final String MARKER = "__flopscope_syntax_error__";

    /** Source lines first..last (1-based) blanked after a syntax error, with their original text. */
    record Region(int first, int last, int lastCol, String text) {}

    Converter(String file, String src, byte[] bytes, List<Diagnostic> problems) {
        this(file, src, bytes, problems, java.util.Map.of());
    }

    /** Columns of a source parsed with its deep indentation rewritten map back through this; null when it was not. */
    DeepIndentation deepIndentation;

    Converter(String file, String src, byte[] bytes, List<Diagnostic> problems, java.util.Map<Integer, Region> recovered) {
        this.recovered = recovered;
        this.file = file;
        this.src = src;
        this.bytes = bytes;
        this.problems = problems;
        this.byteToChar = buildByteToChar(src, bytes.length);
        int lines = 1;
        for (int i = 0; i < src.length(); i++) if (src.charAt(i) == '\n') lines++;
        lineStart = new int[lines];
        int l = 1;
        for (int i = 0; i < src.length(); i++) if (src.charAt(i) == '\n') lineStart[l++] = i + 1;
        lineStartByte = new int[lines];
        l = 1;
        for (int i = 0; i < bytes.length && l < lines; i++) if (bytes[i] == '\n') lineStartByte[l++] = i + 1;
    }

    /** Maps UTF-8 byte offsets (as String.getBytes(UTF_8) encodes, lone surrogates as '?') to char offsets. */
    private static int[] buildByteToChar(String s, int byteLen) {
        int[] map = new int[byteLen + 1];
        int b = 0;
        int i = 0;
        while (i < s.length() && b < byteLen) {
            char c = s.charAt(i);
            int width;
            int chars = 1;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                width = 4;
                chars = 2;
            } else if (Character.isSurrogate(c)) width = 1;
            else if (c < 0x80) width = 1;
            else if (c < 0x800) width = 2;
            else width = 3;
            for (int k = 0; k < width && b < byteLen; k++) map[b++] = i;
            i += chars;
        }
        while (b <= byteLen) map[b++] = s.length();
        return map;
    }

    // ------------------------------------------------------------------ entry points

    List<PyStmt> convertModule(Cst root) {
        collectSyntaxErrors(root);
        List<PyStmt> out = new ArrayList<>();
        if (root == null || root.isNull()) return List.of();
        if ("module".equals(root.getType())) {
            for (Cst c : named(root)) stmtSafe(c, out);
        } else {
            stmtSafe(root, out);
        }
        return List.copyOf(out);
    }

    /** Reports the outermost ERROR nodes and every MISSING node, in source order, without recursion. */
    private void collectSyntaxErrors(Cst root) {
        if (root == null || root.isNull() || !root.hasError()) return;
        Deque<Cst> stack = new ArrayDeque<>();
        stack.push(root);
        int reported = 0;
        while (!stack.isEmpty()) {
            Cst n = stack.pop();
            if (n.isError() || n.isMissing()) {
                if (reported == MAX_SYNTAX_ERRORS) {
                    problems.add(diag(n, "further syntax errors not reported"));
                    return;
                }
                reported++;
                if (n.isMissing()) problems.add(diag(n, "syntax error: missing '" + n.getType() + "'"));
                else {
                    noteSwallowing(n);
                    String snippet = snippet(n);
                    problems.add(diag(n, snippet.isEmpty() ? "syntax error" : "syntax error: unexpected '" + snippet + "'"));
                }
                continue;
            }
            if (!n.hasError()) continue;
            for (int i = n.getChildCount() - 1; i >= 0; i--) stack.push(n.getChild(i));
        }
    }

    /** {first line, boundary line} of the first ERROR that swallowed the statements after it, or null. */
    int[] swallowed() { return swallowed; }

    /**
     * An ERROR node that runs over a line which starts a statement at its own indentation or less has swallowed
     * that statement (tree-sitter's recovery sometimes takes the rest of the file after an unclosed bracket).
     */
    private void noteSwallowing(Cst n) {
        if (swallowed != null) return;
        int first = row(n.getStartByte());
        int last = row(Math.max(n.getStartByte(), n.getEndByte() - 1));
        if (last <= first) return;
        int indent = indentation(lineText(first));
        for (int r = first + 1; r <= last; r++) {
            String line = lineText(r);
            if (startsStatement(line) && indentation(line) <= indent) {
                swallowed = new int[] {first + 1, r + 1};
                return;
            }
        }
    }

    private String lineText(int row) {
        if (row < 0 || row >= lineStart.length) return "";
        int a = lineStart[row];
        int b = row + 1 < lineStart.length ? lineStart[row + 1] - 1 : src.length();
        return b <= a ? "" : src.substring(a, b);
    }

    static int indentation(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
        return i;
    }

    /** A line that can begin a statement: not blank, a comment, a closing bracket or a clause keyword. */
    private static boolean startsStatement(String line) {
        String t = line.strip();
        if (t.isEmpty()) return false;
        char c = t.charAt(0);
        if (c == '#' || c == ')' || c == ']' || c == '}' || c == '.' || c == ',' || c == '\'' || c == '"') return false;
        for (String kw : new String[] {"else", "elif", "except", "finally", "case"}) {
            if (t.startsWith(kw) && (t.length() == kw.length() || !Character.isJavaIdentifierPart(t.charAt(kw.length())))) return false;
        }
        return true;
    }

    private Diagnostic diag(Cst n, String message) {
        Span s = span(n);
        return new Diagnostic(Severity.ERROR, file, Math.max(1, s.startLine()), s.startCol() + 1, message);
    }

    private String snippet(Cst n) {
        String t = text(n).strip();
        int nl = t.indexOf('\n');
        if (nl >= 0) t = t.substring(0, nl).strip();
        if (t.length() > MAX_SNIPPET) t = t.substring(0, MAX_SNIPPET) + "...";
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ tree helpers

    private static boolean absent(Cst n) { return n == null || n.isNull(); }

    private static String type(Cst n) { return absent(n) ? "" : n.getType(); }

    private static boolean isExtraNode(Cst n) {
        String t = n.getType();
        return "comment".equals(t) || "line_continuation".equals(t);
    }

    /** Named children without comments and line continuations. */
    private static List<Cst> named(Cst n) {
        List<Cst> out = new ArrayList<>();
        if (absent(n)) return out;
        for (Cst c : n.children) if (c.named && !isExtraNode(c)) out.add(c);
        return out;
    }

    private static Cst field(Cst n, String name) {
        if (absent(n)) return null;
        Cst c = n.getChildByFieldName(name);
        return absent(c) ? null : c;
    }

    /** Every child under a field that may repeat (tree-sitter's getChildByFieldName returns only the first). */
    private static List<Cst> fieldAll(Cst n, String name) {
        List<Cst> out = new ArrayList<>();
        if (absent(n)) return out;
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
            if (name.equals(n.getFieldNameForChild(i))) {
                Cst c = n.getChild(i);
                if (!absent(c)) out.add(c);
            }
        }
        return out;
    }

    private static boolean hasChildOfType(Cst n, String t) {
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) if (t.equals(n.getChild(i).getType())) return true;
        return false;
    }

    private int charAt(int byteOffset) {
        if (byteOffset <= 0) return 0;
        if (byteOffset >= byteToChar.length) return src.length();
        return byteToChar[byteOffset];
    }

    private String text(Cst n) {
        if (absent(n)) return "";
        int a = charAt(n.getStartByte());
        int b = charAt(n.getEndByte());
        return b <= a ? "" : src.substring(a, b);
    }

    private String textBetween(int startByte, int endByte) {
        int a = charAt(startByte);
        int b = charAt(endByte);
        return b <= a ? "" : src.substring(a, b);
    }

    /** The 0-based row holding a byte offset. */
    private int row(int byteOffset) {
        int lo = 0;
        int hi = lineStartByte.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStartByte[mid] <= byteOffset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private int column(int row, int byteOffset) {
        if (row < 0 || row >= lineStart.length) return 0;
        return Math.max(0, charAt(byteOffset) - lineStart[row]) + (deepIndentation == null ? 0 : deepIndentation.shift(row));
    }

    Span span(Cst n) {
        if (absent(n)) return Span.NONE;
        int sr = row(n.getStartByte());
        int er = row(n.getEndByte());
        return new Span(sr + 1, column(sr, n.getStartByte()), er + 1, column(er, n.getEndByte()));
    }

    private static Span join(Span a, Span b) {
        if (a == Span.NONE) return b;
        if (b == Span.NONE) return a;
        return new Span(a.startLine(), a.startCol(), b.endLine(), b.endCol());
    }

    // ------------------------------------------------------------------ statements

    private List<PyStmt> block(Cst n) {
        List<PyStmt> out = new ArrayList<>();
        if (absent(n)) return List.of();
        if ("block".equals(n.getType())) {
            for (Cst c : named(n)) stmtSafe(c, out);
        } else {
            stmtSafe(n, out);
        }
        return List.copyOf(out);
    }

    /** Converts one statement; a bug in the converter degrades to an Unsupported statement, never an exception. */
    private void stmtSafe(Cst n, List<PyStmt> out) {
        int saved = depth;
        try {
            stmt(n, out);
        } catch (RuntimeException e) {
            depth = saved;
            problems.add(diag(n, "internal error converting " + n.getType() + ": " + e));
            out.add(new PyStmt.Unsupported(n.getType(), text(n), span(n)));
        }
    }

    private void stmt(Cst n, List<PyStmt> out) {
        if (absent(n) || isExtraNode(n)) return;
        if (++depth > MAX_DEPTH) {
            depth--;
            out.add(new PyStmt.Unsupported("too_deeply_nested", text(n), span(n)));
            return;
        }
        try {
            stmtInner(n, out);
        } finally {
            depth--;
        }
    }

    private void stmtInner(Cst n, List<PyStmt> out) {
        String t = n.getType();
        Span sp = span(n);
        if (n.isError()) {
            errorRegion(n, out);
            return;
        }
        switch (t) {
            case "expression_statement": out.add(expressionStatement(n, sp)); return;
            case "return_statement": {
                List<Cst> k = named(n);
                out.add(new PyStmt.Return(k.isEmpty() ? null : rhs(k.get(0)), sp));
                return;
            }
            case "pass_statement": out.add(new PyStmt.Pass(sp)); return;
            case "break_statement": out.add(new PyStmt.Break(sp)); return;
            case "continue_statement": out.add(new PyStmt.Continue(sp)); return;
            case "if_statement": out.add(ifStatement(n, sp)); return;
            case "for_statement": {
                if (isAsync(n)) break;
                out.add(new PyStmt.For(expr(field(n, "left"), n), rhs(field(n, "right"), n), block(field(n, "body")),
                        elseBody(field(n, "alternative")), sp));
                return;
            }
            case "while_statement":
                out.add(new PyStmt.While(expr(field(n, "condition"), n), block(field(n, "body")),
                        elseBody(field(n, "alternative")), sp));
                return;
            case "with_statement": {
                if (isAsync(n)) break;
                out.add(withStatement(n, sp));
                return;
            }
            case "try_statement": out.add(tryStatement(n, sp)); return;
            case "raise_statement": {
                PyExpr exc = null;
                int count = n.getChildCount();
                for (int i = 0; i < count; i++) {
                    Cst c = n.getChild(i);
                    if (c.isNamed() && !isExtraNode(c) && !"cause".equals(n.getFieldNameForChild(i))) {
                        exc = expr(c);
                        break;
                    }
                }
                out.add(new PyStmt.Raise(exc, sp));
                return;
            }
            case "assert_statement": {
                List<Cst> k = named(n);
                out.add(new PyStmt.Assert(k.isEmpty() ? missing(n) : expr(k.get(0)), k.size() > 1 ? expr(k.get(1)) : null, sp));
                return;
            }
            case "delete_statement": {
                List<PyExpr> targets = new ArrayList<>();
                for (Cst c : named(n)) {
                    if ("expression_list".equals(c.getType())) for (Cst e : named(c)) targets.add(expr(e));
                    else targets.add(expr(c));
                }
                out.add(new PyStmt.Delete(List.copyOf(targets), sp));
                return;
            }
            case "global_statement": {
                List<String> names = new ArrayList<>();
                for (Cst c : named(n)) names.add(text(c));
                out.add(new PyStmt.Global(List.copyOf(names), sp));
                return;
            }
            case "function_definition": out.add(functionDef(n, List.of(), sp)); return;
            case "class_definition": out.add(classDef(n, List.of(), sp)); return;
            case "decorated_definition": out.add(decorated(n, sp)); return;
            case "import_statement": {
                List<PyStmt.Alias> names = new ArrayList<>();
                for (Cst c : fieldAll(n, "name")) names.add(alias(c));
                out.add(new PyStmt.Import(List.copyOf(names), sp));
                return;
            }
            case "import_from_statement": out.add(importFrom(n, sp)); return;
            case "future_import_statement": {
                List<PyStmt.Alias> names = new ArrayList<>();
                for (Cst c : fieldAll(n, "name")) names.add(alias(c));
                out.add(new PyStmt.ImportFrom("__future__", 0, List.copyOf(names), sp));
                return;
            }
            case "block":
                for (Cst c : named(n)) stmt(c, out);
                return;
            default:
                break;
        }
        out.add(new PyStmt.Unsupported(isAsync(n) ? "async_" + t : t, text(n), sp));
    }

    private static boolean isAsync(Cst n) {
        return n.getChildCount() > 0 && "async".equals(n.getChild(0).getType());
    }

    /**
     * A statement-level ERROR node: statements tree-sitter recovered inside it are converted, and each run of
     * other tokens becomes one Unsupported("ERROR") statement covering that run.
     */
    private void errorRegion(Cst n, List<PyStmt> out) {
        Cst runStart = null;
        Cst runEnd = null;
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = n.getChild(i);
            if (absent(c) || isExtraNode(c)) continue;
            if (c.isNamed() && STATEMENT_TYPES.contains(c.getType())) {
                flushRun(runStart, runEnd, out);
                runStart = null;
                runEnd = null;
                stmt(c, out);
            } else {
                if (runStart == null) runStart = c;
                runEnd = c;
            }
        }
        flushRun(runStart, runEnd, out);
        if (count == 0) out.add(new PyStmt.Unsupported("ERROR", text(n), span(n)));
    }

    private void flushRun(Cst first, Cst last, List<PyStmt> out) {
        if (first == null) return;
        Span s = join(span(first), span(last));
        out.add(new PyStmt.Unsupported("ERROR", textBetween(first.getStartByte(), last.getEndByte()), s));
    }

    private PyStmt expressionStatement(Cst n, Span sp) {
        List<Cst> k = named(n);
        if (k.isEmpty()) return new PyStmt.Unsupported("expression_statement", text(n), sp);
        if (k.size() == 1) {
            Cst c = k.get(0);
            String ct = c.getType();
            if ("identifier".equals(ct) && !recovered.isEmpty() && MARKER.equals(text(c))) {
                Region r = recovered.get(sp.startLine());
                if (r != null) {
                    return new PyStmt.Unsupported("ERROR", r.text(), new Span(r.first(), sp.startCol(), r.last(), r.lastCol()));
                }
            }
            if ("assignment".equals(ct)) return assignment(c, sp);
            if ("augmented_assignment".equals(ct)) {
                String op = type(field(c, "operator"));
                if (op.endsWith("=")) op = op.substring(0, op.length() - 1);
                return new PyStmt.AugAssign(expr(field(c, "left"), c), op, rhs(field(c, "right"), c), sp);
            }
            return new PyStmt.ExprStmt(rhs(c), sp);
        }
        List<PyExpr> elts = new ArrayList<>();
        for (Cst c : k) elts.add(expr(c));
        return new PyStmt.ExprStmt(new PyExpr.TupleExpr(List.copyOf(elts), sp), sp);
    }

    private PyStmt assignment(Cst a, Span sp) {
        Cst left = field(a, "left");
        Cst type = field(a, "type");
        Cst right = field(a, "right");
        if (type != null) {
            return new PyStmt.AnnAssign(expr(left, a), annotation(type), right == null ? null : rhs(right), sp);
        }
        List<PyExpr> targets = new ArrayList<>();
        targets.add(expr(left, a));
        Cst r = right;
        Cst parent = a;
        int guard = 0;
        while (r != null && "assignment".equals(r.getType()) && field(r, "type") == null && guard++ < MAX_DEPTH) {
            targets.add(expr(field(r, "left"), r));
            parent = r;
            r = field(r, "right");
        }
        return new PyStmt.Assign(List.copyOf(targets), rhs(r, parent), sp);
    }

    /** The value side of an assignment, return or for: an expression list becomes a tuple. */
    private PyExpr rhs(Cst n, Cst parent) { return absent(n) ? missing(parent) : rhs(n); }

    private PyExpr rhs(Cst n) {
        String t = type(n);
        if ("expression_list".equals(t)) return tuple(n);
        if ("assignment".equals(t) || "augmented_assignment".equals(t)) return new PyExpr.Unsupported(t, text(n), span(n));
        return expr(n);
    }

    private PyStmt ifStatement(Cst n, Span sp) {
        PyExpr test = expr(field(n, "condition"), n);
        List<PyStmt> body = block(field(n, "consequence"));
        List<Cst> alts = fieldAll(n, "alternative");
        List<PyStmt> orelse = new ArrayList<>();
        for (int i = alts.size() - 1; i >= 0; i--) {
            Cst alt = alts.get(i);
            if ("elif_clause".equals(alt.getType())) {
                Span es = new Span(span(alt).startLine(), span(alt).startCol(), sp.endLine(), sp.endCol());
                PyStmt.If elif = new PyStmt.If(expr(field(alt, "condition"), alt), block(field(alt, "consequence")),
                        List.copyOf(orelse), es);
                orelse = new ArrayList<>(List.of(elif));
            } else {
                orelse = new ArrayList<>(elseBody(alt));
            }
        }
        return new PyStmt.If(test, body, List.copyOf(orelse), sp);
    }

    private List<PyStmt> elseBody(Cst elseClause) {
        if (absent(elseClause)) return List.of();
        Cst body = field(elseClause, "body");
        if (body == null) {
            for (Cst c : named(elseClause)) if ("block".equals(c.getType())) body = c;
        }
        return block(body);
    }

    private PyStmt withStatement(Cst n, Span sp) {
        List<PyStmt.With.WithItem> items = new ArrayList<>();
        for (Cst c : named(n)) {
            if (!"with_clause".equals(c.getType())) continue;
            for (Cst item : named(c)) {
                if (!"with_item".equals(item.getType())) continue;
                Cst v = field(item, "value");
                if (v == null) {
                    List<Cst> k = named(item);
                    v = k.isEmpty() ? null : k.get(0);
                }
                if (v != null && "as_pattern".equals(v.getType())) {
                    List<Cst> parts = named(v);
                    Cst alias = field(v, "alias");
                    PyExpr ctx = parts.isEmpty() ? missing(v) : expr(parts.get(0));
                    items.add(new PyStmt.With.WithItem(ctx, alias == null ? null : asTarget(alias)));
                } else {
                    items.add(new PyStmt.With.WithItem(expr(v, item), null));
                }
            }
        }
        return new PyStmt.With(List.copyOf(items), block(field(n, "body")), sp);
    }

    private PyExpr asTarget(Cst alias) {
        if ("as_pattern_target".equals(alias.getType())) {
            List<Cst> k = named(alias);
            if (k.size() == 1) return expr(k.get(0));
            return new PyExpr.Unsupported("as_pattern_target", text(alias), span(alias));
        }
        return expr(alias);
    }

    private PyStmt tryStatement(Cst n, Span sp) {
        List<PyStmt> body = block(field(n, "body"));
        List<PyStmt.Try.Handler> handlers = new ArrayList<>();
        List<PyStmt> orelse = List.of();
        List<PyStmt> fin = List.of();
        for (Cst c : named(n)) {
            String ct = c.getType();
            if ("except_clause".equals(ct) || "except_group_clause".equals(ct)) handlers.add(handler(c));
            else if ("else_clause".equals(ct)) orelse = elseBody(c);
            else if ("finally_clause".equals(ct)) {
                Cst b = null;
                for (Cst k : named(c)) if ("block".equals(k.getType())) b = k;
                fin = block(b);
            }
        }
        return new PyStmt.Try(body, List.copyOf(handlers), orelse, fin, sp);
    }

    private PyStmt.Try.Handler handler(Cst c) {
        PyExpr type = null;
        String name = null;
        Cst body = null;
        List<Cst> exprs = new ArrayList<>();
        for (Cst k : named(c)) {
            if ("block".equals(k.getType())) body = k;
            else exprs.add(k);
        }
        if (!exprs.isEmpty()) {
            Cst first = exprs.get(0);
            if ("as_pattern".equals(first.getType())) {
                List<Cst> parts = named(first);
                type = parts.isEmpty() ? missing(first) : expr(parts.get(0));
                Cst alias = field(first, "alias");
                if (alias != null) name = text(alias).strip();
            } else {
                type = expr(first);
                if (exprs.size() > 1) name = text(exprs.get(1)).strip();
            }
        }
        return new PyStmt.Try.Handler(type, name, block(body));
    }

    private PyStmt decorated(Cst n, Span sp) {
        List<PyExpr> decorators = new ArrayList<>();
        for (Cst c : named(n)) {
            if ("decorator".equals(c.getType())) {
                List<Cst> k = named(c);
                decorators.add(k.isEmpty() ? missing(c) : expr(k.get(0)));
            }
        }
        Cst def = field(n, "definition");
        if (def != null && "function_definition".equals(def.getType())) return functionDef(def, List.copyOf(decorators), sp);
        if (def != null && "class_definition".equals(def.getType())) return classDef(def, List.copyOf(decorators), sp);
        return new PyStmt.Unsupported("decorated_definition", text(n), sp);
    }

    /** ERROR children of a definition that belong to no field: tree-sitter put part of the body there. */
    private void strayErrors(Cst def, List<PyStmt> out) {
        int count = def.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = def.getChild(i);
            if (c.isError() && def.getFieldNameForChild(i) == null) stmt(c, out);
        }
    }

    private PyStmt functionDef(Cst n, List<PyExpr> decorators, Span sp) {
        String name = text(field(n, "name"));
        Params params = params(field(n, "parameters"));
        Cst rt = field(n, "return_type");
        List<PyStmt> body = new ArrayList<>();
        if (n.hasError()) strayErrors(n, body);
        body.addAll(block(field(n, "body")));
        return new PyStmt.FunctionDef(name, params, List.copyOf(body), decorators, rt == null ? null : annotation(rt),
                row(n.getStartByte()) + 1, sp);
    }

    private PyStmt classDef(Cst n, List<PyExpr> decorators, Span sp) {
        String name = text(field(n, "name"));
        List<PyExpr> bases = new ArrayList<>();
        List<PyExpr.Keyword> keywords = new ArrayList<>();
        Cst sup = field(n, "superclasses");
        if (sup != null) arguments(sup, bases, keywords);
        List<PyStmt> body = new ArrayList<>();
        if (n.hasError()) strayErrors(n, body);
        body.addAll(block(field(n, "body")));
        return new PyStmt.ClassDef(name, List.copyOf(bases), List.copyOf(keywords), List.copyOf(body), decorators,
                row(n.getStartByte()) + 1, sp);
    }

    private PyStmt.Alias alias(Cst c) {
        if ("aliased_import".equals(c.getType())) {
            Cst a = field(c, "alias");
            return new PyStmt.Alias(dotted(field(c, "name")), a == null ? null : text(a));
        }
        return new PyStmt.Alias(dotted(c), null);
    }

    /** A dotted_name's identifiers joined with '.', whatever whitespace or comments sit between them. */
    private String dotted(Cst n) {
        if (absent(n)) return "";
        if (!"dotted_name".equals(n.getType())) return text(n).strip();
        StringBuilder sb = new StringBuilder();
        for (Cst c : named(n)) {
            if (sb.length() > 0) sb.append('.');
            sb.append(text(c));
        }
        return sb.toString();
    }

    private PyStmt importFrom(Cst n, Span sp) {
        Cst m = field(n, "module_name");
        String module = "";
        int level = 0;
        if (m != null && "relative_import".equals(m.getType())) {
            for (Cst c : named(m)) {
                if ("import_prefix".equals(c.getType())) {
                    for (char ch : text(c).toCharArray()) if (ch == '.') level++;
                } else if ("dotted_name".equals(c.getType())) module = dotted(c);
            }
        } else if (m != null) {
            module = dotted(m);
        }
        List<PyStmt.Alias> names = new ArrayList<>();
        for (Cst c : fieldAll(n, "name")) names.add(alias(c));
        for (Cst c : named(n)) if ("wildcard_import".equals(c.getType())) names.add(new PyStmt.Alias("*", null));
        return new PyStmt.ImportFrom(module, level, List.copyOf(names), sp);
    }

    // ------------------------------------------------------------------ parameters

    private Params params(Cst n) {
        List<Params.Param> out = new ArrayList<>();
        if (absent(n)) return new Params(List.of());
        boolean keywordOnly = false;
        for (Cst c : named(n)) {
            String t = c.getType();
            switch (t) {
                case "identifier":
                    out.add(new Params.Param(text(c), null, null, keywordOnly ? Params.Kind.KEYWORD_ONLY : Params.Kind.POSITIONAL));
                    break;
                case "default_parameter":
                    out.add(new Params.Param(text(field(c, "name")), expr(field(c, "value"), c), null,
                            keywordOnly ? Params.Kind.KEYWORD_ONLY : Params.Kind.POSITIONAL));
                    break;
                case "typed_default_parameter":
                    out.add(new Params.Param(text(field(c, "name")), expr(field(c, "value"), c), annotationOrNull(field(c, "type")),
                            keywordOnly ? Params.Kind.KEYWORD_ONLY : Params.Kind.POSITIONAL));
                    break;
                case "typed_parameter": {
                    PyExpr ann = annotationOrNull(field(c, "type"));
                    Cst inner = null;
                    for (Cst k : named(c)) if (!"type".equals(k.getType())) { inner = k; break; }
                    String it = type(inner);
                    if ("list_splat_pattern".equals(it)) {
                        out.add(new Params.Param(splatName(inner), null, ann, Params.Kind.VAR_POSITIONAL));
                        keywordOnly = true;
                    } else if ("dictionary_splat_pattern".equals(it)) {
                        out.add(new Params.Param(splatName(inner), null, ann, Params.Kind.VAR_KEYWORD));
                    } else {
                        out.add(new Params.Param(text(inner), null, ann, keywordOnly ? Params.Kind.KEYWORD_ONLY : Params.Kind.POSITIONAL));
                    }
                    break;
                }
                case "list_splat_pattern":
                    out.add(new Params.Param(splatName(c), null, null, Params.Kind.VAR_POSITIONAL));
                    keywordOnly = true;
                    break;
                case "dictionary_splat_pattern":
                    out.add(new Params.Param(splatName(c), null, null, Params.Kind.VAR_KEYWORD));
                    break;
                case "keyword_separator":
                    keywordOnly = true;
                    break;
                case "positional_separator":
                    for (int i = 0; i < out.size(); i++) {
                        Params.Param p = out.get(i);
                        if (p.kind() == Params.Kind.POSITIONAL) {
                            out.set(i, new Params.Param(p.name(), p.defaultValue(), p.annotation(), Params.Kind.POSITIONAL_ONLY));
                        }
                    }
                    break;
                default:
                    // tuple parameters (Python 2), ERROR nodes: keep a placeholder so the arity stays visible
                    out.add(new Params.Param(text(c), null, null, keywordOnly ? Params.Kind.KEYWORD_ONLY : Params.Kind.POSITIONAL));
                    break;
            }
        }
        return new Params(List.copyOf(out));
    }

    private String splatName(Cst splat) {
        List<Cst> k = named(splat);
        return k.isEmpty() ? "" : text(k.get(0));
    }

    private PyExpr annotationOrNull(Cst typeNode) { return typeNode == null ? null : annotation(typeNode); }

    /** A 'type' node: the expression it wraps, with typing's generic/union/member forms mapped to expressions. */
    private PyExpr annotation(Cst n) {
        if (absent(n)) return null;
        if ("type".equals(n.getType())) {
            List<Cst> k = named(n);
            if (k.size() == 1) return expr(k.get(0));
            return new PyExpr.Unsupported("type", text(n), span(n));
        }
        return expr(n);
    }

    // ------------------------------------------------------------------ expressions

    private PyExpr missing(Cst parent) {
        Span s = span(parent);
        return new PyExpr.Unsupported("MISSING", "", new Span(s.endLine(), s.endCol(), s.endLine(), s.endCol()));
    }

    private PyExpr expr(Cst n, Cst parentIfAbsent) { return absent(n) ? missing(parentIfAbsent) : expr(n); }

    PyExpr expr(Cst n) {
        if (absent(n)) return new PyExpr.Unsupported("MISSING", "", Span.NONE);
        if (++depth > MAX_DEPTH) {
            depth--;
            return new PyExpr.Unsupported("too_deeply_nested", text(n), span(n));
        }
        try {
            return exprInner(n);
        } finally {
            depth--;
        }
    }

    private PyExpr exprInner(Cst n) {
        Span sp = span(n);
        if (n.isMissing()) return new PyExpr.Unsupported("MISSING", "", sp);
        if (n.isError()) return new PyExpr.Unsupported("ERROR", text(n), sp);
        String t = n.getType();
        switch (t) {
            case "identifier":
            case "keyword_identifier":
                return new PyExpr.Name(text(n), sp);
            case "true": return new PyExpr.Constant(Boolean.TRUE, sp);
            case "false": return new PyExpr.Constant(Boolean.FALSE, sp);
            case "none": return new PyExpr.Constant(PyExpr.Constant.NONE, sp);
            case "ellipsis": return new PyExpr.Ellipsis(sp);
            case "integer": return integer(n, sp);
            case "float": return floating(n, sp);
            case "string": return string(n, sp);
            case "concatenated_string": return concatenated(n, sp);
            case "attribute": {
                Cst attr = field(n, "attribute");
                return new PyExpr.Attribute(expr(field(n, "object"), n), attr == null ? "" : text(attr), sp);
            }
            case "call": return call(n, sp);
            case "binary_operator":
                return new PyExpr.BinOp(expr(field(n, "left"), n), type(field(n, "operator")), expr(field(n, "right"), n), sp);
            case "unary_operator":
                return new PyExpr.UnaryOp(type(field(n, "operator")), expr(field(n, "argument"), n), sp);
            case "not_operator":
                return new PyExpr.UnaryOp("not", expr(field(n, "argument"), n), sp);
            case "boolean_operator": return booleanOp(n, sp);
            case "comparison_operator": return comparison(n, sp);
            case "conditional_expression": {
                List<Cst> k = named(n);
                if (k.size() != 3) return new PyExpr.Unsupported(t, text(n), sp);
                return new PyExpr.IfExp(expr(k.get(1)), expr(k.get(0)), expr(k.get(2)), sp);
            }
            case "subscript": return subscript(n, sp);
            case "slice": return slice(n, sp);
            case "tuple":
            case "expression_list":
            case "pattern_list":
            case "tuple_pattern":
                return tuple(n);
            case "list":
            case "list_pattern": {
                List<PyExpr> elts = new ArrayList<>();
                for (Cst c : named(n)) elts.add(expr(c));
                return new PyExpr.ListExpr(List.copyOf(elts), sp);
            }
            case "dictionary": return dictionary(n, sp);
            case "list_comprehension": return comprehension(n, "list", sp);
            case "set_comprehension": return comprehension(n, "set", sp);
            case "generator_expression": return comprehension(n, "generator", sp);
            case "dictionary_comprehension": return comprehension(n, "dict", sp);
            case "parenthesized_expression": {
                List<Cst> k = named(n);
                if (k.size() != 1) return new PyExpr.Unsupported(t, text(n), sp);
                return rhs(k.get(0));
            }
            case "lambda": {
                Cst ps = field(n, "parameters");
                return new PyExpr.Lambda(params(ps), expr(field(n, "body"), n), sp);
            }
            case "named_expression":
                return new PyExpr.NamedExpr(expr(field(n, "name"), n), expr(field(n, "value"), n), sp);
            case "list_splat":
            case "list_splat_pattern": {
                List<Cst> k = named(n);
                return new PyExpr.Starred(k.isEmpty() ? missing(n) : expr(k.get(0)), sp);
            }
            case "dictionary_splat":
            case "dictionary_splat_pattern": {
                List<Cst> k = named(n);
                return new PyExpr.DoubleStarred(k.isEmpty() ? missing(n) : expr(k.get(0)), sp);
            }
            case "type": return annotation(n);
            case "generic_type": {
                List<Cst> k = named(n);
                if (k.size() != 2 || !"type_parameter".equals(k.get(1).getType())) return new PyExpr.Unsupported(t, text(n), sp);
                List<PyExpr> params = new ArrayList<>();
                for (Cst p : named(k.get(1))) params.add(expr(p));
                PyExpr index = params.size() == 1 ? params.get(0) : new PyExpr.TupleExpr(List.copyOf(params), span(k.get(1)));
                return new PyExpr.Subscript(expr(k.get(0)), index, sp);
            }
            case "union_type": {
                List<Cst> k = named(n);
                if (k.size() != 2) return new PyExpr.Unsupported(t, text(n), sp);
                return new PyExpr.BinOp(expr(k.get(0)), "|", expr(k.get(1)), sp);
            }
            case "member_type": {
                List<Cst> k = named(n);
                if (k.size() != 2) return new PyExpr.Unsupported(t, text(n), sp);
                return new PyExpr.Attribute(expr(k.get(0)), text(k.get(1)), sp);
            }
            case "splat_type": {
                List<Cst> k = named(n);
                if (k.size() != 1) return new PyExpr.Unsupported(t, text(n), sp);
                boolean dbl = hasChildOfType(n, "**");
                return dbl ? new PyExpr.DoubleStarred(expr(k.get(0)), sp) : new PyExpr.Starred(expr(k.get(0)), sp);
            }
            default:
                return new PyExpr.Unsupported(t, text(n), sp);
        }
    }

    private PyExpr.TupleExpr tuple(Cst n) {
        List<PyExpr> elts = new ArrayList<>();
        for (Cst c : named(n)) elts.add(expr(c));
        return new PyExpr.TupleExpr(List.copyOf(elts), span(n));
    }

    private PyExpr call(Cst n, Span sp) {
        PyExpr func = expr(field(n, "function"), n);
        Cst args = field(n, "arguments");
        List<PyExpr> positional = new ArrayList<>();
        List<PyExpr.Keyword> keywords = new ArrayList<>();
        if (args != null) {
            if ("generator_expression".equals(args.getType())) positional.add(expr(args));
            else arguments(args, positional, keywords);
        }
        return new PyExpr.Call(func, List.copyOf(positional), List.copyOf(keywords), sp);
    }

    /** An argument_list: positional arguments (Starred for *x), keywords (null name for **x). */
    private void arguments(Cst list, List<PyExpr> positional, List<PyExpr.Keyword> keywords) {
        for (Cst c : named(list)) {
            String ct = c.getType();
            if ("keyword_argument".equals(ct)) {
                Cst name = field(c, "name");
                keywords.add(new PyExpr.Keyword(name == null ? "" : text(name), expr(field(c, "value"), c)));
            } else if ("dictionary_splat".equals(ct)) {
                List<Cst> k = named(c);
                keywords.add(new PyExpr.Keyword(null, k.isEmpty() ? missing(c) : expr(k.get(0))));
            } else {
                positional.add(expr(c));
            }
        }
    }

    private PyExpr booleanOp(Cst n, Span sp) {
        String op = type(field(n, "operator"));
        // left-associative chains 'a and b and c' nest on the left: flatten them without recursion
        Deque<Cst> rights = new ArrayDeque<>();
        Cst cur = n;
        int guard = 0;
        while (cur != null && "boolean_operator".equals(cur.getType()) && op.equals(type(field(cur, "operator")))
                && guard++ < 10_000) {
            rights.push(field(cur, "right"));
            Cst left = field(cur, "left");
            if (left == null) { cur = null; break; }
            cur = left;
        }
        List<PyExpr> values = new ArrayList<>();
        values.add(cur == null ? missing(n) : expr(cur));
        while (!rights.isEmpty()) {
            Cst r = rights.pop();
            values.add(r == null ? missing(n) : expr(r));
        }
        return new PyExpr.BoolOp(op, List.copyOf(values), sp);
    }

    private PyExpr comparison(Cst n, Span sp) {
        List<PyExpr> operands = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = n.getChild(i);
            if ("operators".equals(n.getFieldNameForChild(i))) ops.add(c.getType().replaceAll("\\s+", " "));
            else if (c.isNamed() && !isExtraNode(c)) operands.add(expr(c));
        }
        if (operands.isEmpty()) return new PyExpr.Unsupported("comparison_operator", text(n), sp);
        while (operands.size() < ops.size() + 1) operands.add(missing(n));
        while (ops.size() < operands.size() - 1) ops.add("?");
        return new PyExpr.Compare(operands.get(0), List.copyOf(ops), List.copyOf(operands.subList(1, operands.size())), sp);
    }

    private PyExpr subscript(Cst n, Span sp) {
        PyExpr value = expr(field(n, "value"), n);
        List<Cst> subs = fieldAll(n, "subscript");
        boolean comma = hasChildOfType(n, ",");
        PyExpr index;
        if (subs.isEmpty()) index = missing(n);
        else if (subs.size() == 1 && !comma) index = expr(subs.get(0));
        else {
            List<PyExpr> elts = new ArrayList<>();
            for (Cst s : subs) elts.add(expr(s));
            index = new PyExpr.TupleExpr(List.copyOf(elts), join(span(subs.get(0)), span(subs.get(subs.size() - 1))));
        }
        return new PyExpr.Subscript(value, index, sp);
    }

    private PyExpr slice(Cst n, Span sp) {
        PyExpr[] parts = new PyExpr[3];
        int part = 0;
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = n.getChild(i);
            if (":".equals(c.getType()) && !c.isNamed()) part++;
            else if (c.isNamed() && !isExtraNode(c) && part < 3 && parts[part] == null) parts[part] = expr(c);
        }
        return new PyExpr.Slice(parts[0], parts[1], parts[2], sp);
    }

    private PyExpr dictionary(Cst n, Span sp) {
        List<PyExpr> keys = new ArrayList<>();
        List<PyExpr> values = new ArrayList<>();
        for (Cst c : named(n)) {
            String ct = c.getType();
            if ("pair".equals(ct)) {
                keys.add(expr(field(c, "key"), c));
                values.add(expr(field(c, "value"), c));
            } else if ("dictionary_splat".equals(ct)) {
                List<Cst> k = named(c);
                keys.add(null);
                values.add(k.isEmpty() ? missing(c) : expr(k.get(0)));
            } else {
                keys.add(new PyExpr.Unsupported(ct, text(c), span(c)));
                values.add(missing(c));
            }
        }
        return new PyExpr.DictExpr(Collections.unmodifiableList(keys), List.copyOf(values), sp);
    }

    private PyExpr comprehension(Cst n, String kind, Span sp) {
        Cst body = field(n, "body");
        PyExpr elt;
        PyExpr value = null;
        if ("dict".equals(kind)) {
            if (body != null && "pair".equals(body.getType())) {
                elt = expr(field(body, "key"), body);
                value = expr(field(body, "value"), body);
            } else {
                elt = expr(body, n);
                value = missing(n);
            }
        } else {
            elt = expr(body, n);
        }
        List<PyExpr> targets = new ArrayList<>();
        List<PyExpr> iters = new ArrayList<>();
        List<List<PyExpr>> ifs = new ArrayList<>();
        for (Cst c : named(n)) {
            String ct = c.getType();
            if ("for_in_clause".equals(ct)) {
                targets.add(expr(field(c, "left"), c));
                List<Cst> rights = fieldAll(c, "right");
                if (rights.size() == 1) iters.add(rhs(rights.get(0)));
                else if (rights.isEmpty()) iters.add(missing(c));
                else {
                    List<PyExpr> elts = new ArrayList<>();
                    for (Cst r : rights) elts.add(expr(r));
                    iters.add(new PyExpr.TupleExpr(List.copyOf(elts), join(span(rights.get(0)), span(rights.get(rights.size() - 1)))));
                }
                ifs.add(new ArrayList<>());
            } else if ("if_clause".equals(ct) && !ifs.isEmpty()) {
                List<Cst> k = named(c);
                ifs.get(ifs.size() - 1).add(k.isEmpty() ? missing(c) : expr(k.get(0)));
            }
        }
        List<PyExpr.Comprehension.For> gens = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            gens.add(new PyExpr.Comprehension.For(targets.get(i), iters.get(i), List.copyOf(ifs.get(i))));
        }
        return new PyExpr.Comprehension(kind, elt, value, List.copyOf(gens), sp);
    }

    // ------------------------------------------------------------------ literals

    private PyExpr integer(Cst n, Span sp) {
        String raw = text(n);
        String t = raw.replace("_", "").toLowerCase(Locale.ROOT);
        if (t.endsWith("j")) return new PyExpr.Unsupported("complex", raw, sp);
        if (t.endsWith("l")) t = t.substring(0, t.length() - 1);
        try {
            BigInteger v;
            if (t.startsWith("0x")) v = new BigInteger(t.substring(2), 16);
            else if (t.startsWith("0o")) v = new BigInteger(t.substring(2), 8);
            else if (t.startsWith("0b")) v = new BigInteger(t.substring(2), 2);
            else v = new BigInteger(t, 10);
            return new PyExpr.Constant(v.bitLength() < 64 ? (Object) v.longValue() : v, sp);
        } catch (NumberFormatException e) {
            return new PyExpr.Unsupported("integer", raw, sp);
        }
    }

    private PyExpr floating(Cst n, Span sp) {
        String raw = text(n);
        String t = raw.replace("_", "").toLowerCase(Locale.ROOT);
        if (t.endsWith("j")) return new PyExpr.Unsupported("complex", raw, sp);
        if (t.isEmpty() || t.endsWith("d") || t.endsWith("f")) return new PyExpr.Unsupported("float", raw, sp);
        try {
            return new PyExpr.Constant(Double.parseDouble(t), sp);
        } catch (NumberFormatException e) {
            return new PyExpr.Unsupported("float", raw, sp);
        }
    }

    /** The string's prefix letters, lower case ("", "r", "f", "rb", ...). */
    private String prefix(Cst str) {
        Cst start = null;
        int count = str.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = str.getChild(i);
            if ("string_start".equals(c.getType())) { start = c; break; }
        }
        String s = start == null ? text(str) : text(start);
        StringBuilder p = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '\'' || ch == '"') break;
            p.append(Character.toLowerCase(ch));
        }
        return p.toString();
    }

    private PyExpr string(Cst n, Span sp) {
        String p = prefix(n);
        if (p.contains("f") || p.contains("t") || hasChildOfType(n, "interpolation")) return new PyExpr.FString(text(n), fstringParts(n, p), sp);
        if (p.contains("b")) return new PyExpr.Unsupported("bytes", text(n), sp);
        String v = stringValue(n, p);
        return v == null ? new PyExpr.Unsupported("string", text(n), sp) : new PyExpr.Constant(v, sp);
    }

    /** The literal pieces and interpolated expressions of one f-string; null when a piece has a conversion or format spec. */
    private List<PyExpr> fstringParts(Cst n, String prefix) {
        if (prefix.contains("t")) return null; // template strings are not str
        List<PyExpr> out = new ArrayList<>();
        Span sp = span(n);
        int count = n.getChildCount();
        Integer from = null;
        for (int i = 0; i < count; i++) {
            Cst c = n.getChild(i);
            String ct = c.getType();
            if ("string_start".equals(ct)) { from = c.getEndByte(); continue; }
            if ("interpolation".equals(ct) || "string_end".equals(ct)) {
                if (from != null && c.getStartByte() > from) {
                    String raw = textBetween(from, c.getStartByte());
                    out.add(new PyExpr.Constant(prefix.contains("r") ? raw : StringEscapes.decode(raw.replace("{{", "{").replace("}}", "}")), sp));
                }
                from = c.getEndByte();
                if ("string_end".equals(ct)) break;
                PyExpr inner = null;
                for (Cst x : named(c)) {
                    String xt = x.getType();
                    if ("type_conversion".equals(xt) || "format_specifier".equals(xt)) return null;
                    if (inner == null) inner = expr(x);
                }
                if (inner == null) return null;
                out.add(inner);
            }
        }
        return out;
    }

    private String stringValue(Cst n, String prefix) {
        Cst start = null;
        Cst end = null;
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
            Cst c = n.getChild(i);
            String ct = c.getType();
            if ("string_start".equals(ct) && start == null) start = c;
            else if ("string_end".equals(ct)) end = c;
        }
        if (start == null) return null;
        int from = start.getEndByte();
        int to = end == null || end.isMissing() ? n.getEndByte() : end.getStartByte();
        String content = to > from ? textBetween(from, to) : "";
        return prefix.contains("r") ? content : StringEscapes.decode(content);
    }

    private PyExpr concatenated(Cst n, Span sp) {
        StringBuilder sb = new StringBuilder();
        boolean fstring = false;
        for (Cst c : named(n)) {
            if (!"string".equals(c.getType())) return new PyExpr.Unsupported("concatenated_string", text(n), sp);
            String p = prefix(c);
            if (p.contains("b")) return new PyExpr.Unsupported("bytes", text(n), sp);
            if (p.contains("f") || p.contains("t") || hasChildOfType(c, "interpolation")) {
                fstring = true;
                continue;
            }
            String v = stringValue(c, p);
            if (v == null) return new PyExpr.Unsupported("concatenated_string", text(n), sp);
            sb.append(v);
        }
        if (fstring) {
            List<PyExpr> parts = new ArrayList<>();
            for (Cst c : named(n)) {
                String p = prefix(c);
                String plain = p.contains("f") || hasChildOfType(c, "interpolation") ? null : stringValue(c, p);
                List<PyExpr> ps = plain != null ? List.of(new PyExpr.Constant(plain, sp)) : fstringParts(c, p);
                if (ps == null || parts == null) { parts = null; continue; }
                parts.addAll(ps);
            }
            return new PyExpr.FString(text(n), parts, sp);
        }
        return new PyExpr.Constant(sb.toString(), sp);
    }
}
