package io.flopscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Rational;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** --class --config --set: what the source analyzer needs besides SOURCE. */
final class SourceOptions {
    @Option(names = "--class", paramLabel = "NAME", description = "Root module class: fully qualified, or a bare name within one file.")
    String className;

    @Option(names = "--config", paramLabel = "FILE", description = "A config.json whose values override the config class's defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a config value (int, float, true/false, none, or text); repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--setup", paramLabel = "CALL", description = "A method called on the model before forward, e.g. \"setup_caches(max_batch_size=batch_size, max_seq_length=64)\".")
    String setup;

    @Option(names = "--config-class", paramLabel = "NAME", description = "The config class a plain model is built from (a dataclass of the source, "
            + "fully qualified or in the model's file), when FlopScope does not find it.")
    String configClass;

    @Option(names = "--input", paramLabel = "NAME=VALUE", description = "Another forward input, repeatable: an int64 tensor of comma-separated dims (input_pos=seq_len), "
            + "arange(START,END) positions with known values, float(dims) a tensor of the activations' dtype, int(EXPR) a Python int (start_pos=int(cache_len); a bare EXPR where forward annotates it int), "
            + "[EXPR]*N a list (seqlens=[seq_len]*batch_size), None/True/False.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--experts", paramLabel = "IMPL", description = "The experts implementation of a transformers 5.x mixture of experts: "
            + "grouped_mm (default, as transformers picks), batched_mm or eager (a GEMM per hit expert on a copy of its weights).")
    String experts;

