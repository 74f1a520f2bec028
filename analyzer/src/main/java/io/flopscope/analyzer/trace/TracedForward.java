package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.emit.DocumentBuilder;
import io.flopscope.document.FlopClass;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The public result of tracing one module class's forward(): entries per line, pruned branches, parameters.
 * className names the document (a class analysed at two input ranks or with two structures has one per variant:
 * Cls, Cls_v2); sourceClass is the Python class it analyses.
 */
public record TracedForward(String className, String sourceClass, String module, List<String> params, List<DocumentBuilder.Entry> entries,
                            List<int[]> skippedLines, List<String> skippedReasons, List<String> conditions, java.util.Map<String, String> inputs,
                            java.util.Map<String, Size> sizes) {

    /** A size the module holds (self.NAME): its formula over the config's fields and the line that set it (0: unknown). */
    public record Size(String formula, int line) {}

    /** What a tensor input is, in words: its shape and element type (no backticks: prose in the Variables section). */
    static String describeInput(Value.TensorV t) {
        String type = switch (t.dtype()) {
            case ACTIVATION -> "activations, a_bytes per element";
            case WEIGHT -> "weights, w_bytes per element";
            case KV -> "KV cache, kv_bytes per element";
            case INT64 -> "int64";
            case INT32 -> "int32";
            case BOOL -> "bool";
            case FLOAT32 -> "float32";
            case COMPLEX64 -> "complex64";
            case WEIGHT_COPY -> "a copy of weights, wcopy_bytes per element";
        };
        return "forward input of shape " + ExprText.shape(t.shape()) + " (" + type + ")";
    }

    /** ${Callee}(name=value, ...): for a traced class only its settled parameters, for a library analysis every argument. */
    static String render(Recorder.Event e, java.util.Map<String, List<String>> paramsOf) {
        StringBuilder sb = new StringBuilder("${").append(e.callee()).append("}(");
        List<String> keep = e.moduleCall() ? paramsOf.getOrDefault(e.callee(), List.of()) : null;
        boolean first = true;
        for (var a : e.args().entrySet()) {
            if (keep != null && !keep.contains(a.getKey())) continue;
            if (!first) sb.append(", ");
            first = false;
            sb.append(a.getKey()).append('=').append(a.getValue().toFormula());
        }
        return sb.append(')').toString();
    }

    /** A call in words: the callee, the shapes of the inputs its analysis is bound to (from its NAME_dimI arguments). */
    static String calls(Recorder.Event e) {
        java.util.Map<String, java.util.TreeMap<Integer, String>> shapes = new java.util.LinkedHashMap<>();
        if (e.args() != null) {
            for (var a : e.args().entrySet()) {
                java.util.regex.Matcher m = DocumentBuilder.DIM.matcher(a.getKey());
                if (m.matches()) shapes.computeIfAbsent(m.group(1), x -> new java.util.TreeMap<>()).put(Integer.parseInt(m.group(2)), a.getValue().toFormula());
            }
        }
        StringBuilder sb = new StringBuilder("Calls ").append(Interpreter.shortName(e.callee()));
        List<String> inputs = new ArrayList<>();
        for (var s : shapes.entrySet()) {
            // only a complete shape (dimensions 0..n-1) is stated; a partial one would mislead
            if (s.getValue().firstKey() != 0 || s.getValue().lastKey() != s.getValue().size() - 1) continue;
            inputs.add(s.getKey() + " of shape [" + String.join(", ", s.getValue().values()) + "]");
        }
        if (!inputs.isEmpty()) sb.append(" on ").append(String.join(" and ", inputs));
        return sb.append("; its cost is that module's analysis").toString();
    }

    static TracedForward of(Recorder r, String sourceClass, String module, List<String> params, java.util.Map<String, List<String>> paramsOf) {
        List<DocumentBuilder.Entry> entries = new ArrayList<>();
        List<Recorder.StmtRecord> stmts = new ArrayList<>(r.stmts.values());
        stmts.sort(Comparator.comparingInt((Recorder.StmtRecord s) -> s.startLine).thenComparingInt(s -> s.endLine));
        for (Recorder.StmtRecord s : stmts) {
            String extra = s.inlined.isEmpty() ? "" : " Inlined: " + String.join(", ", s.inlined) + ".";
            if (s.unanalysed != null) {
                entries.add(new DocumentBuilder.Entry(s.startLine, s.endLine, "unanalysed", "unanalysed", s.unanalysed, FlopClass.VECTOR,
                        Poly.ZERO, Poly.ZERO, Poly.ZERO, null, Poly.ONE, s.unanalysed));
                continue;
            }
            if (s.events.isEmpty()) {
                String why = s.notes.isEmpty() ? "no tensor operation" : String.join("; ", s.notes);
                entries.add(new DocumentBuilder.Entry(s.startLine, s.endLine, "no kernel", "none", why + "." + extra, FlopClass.VECTOR,
                        Poly.ZERO, Poly.ZERO, Poly.ZERO, null, Poly.ONE, null));
                continue;
            }
            for (Recorder.Event e : s.events) {
                String analysis = (e.analysis() == null ? (e.composite() ? calls(e) : "") : e.analysis()) + "." + extra;
                entries.add(new DocumentBuilder.Entry(s.startLine, s.endLine, e.title(), e.operation(), analysis.replace("..", "."), e.flopClass(),
                        e.flops(), e.read(), e.write(), e.composite() ? render(e, paramsOf) : null, e.multiplier(), null));
            }
        }
        List<int[]> lines = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Recorder.Skipped k : r.skipped) { lines.add(new int[] {k.startLine(), k.endLine()}); reasons.add(k.reason()); }
        java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
        for (var e : r.inputs.entrySet()) inputs.put(e.getKey(), describeInput(e.getValue()));
        java.util.Map<String, Size> sizes = new java.util.LinkedHashMap<>();
        for (var e : r.sizes.entrySet()) sizes.put(e.getKey(), new Size(e.getValue().value().toFormula(), e.getValue().line()));
        return new TracedForward(r.className, sourceClass, module, params, entries, lines, reasons, List.copyOf(r.conditions), inputs, sizes);
    }
}
