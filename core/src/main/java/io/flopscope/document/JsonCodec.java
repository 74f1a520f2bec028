package io.flopscope.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The JSON form of an analysis (schema in docs/document-format.md); lossless both ways. */
public final class JsonCodec {
    public static final String FORMAT = "flopscope-analysis/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonCodec() {}

    public static String write(ModuleAnalysis a) {
        try {
            return MAPPER.writeValueAsString(toJson(a)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode toJson(ModuleAnalysis a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("class", a.className());
        ObjectNode src = o.putObject("source");
        SourceLocation s = a.source();
        putOpt(src, "file", s.file());
        putOpt(src, "class", s.className());
        if (s.classLine() != null) src.put("class_line", s.classLine());
        if (s.init() != null) src.set("init", range(s.init()));
        if (s.forward() != null) src.set("forward", range(s.forward()));
        ArrayNode conds = o.putArray("conditions");
        a.conditions().forEach(conds::add);
        ArrayNode sk = o.putArray("skipped");
        for (SkippedBranch b : a.skipped()) {
            ObjectNode n = sk.addObject();
            ArrayNode ls = n.putArray("lines");
            b.lines().forEach(r -> ls.add(range(r)));
            n.put("reason", b.reason());
        }
        if (a.parameters() != null) {
            ArrayNode ps = o.putArray("parameters");
            for (Parameter p : a.parameters()) {
                ObjectNode n = ps.addObject();
                n.put("name", p.name());
                putOpt(n, "default", p.defaultFormula());
                n.put("keyword_only", p.keywordOnly());
                n.put("description", p.description());
            }
        }
        ArrayNode vs = o.putArray("variables");
        for (Variable v : a.variables()) {
            ObjectNode n = vs.addObject();
            n.put("name", v.name());
            putOpt(n, "formula", v.formula());
            n.put("description", v.description());
        }
        ArrayNode ks = o.putArray("kernels");
        for (Kernel k : a.kernels()) {
            ObjectNode n = ks.addObject();
            n.set("lines", range(k.lines()));
            n.put("title", k.title());
            n.put("phase", k.phase());
            putOpt(n, "code", k.code());
            n.put("type", k.type().label());
            n.put("operation", k.operation());
            n.put("analysis", k.analysis());
            n.put("flop_class", k.flopClass().label());
            n.put("flops", k.flops());
            n.put("read", k.read());
            n.put("write", k.write());
            putOpt(n, "repeat", k.repeat());
            n.put("optional", k.optional());
            n.put("justification", k.justification());
            putOpt(n, "unanalysed", k.unanalysed());
        }
        o.put("summary", a.summary());
        return o;
    }

    /** Reads a document; problems are thrown as {@link IllegalArgumentException} with the field named. */
    public static ModuleAnalysis read(String text) {
        JsonNode o;
        try {
            o = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + io.flopscope.evaluate.JsonTrees.describe(e));
        }
        if (o == null || !o.isObject()) throw new IllegalArgumentException("expected a JSON object");
        JsonNode src = o.path("source");
        SourceLocation loc = new SourceLocation(optText(src, "file"), optText(src, "class"),
                src.has("class_line") ? src.get("class_line").asInt() : null, optRange(src, "forward"), optRange(src, "init"));
        List<String> conds = new ArrayList<>();
        o.path("conditions").forEach(n -> conds.add(n.asText()));
        List<SkippedBranch> skipped = new ArrayList<>();
        for (JsonNode n : o.path("skipped")) {
            List<LineRange> ls = new ArrayList<>();
            n.path("lines").forEach(r -> ls.add(range(r)));
            skipped.add(new SkippedBranch(ls, n.path("reason").asText()));
        }
        List<Parameter> params = null;
        if (o.has("parameters")) {
            params = new ArrayList<>();
            for (JsonNode n : o.get("parameters")) {
                params.add(new Parameter(req(n, "name"), optText(n, "default"), n.path("keyword_only").asBoolean(false), n.path("description").asText("")));
            }
        }
        List<Variable> vars = new ArrayList<>();
        for (JsonNode n : o.path("variables")) vars.add(new Variable(req(n, "name"), optText(n, "formula"), n.path("description").asText("")));
        List<Kernel> kernels = new ArrayList<>();
        for (JsonNode n : o.path("kernels")) {
            kernels.add(new Kernel(range(n.path("lines")), n.path("title").asText(""), n.path("phase").asText(""), optText(n, "code"),
                    KernelType.valueOf(req(n, "type").toUpperCase(Locale.ROOT)), n.path("operation").asText(""), n.path("analysis").asText(""),
                    FlopClass.valueOf(n.path("flop_class").asText("vector").toUpperCase(Locale.ROOT)),
                    req(n, "flops"), req(n, "read"), req(n, "write"), optText(n, "repeat"), n.path("optional").asBoolean(false),
                    n.path("justification").asText(""), optText(n, "unanalysed")));
        }
        return new ModuleAnalysis(req(o, "class"), loc, conds, skipped, params, vars, kernels, o.path("summary").asText(""));
    }

    private static ArrayNode range(LineRange r) { return MAPPER.createArrayNode().add(r.start()).add(r.end()); }

    private static LineRange range(JsonNode n) {
        if (!n.isArray() || n.size() != 2) throw new IllegalArgumentException("a line range is [start, end], found " + n);
        return new LineRange(n.get(0).asInt(), n.get(1).asInt());
    }

    private static LineRange optRange(JsonNode n, String field) { return n.has(field) ? range(n.get(field)) : null; }

    private static void putOpt(ObjectNode n, String field, String v) { if (v != null) n.put(field, v); }

    private static String optText(JsonNode n, String field) { return n.hasNonNull(field) ? n.get(field).asText() : null; }

    private static String req(JsonNode n, String field) {
        if (!n.hasNonNull(field)) throw new IllegalArgumentException("missing field '" + field + "'");
        return n.get(field).asText();
    }
}
