package io.flopscope.calibrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Phase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The measurements of one file (docs/measurements.md): JSON Lines, one measurement object a line
 * (blank lines are skipped), or one JSON array of such objects. Every problem is reported with the
 * file and line it is on; {@link #parse} reports all of them (up to {@value #MAX_ERRORS}) at once.
 */
public final class MeasurementSet {
    public static final String FORMAT = "flopscope-measurements/1";
    static final int MAX_ERRORS = 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String source;
    private final List<Measurement> measurements;

    public MeasurementSet(String source, List<Measurement> measurements) {
        this.source = source;
        this.measurements = List.copyOf(measurements);
    }

    /** Thrown for a file that cannot be used; the message lists every problem found, one a line. */
    public static final class MeasurementException extends IllegalArgumentException {
        private final List<String> problems;

        MeasurementException(String source, List<String> problems, boolean more) {
            super(problems.size() == 1 && !more ? problems.get(0)
                    : source + ": " + problems.size() + (more ? "+" : "") + " problems:\n  " + String.join("\n  ", problems)
                    + (more ? "\n  (further problems not listed)" : ""));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() { return problems; }
    }

    public String source() { return source; }
    public List<Measurement> measurements() { return measurements; }
    public int size() { return measurements.size(); }

    public static MeasurementSet load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MeasurementException(file.toString(), List.of("cannot read " + file + ": " + e.getMessage()), false);
        }
        return parse(file.toString(), text);
    }

    /** Parses JSON Lines or a JSON array; {@code source} names the input in messages. */
    public static MeasurementSet parse(String source, String text) {
        List<String> errors = new ArrayList<>();
        List<Measurement> out = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("\uFEFF")) trimmed = trimmed.substring(1).strip();
        if (trimmed.startsWith("[")) {
            JsonNode arr;
            try {
                arr = MAPPER.readTree(trimmed);
            } catch (JsonProcessingException e) {
                throw new MeasurementException(source, List.of(source + ": not valid JSON: " + firstLine(e)), false);
            }
            int i = 0;
            for (JsonNode n : arr) {
                i++;
                read(source + ": measurement #" + i, n, out, errors);
                if (errors.size() > MAX_ERRORS) break;
            }
        } else {
            String[] lines = text.split("\\R", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = i == 0 && lines[0].startsWith("\uFEFF") ? lines[0].substring(1) : lines[i];
                if (line.isBlank()) continue;
                String where = source + ":" + (i + 1);
                JsonNode n;
                try {
                    n = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    errors.add(where + ": not a JSON object on one line (JSON Lines): " + firstLine(e));
                    if (errors.size() > MAX_ERRORS) break;
                    continue;
                }
                read(where, n, out, errors);
                if (errors.size() > MAX_ERRORS) break;
            }
        }
        if (errors.isEmpty() && out.isEmpty()) errors.add(source + ": no measurements (expected JSON Lines, one measurement object a line; see docs/measurements.md)");
        if (!errors.isEmpty()) {
            boolean more = errors.size() > MAX_ERRORS;
            throw new MeasurementException(source, more ? errors.subList(0, MAX_ERRORS) : errors, more);
        }
        return new MeasurementSet(source, out);
    }

    private static String firstLine(JsonProcessingException e) {
        return e.getOriginalMessage().lines().findFirst().orElse("syntax error");
    }

    private static void read(String where, JsonNode n, List<Measurement> out, List<String> errors) {
        try {
            out.add(measurement(where, n));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    /** One measurement object; throws IllegalArgumentException("where: what is wrong"). */
    static Measurement measurement(String where, JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException(where + ": a measurement must be a JSON object");
        JsonNode format = n.get("format");
        if (format != null && !format.isNull() && !FORMAT.equals(format.asText())) {
            throw new IllegalArgumentException(where + ": format '" + format.asText() + "' is not supported (this version reads " + FORMAT + ")");
        }
        // model: a name, or the config object itself; "config" may add the config to a name
        JsonNode modelNode = n.get("model");
        JsonNode config = n.get("config");
        String model;
        if (modelNode == null || modelNode.isNull()) throw new IllegalArgumentException(where + ": 'model' is required (a built-in name such as \"gpt2\", or a config object)");
        if (modelNode.isTextual()) {
            model = modelNode.asText().strip();
            if (model.isEmpty()) throw new IllegalArgumentException(where + ": 'model' must not be empty");
        } else if (modelNode.isObject()) {
            if (config != null && !config.isNull()) throw new IllegalArgumentException(where + ": 'model' is a config object and 'config' is given too; give one");
            config = modelNode;
            model = modelNode.path("_name_or_path").asText(modelNode.path("model_type").asText("model"));
        } else {
            throw new IllegalArgumentException(where + ": 'model' must be a string or a config object, got " + modelNode);
        }
        if (config != null && config.isNull()) config = null;
        if (config != null) {
            if (!config.isObject()) throw new IllegalArgumentException(where + ": 'config' must be a config.json object");
            if (!config.hasNonNull("model_type")) throw new IllegalArgumentException(where + ": 'config' has no model_type");
        }
        String hardware = text(where, n, "hardware");
        String dtypeText = text(where, n, "dtype");
        Dtype dtype = Dtype.parse(dtypeText).orElseThrow(() -> new IllegalArgumentException(where + ": dtype '" + dtypeText + "': expected bf16, fp16 or fp32"));
        if (dtype != Dtype.BF16 && dtype != Dtype.FP16 && dtype != Dtype.FP32) {
            throw new IllegalArgumentException(where + ": dtype '" + dtypeText + "': only bf16, fp16 and fp32 models are supported");
        }
        String phaseText = text(where, n, "phase");
        Phase phase = switch (phaseText.toLowerCase(Locale.ROOT)) {
            case "prefill" -> Phase.PREFILL;
            case "decode" -> Phase.DECODE;
            default -> throw new IllegalArgumentException(where + ": phase '" + phaseText + "': expected prefill or decode");
        };
        long batch = integer(where, n, "batch", 1, true, 0);
        long seq;
        long cache;
        if (phase == Phase.PREFILL) {
            seq = integer(where, n, "seq_len", 1, true, 0);
            cache = integer(where, n, "cache_len", 0, false, 0);
        } else {
            seq = integer(where, n, "seq_len", 1, false, 1);
            if (seq != 1) throw new IllegalArgumentException(where + ": seq_len " + seq + " in a decode measurement: a decode step processes 1 token");
            cache = integer(where, n, "cache_len", 0, true, 0);
        }
        JsonNode attnNode = n.get("attn_implementation");
        String attn = null;
        if (attnNode != null && !attnNode.isNull()) {
            if (!attnNode.isTextual()) throw new IllegalArgumentException(where + ": 'attn_implementation' must be a string");
            attn = attnNode.asText().strip().isEmpty() ? null : attnNode.asText().strip();
        }
        JsonNode t = n.get("timings_s");
        if (t == null || t.isNull()) throw new IllegalArgumentException(where + ": 'timings_s' is required: the repeated timings in seconds, e.g. [0.0123, 0.0121]");
        if (!t.isArray() || t.isEmpty()) throw new IllegalArgumentException(where + ": 'timings_s' must be a non-empty array of seconds");
        double[] timings = new double[t.size()];
        for (int i = 0; i < t.size(); i++) {
            JsonNode x = t.get(i);
            if (!x.isNumber() || !Double.isFinite(x.asDouble()) || x.asDouble() <= 0) {
                throw new IllegalArgumentException(where + ": timings_s[" + i + "] must be a positive number of seconds, got " + x);
            }
            timings[i] = x.asDouble();
        }
        JsonNode env = n.get("env");
        if (env != null && !env.isNull() && !env.isObject()) throw new IllegalArgumentException(where + ": 'env' must be an object");
        return new Measurement(where, model, config, hardware, dtype, phase, batch, seq, cache, attn, timings, env == null || env.isNull() ? null : env);
    }

    private static String text(String where, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException(where + ": '" + field + "' is required");
        if (!v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException(where + ": '" + field + "' must be a non-empty string, got " + v);
        return v.asText().strip();
    }

    private static long integer(String where, JsonNode n, String field, long min, boolean required, long dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(where + ": '" + field + "' is required");
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(where + ": '" + field + "' must be an integer, got " + v);
        long x = v.asLong();
        if (x < min) throw new IllegalArgumentException(where + ": '" + field + "' must be at least " + min + ", got " + x);
        return x;
    }

    // ---- writing ---------------------------------------------------------------------------------

    /** One measurement as the JSON object {@link #parse} reads back. */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(Measurement m) {
        var o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("model", m.model());
        if (m.config() != null) o.set("config", m.config());
        o.put("hardware", m.hardware());
        o.put("dtype", m.dtype().id);
        if (m.attn() != null) o.put("attn_implementation", m.attn());
        o.put("phase", m.phaseLabel());
        o.put("batch", m.batch());
        o.put("seq_len", m.seqLen());
        o.put("cache_len", m.cacheLen());
        var t = o.putArray("timings_s");
        for (double x : m.timings()) t.add(x);
        if (m.env() != null) o.set("env", m.env());
        return o;
    }

    /** The measurements as JSON Lines. */
    public static String jsonLines(List<Measurement> ms) {
        StringBuilder b = new StringBuilder();
        for (Measurement m : ms) b.append(json(m).toString()).append('\n');
        return b.toString();
    }

    // ---- selections ------------------------------------------------------------------------------

    /** How calibrate splits a file: all points, or alternate points of each sweep. */
    public enum Holdout {
        NONE, EVERY_2ND;

        public static Holdout parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "every-2nd", "every-second", "every2nd" -> EVERY_2ND;
                default -> throw new IllegalArgumentException("holdout '" + s + "': expected every-2nd or none");
            };
        }
    }

    /** The two halves of a split: fit on {@code calibration}, evaluate on {@code heldOut}. */
    public record Split(List<Measurement> calibration, List<Measurement> heldOut) {}

    /**
     * Splits each sweep (same model, hardware, dtype, attention and phase) ordered by batch, then
     * length: the 1st, 3rd, 5th, ... points calibrate and the 2nd, 4th, ... are held out. With
     * {@link Holdout#NONE} every point calibrates and none is held out.
     */
    public Split split(Holdout h) {
        if (h == Holdout.NONE) return new Split(measurements, List.of());
        List<Measurement> cal = new ArrayList<>();
        List<Measurement> held = new ArrayList<>();
        for (List<Measurement> sweep : sweeps().values()) {
            List<Measurement> sorted = new ArrayList<>(sweep);
            sorted.sort(Comparator.comparingLong(Measurement::batch).thenComparingLong(Measurement::seqLen).thenComparingLong(Measurement::cacheLen));
            for (int i = 0; i < sorted.size(); i++) (i % 2 == 0 ? cal : held).add(sorted.get(i));
        }
        return new Split(cal, held);
    }

    /** The measurements grouped by {@link Measurement#sweepKey()}, in order of first appearance. */
    public Map<String, List<Measurement>> sweeps() {
        Map<String, List<Measurement>> m = new LinkedHashMap<>();
        for (Measurement x : measurements) m.computeIfAbsent(x.sweepKey(), k -> new ArrayList<>()).add(x);
        return m;
    }

    /** The hardware ids the measurements name, in order of first appearance. */
    public Set<String> hardware() {
        Set<String> s = new LinkedHashSet<>();
        for (Measurement m : measurements) s.add(m.hardware());
        return s;
    }

    /** The model names the measurements name, in order of first appearance. */
    public Set<String> models() {
        Set<String> s = new LinkedHashSet<>();
        for (Measurement m : measurements) s.add(m.model());
        return s;
    }
}