    static Map<String, Object> readConfig(Path p) {
        if (p == null) return Map.of();
        try {
            JsonNode n = new ObjectMapper().readTree(Files.readString(p));
            if (n == null || !n.isObject()) throw UserError.failed(p + ": a config.json must hold a JSON object");
            Map<String, Object> out = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> out.put(e.getKey(), scalar(e.getValue())));
            return out;
        } catch (IOException e) {
            throw UserError.failed("cannot read " + p + ": " + IoMessages.reason(e));
        }
    }

    static Map<String, Object> fromJson(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), scalar(e.getValue())));
        return out;
    }

    private static Object scalar(JsonNode v) {
        if (v.isNull()) return null;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber()) return v.asLong();
        if (v.isNumber()) return v.asDouble();
        if (v.isTextual()) return v.asText();
        return new Object(); // lists and objects do not steer the path here
    }

    Map<String, Object> parsedSets() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw UserError.usage("--set " + s + ": expected KEY=VALUE");
            String k = s.substring(0, eq).strip(), v = s.substring(eq + 1).strip();
            Object val;
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) val = Boolean.parseBoolean(v.toLowerCase());
            else if (v.equalsIgnoreCase("none") || v.equalsIgnoreCase("null")) val = null;
            else if (v.matches("-?\\d+")) {
                try {
                    val = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw UserError.usage("--set " + s + ": " + v + " is too large for a size");
                }
            }
            else if (v.matches("-?\\d*\\.\\d+([eE]-?\\d+)?|-?\\d+[eE]-?\\d+")) val = Double.parseDouble(v);
            else val = v;
            out.put(k, val);
        }
        return out;
    }

    /**
     * Applies the numeric --set values (numbers and booleans) to a loaded config, so that they reach the evaluation
     * too (moe_experts_hit, a layer count); text and None only steer a source analysis.
     */
    ModelConfig applyTo(ModelConfig config) {
        if (config == null) return null;
        // --config's values override the model's, as they override a config class's defaults in a source analysis
        for (var e : readConfig(this.config).entrySet()) {
            Object v = e.getValue();
            if (io.flopscope.evaluate.ConfigValidation.isSize(e.getKey()) && (v instanceof String || v instanceof Boolean)) {
                throw UserError.failed(this.config + ": config field " + e.getKey() + " is " + v + ": a size must be an integer");
            }
            if (v instanceof Long l) config.override(e.getKey(), Rational.of(l));
            else if (v instanceof Double d) config.override(e.getKey(), Rational.parse(java.math.BigDecimal.valueOf(d).toPlainString()));
        }
        for (var e : parsedSets().entrySet()) {
            Object v = e.getValue();
            String k = e.getKey();
            // a size takes a whole number; text, a truth value or None there is a mistake, never a silent no-op
            if (io.flopscope.evaluate.ConfigValidation.isSize(k) && v != null && !(v instanceof Long) && !(v instanceof Double)) {
                throw UserError.usage("--set " + k + "=" + v + ": " + k + " is a size: give a whole number");
            }
            if (v instanceof Long l) config.set(k, Rational.of(l));
            else if (v instanceof Double d) config.set(k, Rational.parse(java.math.BigDecimal.valueOf(d).toPlainString()));
            else if (v instanceof Boolean b) config.set(k, b ? Rational.ONE : Rational.ZERO);
            else config.markSet(k);
        }
        return config;
    }

    /**
     * For the built-in analyses: the options that only steer an analysis of source (--class, --config-class, --setup,
     * --input, --experts) would change nothing, so they are refused rather than ignored.
     */
    void refuseSourceOnly(String model) {
        List<String> given = new ArrayList<>();
        if (className != null) given.add("--class");
        if (configClass != null) given.add("--config-class");
        if (setup != null) given.add("--setup");
        if (!inputs.isEmpty()) given.add("--input");
        if (experts != null) given.add("--experts");
        if (!given.isEmpty()) {
            throw UserError.usage(String.join(", ", given) + (given.size() == 1 ? " steers" : " steer") + " an analysis of the model's source: give --source SOURCE"
                    + (model == null ? "" : " (the built-in analyses of " + model + " are already made)"));
        }
    }

    /** Opens SOURCE and finds the root class. */
    static Opened open(Path source, String className) {
        if (!Files.exists(source)) throw UserError.usage("no such file or folder: " + source);
        SourceIndex idx = SourceIndex.open(source);
        IndexLookup lookup = new IndexLookup(idx);
        if (className == null) throw UserError.usage("--class NAME is required");
        String root = className;
        if (!className.contains(".") || lookup.classDecl(className).isEmpty()) {
            List<String> found = idx.findClassesBySimpleName(className.substring(className.lastIndexOf('.') + 1));
            // transformers' modular_*.py files are the sources its modeling_*.py are generated from, never imported
            List<String> runtime = found.stream().filter(q -> !q.contains(".modular_")).toList();
            if (runtime.size() == 1 && found.size() > 1) found = runtime;
            if (found.size() == 1) root = found.get(0);
            else if (found.isEmpty()) throw UserError.failed("no class " + className + " under " + source);
            else throw UserError.usage("--class " + className + " is ambiguous: " + String.join(", ", found) + "; give the fully qualified name");
        }
        return new Opened(idx, lookup, root);
    }

    record Opened(SourceIndex index, IndexLookup lookup, String root) {}

    SourceAnalyzer.Request request(String root, Map<String, Object> config, String attn, boolean decode) {
        Map<String, Object> cfg = new LinkedHashMap<>(config);
        cfg.putAll(readConfig(this.config));
        Map<String, String> in = new LinkedHashMap<>();
        for (String i : inputs) {
            int eq = i.indexOf('=');
            if (eq <= 0) throw UserError.usage("--input " + i + ": expected NAME=VALUE");
            in.put(i.substring(0, eq).strip(), i.substring(eq + 1).strip());
        }
        if (experts != null && !java.util.Set.of("eager", "grouped_mm", "batched_mm").contains(experts))
            throw UserError.usage("--experts " + experts + ": expected eager, grouped_mm or batched_mm");
        return new SourceAnalyzer.Request(root, cfg, parsedSets(), attn, decode, setup, in, configClass, experts);
    }
}
