package io.flopscope.document;

import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an analysis document in the seed's Markdown structure. Tolerant of how people write it
 * (bold or plain labels, one-line "Read: 0, Write: 0", bullet lists of terms, trailing comments),
 * strict about formulas: each one must parse, and a problem is reported at its line.
 */
public final class MarkdownReader {
    private static final Pattern TITLE = Pattern.compile("^#\\s+(?:Computational\\s+)?Cost\\s+Analysis\\s*:\\s*`?([\\w.]+)`?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern H2 = Pattern.compile("^##\\s+(.*?)\\s*$");
    private static final Pattern H3 = Pattern.compile("^###\\s+(.*?)\\s*$");
    private static final Pattern KERNEL = Pattern.compile("^(?:\\*\\*|#{3,4}\\s+)Lines?\\s+(\\d+)(?:\\s*[-–]\\s*(\\d+))?\\s*(?::\\s*(.*?))?\\s*(?:\\*\\*)?\\s*$");
    private static final Pattern FIELD = Pattern.compile("^[-*]\\s+(?:\\*\\*)?([A-Za-z][A-Za-z /_-]*?)(?::\\*\\*|\\*\\*\\s*:|:)\\s*(.*)$");
    private static final Pattern SUB = Pattern.compile("^\\s{2,}[-*]\\s+(.*)$");
    private static final Pattern READ_WRITE = Pattern.compile("^Read\\s*:\\s*(.*?)\\s*[,;]\\s*Write\\s*:\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern LABELLED = Pattern.compile("^(Read|Write)\\s*:\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    /** A formula of one phase in an entry that gives both ("Prefill: ...", "Read, decode: ..."). */
    private static final Pattern PHASE_TERM = Pattern.compile("^(?:(Read|Write)\\s*,\\s*)?(Prefill|Decode)\\s*:\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern VAR_BOUND = Pattern.compile("^[-*]\\s+`([A-Za-z_][\\w.]*)`\\s*=\\s*`([^`]+)`\\s*(?:[:—-]\\s*(.*))?$");
    private static final Pattern VAR_PROSE = Pattern.compile("^[-*]\\s+`([A-Za-z_][\\w.]*)`\\s*(?::\\s*)?(.*)$");
    private static final Pattern BACKTICK = Pattern.compile("`([^`]+)`");
    private static final Pattern SKIP = Pattern.compile("(?i)\\bskip(?:ped)?\\b[^.]*?(standard inference|default inference|\\bif\\b)");
    private static final Pattern CLASS_LINE = Pattern.compile("`?([\\w.]+)`?\\s*\\(line\\s+(\\d+)\\)", Pattern.CASE_INSENSITIVE);

    private final String file;
    private final String[] lines;
    private final List<Diagnostic> problems = new ArrayList<>();

    private String className;
    private int titleLine;
    private String srcFile;
    private String srcClass;
    private Integer classLine;
    private LineRange forward;
    private LineRange init;
    private final List<String> conditions = new ArrayList<>();
    private final List<SkippedBranch> skipped = new ArrayList<>();
    private List<Parameter> parameters;
    private int parametersLine;
    private final List<Variable> variables = new ArrayList<>();
    private final Map<String, Integer> variableLines = new LinkedHashMap<>();
    private final List<Kernel> kernels = new ArrayList<>();
    private final List<DocumentPositions.KernelPositions> kernelPositions = new ArrayList<>();
    private final StringBuilder summary = new StringBuilder();

    private KernelBuilder current;

    private MarkdownReader(String file, String text) {
        this.file = file;
        this.lines = text.split("\\R", -1);
    }

    public static ParsedDocument read(String file, String text) {
        MarkdownReader r = new MarkdownReader(file, text);
        r.run();
        return r.result();
    }

    private void run() {
        String section = "";
        String subsection = "";
        String phase = "";
        boolean inFence = false;
        StringBuilder fence = null;
        String marker = "```"; // a fence closes with as many backticks as opened it (CommonMark), so code may hold ```
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            String st = line.strip();
            if (inFence ? st.equals(marker) || (st.startsWith(marker) && st.replace("`", "").isEmpty() && st.length() >= marker.length()) : st.startsWith("```")) {
                if (!inFence) {
                    inFence = true;
                    fence = new StringBuilder();
                    int n = 0;
                    while (n < st.length() && st.charAt(n) == '`') n++;
                    marker = "`".repeat(n);
                } else {
                    inFence = false;
                    if (current != null && current.code == null) current.code = stripTrailingNewline(fence.toString());
                    else if (section.startsWith("parameters")) readSignature(fence.toString().strip(), lineNo);
                }
                continue;
            }
            if (inFence) { fence.append(line).append('\n'); continue; }
            Matcher m;
            if ((m = TITLE.matcher(line)).matches()) { className = m.group(1); titleLine = lineNo; continue; }
            if (line.startsWith("# ") && className == null) {
                problems.add(new Diagnostic(Severity.ERROR, file, lineNo, 1, "title must read '# Computational Cost Analysis: fully.qualified.Class'"));
                continue;
            }
            if ((m = H2.matcher(line)).matches()) {
                finishKernel();
                section = m.group(1).toLowerCase(Locale.ROOT);
                subsection = "";
                continue;
            }
            if ((m = H3.matcher(line)).matches() && !KERNEL.matcher(line).matches()) {
                finishKernel();
                subsection = m.group(1).toLowerCase(Locale.ROOT);
                if (section.startsWith("line-by-line")) phase = m.group(1);
                continue;
            }
            if (section.startsWith("source code location")) readLocation(line, lineNo);
            else if (section.startsWith("inference")) {
                if (subsection.startsWith("skipped")) readSkipped(line, lineNo);
                else if (line.matches("^[-*]\\s+.*")) conditions.add(line.replaceFirst("^[-*]\\s+", "").strip());
            } else if (section.startsWith("parameters") && !section.startsWith("parameter reference")) {
                readParameterLine(line, lineNo);
            } else if (section.startsWith("variable")) readVariable(line, lineNo);
            else if (section.startsWith("line-by-line")) readKernelLine(line, lineNo, phase);
            else if (section.startsWith("summary")) summary.append(line).append('\n');
        }
        finishKernel();
        if (inFence) problems.add(new Diagnostic(Severity.ERROR, file, lines.length, 0, "code block is not closed"));
        if (className == null) problems.add(new Diagnostic(Severity.ERROR, file, 1, 1, "no title '# Computational Cost Analysis: fully.qualified.Class' found"));
    }

    private ParsedDocument result() {
        if (className == null) return new ParsedDocument(file, null, DocumentPositions.NONE, problems);
        SourceLocation loc = new SourceLocation(srcFile, srcClass, classLine, forward, init);
        ModuleAnalysis a = new ModuleAnalysis(className, loc, conditions, skipped, parameters, variables, kernels, summary.toString().strip());
        DocumentPositions pos = new DocumentPositions(titleLine, parametersLine, variableLines, kernelPositions);
        return new ParsedDocument(file, a, pos, problems);
    }

    // ---- sections -------------------------------------------------------------------------

    private void readLocation(String line, int lineNo) {
        Matcher f = FIELD.matcher(line);
        if (!f.matches()) return;
        String label = f.group(1).strip().toLowerCase(Locale.ROOT);
        String value = f.group(2).strip();
        switch (label) {
            case "file" -> srcFile = value.replace("`", "").strip();
            case "class" -> {
                Matcher c = CLASS_LINE.matcher(value);
                if (c.find()) { srcClass = c.group(1); classLine = Integer.parseInt(c.group(2)); }
                else srcClass = value.replace("`", "").strip();
            }
            case "forward method", "forward" -> forward = firstRange(value, lineNo, "forward method");
            case "init method", "__init__", "init" -> init = firstRange(value, lineNo, "init method");
            default -> { }
        }
    }

    private LineRange firstRange(String value, int lineNo, String what) {
        List<LineRange> r = LineRange.parseList(value);
        if (r.isEmpty()) {
            problems.add(Diagnostic.warning(file, lineNo, "no line range found for the " + what + ": '" + value + "'"));
            return null;
        }
        return r.get(0);
    }

    private void readSkipped(String line, int lineNo) {
        if (!line.matches("^[-*]\\s+.*")) return;
        String text = line.replaceFirst("^[-*]\\s+", "").strip();
        Matcher f = FIELD.matcher(line);
        String reason = text;
        String where = text;
        if (f.matches()) { reason = f.group(1).strip(); where = f.group(2); }
        Matcher lm = Pattern.compile("(?i)lines?\\s+([\\d\\s,–-]+)").matcher(where);
        List<LineRange> ranges = lm.find() ? LineRange.parseList(lm.group(1)) : List.of();
        if (ranges.isEmpty()) problems.add(Diagnostic.warning(file, lineNo, "skipped branch without line numbers: '" + text + "'"));
        String rest = where.replaceFirst("(?i)^\\s*lines?\\s+[\\d\\s,–-]+", "").replaceFirst("^[:\\s]+", "").strip();
        if (!rest.isEmpty()) reason = reason.equals(where) ? rest : reason + " " + rest;
        skipped.add(new SkippedBranch(ranges, reason.strip()));
    }

    private void readParameterLine(String line, int lineNo) {
        Matcher m = Pattern.compile("^`(\\(.*\\))`\\s*$").matcher(line.strip());
        if (m.matches()) { readSignature(m.group(1), lineNo); return; }
        if (parameters == null) return;
        Matcher v = VAR_PROSE.matcher(line);
        if (v.matches()) {
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                if (p.name().equals(v.group(1))) parameters.set(i, new Parameter(p.name(), p.defaultFormula(), p.keywordOnly(), v.group(2).strip()));
            }
        }
    }

    /** "(in_features, out_features, bias=True, *, tokens=batch_size * seq_len)". */
    private void readSignature(String sig, int lineNo) {
        parametersLine = lineNo;
        parameters = new ArrayList<>();
        String inner = sig.strip();
        if (inner.startsWith("(") && inner.endsWith(")")) inner = inner.substring(1, inner.length() - 1);
        boolean kwOnly = false;
        for (String part : splitTopLevel(inner)) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (p.equals("*")) { kwOnly = true; continue; }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).strip();
            String def = eq < 0 ? null : p.substring(eq + 1).strip();
            if (!name.matches("[A-Za-z_]\\w*")) {
                problems.add(Diagnostic.error(file, lineNo, "bad parameter name '" + name + "' in the signature"));
                continue;
            }
            if (def != null) {
                FormulaText.Cleaned c = FormulaText.clean(def);
                if (c.error() != null) problems.add(new Diagnostic(Severity.ERROR, file, lineNo, 0, "default of parameter '" + name + "': " + c.error().getMessage()));
                def = c.formula();
            }
            parameters.add(new Parameter(name, def, kwOnly, ""));
        }
    }

    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) { out.add(s.substring(from, i)); from = i + 1; }
        }
        out.add(s.substring(from));
        return out;
    }

    private void readVariable(String line, int lineNo) {
        Matcher b = VAR_BOUND.matcher(line);
        if (b.matches()) {
            FormulaText.Cleaned c = FormulaText.clean(b.group(2));
            if (c.error() != null) {
                problems.add(new Diagnostic(Severity.ERROR, file, lineNo, 0, "binding of '" + b.group(1) + "': " + c.error().getMessage()));
            }
            addVariable(new Variable(b.group(1), c.formula(), b.group(3) == null ? "" : b.group(3).strip()), lineNo);
            return;
        }
        Matcher p = VAR_PROSE.matcher(line);
        if (!p.matches()) return;
        String desc = p.group(2).strip();
        addVariable(new Variable(p.group(1), bindingFromProse(desc), desc), lineNo);
    }

    private void addVariable(Variable v, int lineNo) {
        if (variableLines.containsKey(v.name())) {
            // a later, bound definition wins over prose; two bindings are a conflict
            int idx = -1;
            for (int i = 0; i < variables.size(); i++) if (variables.get(i).name().equals(v.name())) idx = i;
            Variable old = variables.get(idx);
            if (old.formula() != null && v.formula() != null && !old.formula().equals(v.formula())) {
                problems.add(Diagnostic.error(file, lineNo, "variable '" + v.name() + "' is bound twice (first at line " + variableLines.get(v.name()) + ")"));
            }
            if (v.formula() != null) { variables.set(idx, v); variableLines.put(v.name(), lineNo); }
            return;
        }
        variables.add(v);
        variableLines.put(v.name(), lineNo);
    }

    /**
     * A binding people write in prose: "(line 897: `self.embed_dim = config.hidden_size`)", "`hidden_size / num_heads`",
     * "`range(config.n_layer)`". Only spans that parse as formulas count.
     */
    static String bindingFromProse(String desc) {
        Matcher m = BACKTICK.matcher(desc);
        while (m.find()) {
            String span = m.group(1).strip();
            int eq = span.indexOf('=');
            if (eq > 0 && span.charAt(eq - 1) != '=' && !span.startsWith("==", eq) && span.charAt(eq - 1) != '!') {
                span = span.substring(eq + 1).strip();
            }
            Matcher range = Pattern.compile("^range\\((.*)\\)$").matcher(span);
            if (range.matches()) span = range.group(1);
            boolean hasOperatorOrConfig = span.startsWith("config.") || span.matches(".*[-+*/()].*");
            if (!hasOperatorOrConfig) continue;
            FormulaText.Cleaned c = FormulaText.clean(span);
            if (c.error() == null && c.comments().isEmpty()) return c.formula();
        }
        return null;
    }

    // ---- kernels --------------------------------------------------------------------------

    private static final class KernelBuilder {
        LineRange lines;
        String title = "";
        String phase = "";
        String code;
        String typeText;
        int typeLine;
        String operation = "";
        StringBuilder analysis = new StringBuilder();
        String flopClass;
        List<String> flops = new ArrayList<>();
        List<String> read = new ArrayList<>();
        List<String> write = new ArrayList<>();
        String repeat;
        boolean optional;
        StringBuilder justification = new StringBuilder();
        /** null: both phases alike; "prefill" or "decode": that phase only; "both": each phase's formulas given. */
        String phaseMode;
        final java.util.Map<String, List<String>> phaseTerms = new java.util.HashMap<>();
        final java.util.Map<String, StringBuilder> phaseAnalysis = new java.util.LinkedHashMap<>();
        String field;
        boolean inJustification;
        int heading, flopsLine, readLine, writeLine, repeatLine;
        String status = "";
    }

    private void readKernelLine(String line, int lineNo, String phase) {
        Matcher k = KERNEL.matcher(line);
        if (k.matches()) {
            finishKernel();
            current = new KernelBuilder();
            int a = Integer.parseInt(k.group(1));
            int b = k.group(2) == null ? a : Integer.parseInt(k.group(2));
            if (b < a) {
                problems.add(Diagnostic.error(file, lineNo, "line range " + a + "-" + b + " ends before it starts"));
                b = a;
            }
            current.lines = new LineRange(Math.max(1, a), Math.max(Math.max(1, a), b));
            current.title = k.group(3) == null ? "" : k.group(3).replaceAll("\\*+$", "").strip();
            current.phase = phase;
            current.heading = lineNo;
            return;
        }
        if (current == null) return;
        if (line.strip().matches("^\\*\\*Parameter Justification.*")) {
            current.inJustification = true;
            current.justification.append(line.strip()).append('\n');
            return;
        }
        if (current.inJustification) {
            if (!line.isBlank()) current.justification.append(line.strip()).append('\n');
            return;
        }
        Matcher f = FIELD.matcher(line);
        if (f.matches() && !line.startsWith(" ")) {
            String label = f.group(1).strip().toLowerCase(Locale.ROOT);
            String value = f.group(2).strip();
            current.field = label;
            switch (label) {
                case "kernel type" -> { current.typeText = value; current.typeLine = lineNo; }
                case "operation" -> current.operation = value;
                case "analysis" -> current.analysis.append(value);
                case "flop class" -> current.flopClass = value;
                case "flops" -> { current.flopsLine = lineNo; addTerm(current.flops, value, lineNo); }
                case "memory access" -> {
                    current.readLine = current.writeLine = lineNo;
                    readMemory(value, lineNo);
                }
                case "read" -> { current.readLine = lineNo; addTerm(current.read, value, lineNo); }
                case "write" -> { current.writeLine = lineNo; addTerm(current.write, value, lineNo); }
                case "repeat" -> { current.repeatLine = lineNo; current.repeat = cleanFormula(value, lineNo, "repeat"); }
                case "phase" -> readPhase(value, lineNo);
                case "status" -> current.status = value;
                default -> problems.add(Diagnostic.warning(file, lineNo, "unknown kernel field '" + f.group(1).strip() + "' is ignored"));
            }
            return;
        }
        Matcher s = SUB.matcher(line);
        if (s.matches() && current.field != null) {
            String value = s.group(1).strip();
            Matcher pt = PHASE_TERM.matcher(value);
            if (pt.matches() && readPhaseTerm(pt, lineNo)) return;
            switch (current.field) {
                case "analysis" -> current.analysis.append('\n').append("- ").append(value);
                case "flops" -> addTerm(current.flops, value, lineNo);
                case "memory access" -> readMemory(value, lineNo);
                case "read" -> addTerm(current.read, value, lineNo);
                case "write" -> addTerm(current.write, value, lineNo);
                default -> { }
            }
            return;
        }
        if (!line.isBlank() && "analysis".equals(current.field) && !line.startsWith("-")) {
            current.analysis.append('\n').append(line.strip());
        }
    }

    private void readPhase(String value, int lineNo) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.startsWith("prefill only")) current.phaseMode = "prefill";
        else if (v.startsWith("decode only")) current.phaseMode = "decode";
        else if (v.startsWith("prefill and decode") || v.startsWith("both")) current.phaseMode = "both";
        else problems.add(Diagnostic.error(file, lineNo, "Phase must be 'prefill only', 'decode only' or 'prefill and decode', found '" + value + "'"));
    }

    /** "Prefill: f" under FLOPs, Memory Access (both read and write) or Analysis; "Read, decode: f" under Memory Access. */
    private boolean readPhaseTerm(Matcher pt, int lineNo) {
        String phase = pt.group(2).toLowerCase(Locale.ROOT), rw = pt.group(1) == null ? null : pt.group(1).toLowerCase(Locale.ROOT);
        String value = pt.group(3).strip();
        switch (current.field) {
            case "analysis" -> {
                if (rw != null) return false;
                current.phaseAnalysis.computeIfAbsent(phase, x -> new StringBuilder()).append(value);
            }
            case "flops" -> {
                if (rw != null) return false;
                addTerm(current.phaseTerms.computeIfAbsent("flops " + phase, x -> new ArrayList<>()), value, lineNo);
            }
            case "memory access" -> {
                if (rw == null || rw.equals("read")) addTerm(current.phaseTerms.computeIfAbsent("read " + phase, x -> new ArrayList<>()), value, lineNo);
                if (rw == null || rw.equals("write")) addTerm(current.phaseTerms.computeIfAbsent("write " + phase, x -> new ArrayList<>()), value, lineNo);
            }
            default -> { return false; }
        }
        return true;
    }

    private void readMemory(String value, int lineNo) {
        if (value.isEmpty()) return;
        Matcher rw = READ_WRITE.matcher(value);
        if (rw.matches()) {
            addTerm(current.read, rw.group(1), lineNo);
            addTerm(current.write, rw.group(2), lineNo);
            current.readLine = current.writeLine = lineNo;
            return;
        }
        Matcher l = LABELLED.matcher(value);
        if (l.matches()) {
            if (l.group(1).equalsIgnoreCase("read")) { current.readLine = lineNo; addTerm(current.read, l.group(2), lineNo); }
            else { current.writeLine = lineNo; addTerm(current.write, l.group(2), lineNo); }
            return;
        }
        // an unlabelled term (typically a module reference) stands for both read and write
        addTerm(current.read, value, lineNo);
        addTerm(current.write, value, lineNo);
    }

    private void addTerm(List<String> target, String raw, int lineNo) {
        if (raw.isBlank()) return;
        String f = cleanFormula(raw, lineNo, "formula");
        if (f != null) target.add(f);
    }

    private String cleanFormula(String raw, int lineNo, String what) {
        FormulaText.Cleaned c = FormulaText.clean(raw);
        if (c.error() != null) {
            int col = indexOfRaw(lineNo, raw) + c.offset() + c.error().column() + 1;
            problems.add(new Diagnostic(Severity.ERROR, file, lineNo, Math.max(col, 1), what + " does not parse: " + c.error().getMessage()));
            return null;
        }
        for (String comment : c.comments()) lintComment(c.formula(), comment, lineNo);
        return c.formula();
    }

    private int indexOfRaw(int lineNo, String raw) {
        int idx = lines[lineNo - 1].indexOf(raw.strip());
        return Math.max(idx, 0);
    }

    /** A comment that contradicts its formula: "seq_len * 4 bytes (assuming int32/long dtype)". */
    private void lintComment(String formula, String comment, int lineNo) {
        String c = comment.toLowerCase(Locale.ROOT);
        if ((c.contains("long") || c.contains("int64")) && formula.matches(".*(^|[^\\w.])4([^\\w.]|$).*")) {
            problems.add(Diagnostic.warning(file, lineNo, "torch.long (int64) takes 8 bytes per element, not 4: '" + formula + "' (" + comment + ")"));
        }
    }

    private void finishKernel() {
        KernelBuilder b = current;
        current = null;
        if (b == null) return;
        KernelType type = KernelType.BASIC;
        String t = b.typeText == null ? "" : b.typeText.toLowerCase(Locale.ROOT);
        if (b.typeText == null) problems.add(Diagnostic.warning(file, b.heading, "kernel at line " + b.lines + " has no Kernel Type; taken as basic"));
        else if (t.contains("composite")) type = KernelType.COMPOSITE;
        else if (!t.contains("basic")) problems.add(Diagnostic.error(file, b.typeLine, "kernel type must be 'basic' or 'composite', found '" + b.typeText + "'"));
        String analysis = b.analysis.toString().strip();
        String status = b.status.toLowerCase(Locale.ROOT);
        String unanalysed = status.startsWith("unanalysed") ? b.status.replaceFirst("(?i)^unanalysed\\s*:?\\s*", "") : null;
        boolean optional = status.isEmpty() ? SKIP.matcher(analysis).find() : status.contains("skip");
        FlopClass fc = null;
        if (b.flopClass != null) {
            String v = b.flopClass.toLowerCase(Locale.ROOT);
            if (v.startsWith("matmul")) fc = FlopClass.MATMUL;
            else if (v.startsWith("vector")) fc = FlopClass.VECTOR;
            else problems.add(Diagnostic.error(file, b.heading, "FLOP class must be 'matmul' or 'vector', found '" + b.flopClass + "'"));
        }
        if (fc == null) fc = FlopClassifier.infer(b.operation + " " + b.title, b.code);
        if (b.flops.isEmpty() && b.flopsLine == 0) problems.add(Diagnostic.error(file, b.heading, "kernel at line " + b.lines + " has no FLOPs"));
        if (b.read.isEmpty() && b.readLine == 0) problems.add(Diagnostic.error(file, b.heading, "kernel at line " + b.lines + " has no memory access (Read/Write)"));
        if (!b.phaseTerms.isEmpty() && !"both".equals(b.phaseMode)) {
            problems.add(Diagnostic.error(file, b.heading, "kernel at line " + b.lines + " gives formulas per phase without 'Phase: prefill and decode'"));
        }
        if (!"both".equals(b.phaseMode) && !b.phaseAnalysis.isEmpty()) {
            // prose bullets that begin "Prefill:" in an entry of both phases alike: kept as written
            StringBuilder a = new StringBuilder(analysis);
            for (var e : b.phaseAnalysis.entrySet()) a.append("\n- ").append(Character.toUpperCase(e.getKey().charAt(0))).append(e.getKey().substring(1)).append(": ").append(e.getValue());
            analysis = a.toString().strip();
            b.phaseAnalysis.clear();
        }
        List<String> phases = "both".equals(b.phaseMode) ? List.of("prefill", "decode") : java.util.Collections.singletonList(b.phaseMode);
        for (String ph : phases) {
            String repeat = ph == null ? b.repeat : PhaseWeight.weighted(ph, b.repeat);
            String text = ph != null && b.phaseAnalysis.containsKey(ph) ? (analysis + " " + b.phaseAnalysis.get(ph)).strip() : analysis;
            kernels.add(new Kernel(b.lines, b.title, b.phase, b.code, type, b.operation, text, fc,
                    sum(plus(b.flops, b, "flops " + ph)), sum(plus(b.read, b, "read " + ph)), sum(plus(b.write, b, "write " + ph)), repeat,
                    optional && unanalysed == null, b.justification.toString().strip(), unanalysed));
            kernelPositions.add(new DocumentPositions.KernelPositions(b.heading, b.flopsLine, b.readLine, b.writeLine, b.repeatLine));
        }
    }

    /** The terms every phase shares and those of one phase. */
    private static List<String> plus(List<String> common, KernelBuilder b, String key) {
        List<String> own = b.phaseTerms.get(key);
        if (own == null) return common;
        List<String> all = new ArrayList<>(common);
        all.addAll(own);
        return all;
    }

    private static String sum(List<String> terms) {
        if (terms.isEmpty()) return "0";
        if (terms.size() == 1) return terms.get(0);
        StringBuilder sb = new StringBuilder();
        for (String t : terms) {
            if (sb.length() > 0) sb.append(" + ");
            sb.append(needsParens(t) ? "(" + t + ")" : t);
        }
        return sb.toString();
    }

    private static boolean needsParens(String t) {
        int depth = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(' || c == '{') depth++;
            else if (c == ')' || c == '}') depth--;
            else if (depth == 0 && (c == '+' || (c == '-' && i > 0))) return true;
        }
        return false;
    }

    private static String stripTrailingNewline(String s) { return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s; }
}
