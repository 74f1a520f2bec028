package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.document.FlopClass;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what one traced forward() did, statement by statement: cost events, zero-cost reasons,
 * unanalysed lines and pruned branches. A discarding recorder (for re-traces that only need the
 * return value) records nothing.
 */
final class Recorder {
    /**
     * One cost: basic (formulas) or composite (a call of another analysis: callee with its arguments).
     * moduleCall marks calls of traced source classes, whose parameter lists are settled after tracing.
     */
    record Event(String title, String operation, FlopClass flopClass, Poly flops, Poly read, Poly write,
                 String callee, Map<String, Poly> args, boolean moduleCall, Poly multiplier, String analysis) {
        boolean composite() { return callee != null; }

        Event substitute(java.util.function.Function<String, Poly> s) {
            Map<String, Poly> a = null;
            if (args != null) { a = new LinkedHashMap<>(); for (var e : args.entrySet()) a.put(e.getKey(), e.getValue().substitute(s)); }
            return new Event(title, operation, flopClass, flops.substitute(s), read.substitute(s), write.substitute(s), callee, a, moduleCall,
                    multiplier.substitute(s), analysis);
        }
    }

    static final class StmtRecord {
        final PyStmt stmt;
        final int startLine;
        final int endLine;
        final List<Event> events = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> inlined = new ArrayList<>();
        String unanalysed;

        StmtRecord(PyStmt stmt, int startLine, int endLine) { this.stmt = stmt; this.startLine = startLine; this.endLine = endLine; }
    }

    record Skipped(int startLine, int endLine, String reason) {}

    final String className;
    final String file;
    final boolean discard;
    final Map<String, StmtRecord> stmts = new LinkedHashMap<>();
    final List<Skipped> skipped = new ArrayList<>();
    final List<String> conditions = new ArrayList<>();
    /** The forward's tensor inputs as the trace received them, by parameter name (for the document's variables). */
    final Map<String, Value.TensorV> inputs = new LinkedHashMap<>();
    /** A size the module holds as an attribute: its value over the config's fields, and the line that set it. */
    record Size(Poly value, int line) {}
    /** The module's attributes that hold sizes from the config, by name. */
    final Map<String, Size> sizes = new LinkedHashMap<>();
    StmtRecord current;

    Recorder(String className, String file, boolean discard) {
        this.className = className;
        this.file = file;
        this.discard = discard;
    }

    static Recorder discarding() { return new Recorder("<discard>", null, true); }

    /** Discards costs but keeps conditions: an __init__'s decisions (ACT2FN[config.hidden_act]) belong to its class's analysis. */
    static Recorder conditionsOnly() {
        Recorder r = new Recorder("<init>", null, true);
        r.keepConditions = true;
        return r;
    }

    private boolean keepConditions;

    /** Enters a statement of this forward; compound statements record their header lines only. */
    StmtRecord enter(PyStmt s, int headerEnd) {
        Span sp = s.span();
        String key = sp.startLine() + ":" + sp.startCol();
        StmtRecord r = stmts.get(key);
        if (r == null) {
            r = new StmtRecord(s, sp.startLine(), Math.max(sp.startLine(), headerEnd));
            if (!discard) stmts.put(key, r);
        }
        current = r;
        return r;
    }

    void event(Event e) {
        if (discard || current == null) return;
        if (e.multiplier().isZero()) return;
        current.events.add(e);
    }

    void note(String reason) {
        if (discard || current == null) return;
        if (!current.notes.contains(reason)) current.notes.add(reason);
    }

    void inlined(String what) {
        if (discard || current == null) return;
        if (!current.inlined.contains(what)) current.inlined.add(what);
    }

    void unanalysed(String reason) {
        if (discard || current == null) return;
        if (current.unanalysed == null) current.unanalysed = reason;
    }

    void skip(Span span, String reason) {
        if (discard || span == null || span.startLine() <= 0) return;
        skipped.add(new Skipped(span.startLine(), Math.max(span.startLine(), span.endLine()), reason));
    }

    void condition(String c) {
        if ((!discard || keepConditions) && !conditions.contains(c)) conditions.add(c);
    }
}
