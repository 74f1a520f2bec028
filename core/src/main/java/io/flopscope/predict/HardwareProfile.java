package io.flopscope.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Dtype;
import io.flopscope.formula.Rational;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One accelerator: dense peaks per dtype, memory bandwidth and capacity, interconnect, default
 * efficiencies and the per-kernel launch overhead (docs/prediction.md). Built-in profiles live in
 * {@code io/flopscope/hardware/<id>.json} (listed in {@code index.txt}); users pass their own JSON file
 * with the same fields. Every check throws {@link IllegalArgumentException} with a message that names
 * the profile and the field.
 *
 * @param matmulFlopsPerS dense matrix-unit peak by dtype key (fp32, tf32, bf16, fp16, fp8, int8, int4)
 * @param vectorFlopsPerS non-matmul (element-wise, reduction) peak by dtype key
 * @param interconnectBytesPerS the device's total (bidirectional) interconnect bandwidth, 0 when it has none
 */
public record HardwareProfile(
        String id,
        String name,
        List<String> aliases,
        Map<String, Double> matmulFlopsPerS,
        Map<String, Double> vectorFlopsPerS,
        double memoryBandwidthBytesPerS,
        long memoryCapacityBytes,
        long onChipCacheBytes,
        double interconnectBytesPerS,
        String interconnectName,
        Efficiency efficiency,
        double launchOverheadS,
        List<String> sources,
        String notes,
        Host host) {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ROOT = "/io/flopscope/hardware/";
    private static final Set<String> FIELDS = Set.of("id", "name", "aliases", "matmul_flops_per_s", "vector_flops_per_s",
            "memory_bandwidth_bytes_per_s", "memory_capacity_bytes", "on_chip_cache_bytes", "interconnect_bytes_per_s",
            "interconnect_name", "efficiency", "launch_overhead_s", "sources", "notes", "calibration", "host");
    /** The runtime a profile predicts for unless told otherwise: transformers in eager PyTorch, as tools/measure.py measures. */
    public static final String DEFAULT_RUNTIME = "hf-eager";
    private static volatile List<HardwareProfile> builtIns;

    /** Fractions of the peaks that real kernels reach: matrix units, vector units, memory bandwidth; each in (0, 1]. */
    public record Efficiency(double matmul, double vector, double memory) {
        public Efficiency {
            check("efficiency.matmul", matmul);
            check("efficiency.vector", vector);
            check("efficiency.memory", memory);
        }

        private static void check(String field, double v) {
            if (!Double.isFinite(v) || v <= 0 || v > 1) throw new IllegalArgumentException(field + " must lie in (0, 1], got " + v);
        }
    }

    /**
     * What the host (CPU) spends on one forward call under a runtime (docs/prediction.md, "Host and device"): per
     * kernel it launches, per nn.Module call, per step, and the gap the device leaves between two kernels.
     */
    public record Host(String runtime, double perKernelS, double perModuleCallS, double perStepS, double deviceGapS) {
        public Host {
            if (runtime == null || runtime.isBlank()) throw new IllegalArgumentException("host.runtime is required");
            for (double v : new double[] {perKernelS, perModuleCallS, perStepS, deviceGapS}) {
                if (!Double.isFinite(v) || v < 0 || v > 1) throw new IllegalArgumentException("host times must lie in [0, 1] seconds, got " + v);
            }
        }

        public Host withPerKernel(double s) { return new Host(runtime, s, perModuleCallS * (perKernelS == 0 ? 1 : s / perKernelS), perStepS, deviceGapS); }
    }

    /** The runtimes FlopScope knows (hardware/runtimes.json): their ids. */
    public static List<String> runtimes() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = runtimeTable().fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.startsWith("_")) out.add(k);
        }
        return out;
    }

    private static volatile JsonNode runtimeTable;

    /** hardware/runtimes.json, read once. */
    private static JsonNode runtimeTable() {
        JsonNode t = runtimeTable;
        if (t == null) {
            try {
                runtimeTable = t = MAPPER.readTree(resource("runtimes.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return t;
    }

    /** The built-in host costs of a runtime on this device (its device gap: the runtime's, else the profile's launch overhead). */
    public static Host builtInHost(String runtime, double launchOverheadS) {
        JsonNode r = runtimeTable().get(runtime);
        if (r == null || runtime.startsWith("_")) throw new IllegalArgumentException("unknown runtime '" + runtime + "' (known: " + String.join(", ", runtimes()) + ")");
        JsonNode gap = r.get("device_gap_s");
        return new Host(runtime, r.get("per_kernel_s").asDouble(), r.get("per_module_call_s").asDouble(), r.get("per_step_s").asDouble(),
                gap == null || gap.isNull() ? launchOverheadS : gap.asDouble());
    }

    public HardwareProfile {
        String who = "hardware profile " + (id == null || id.isBlank() ? "(no id)" : "'" + id + "'");
        if (id == null || id.isBlank()) throw new IllegalArgumentException(who + ": 'id' is required");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) throw new IllegalArgumentException(who + ": id must be letters, digits, '.', '_' or '-'");
        if (name == null || name.isBlank()) throw new IllegalArgumentException(who + ": 'name' is required");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        matmulFlopsPerS = peaks(who, "matmul_flops_per_s", matmulFlopsPerS);
        vectorFlopsPerS = peaks(who, "vector_flops_per_s", vectorFlopsPerS);
        positive(who, "memory_bandwidth_bytes_per_s", memoryBandwidthBytesPerS);
        if (memoryCapacityBytes <= 0) throw new IllegalArgumentException(who + ": memory_capacity_bytes must be positive, got " + memoryCapacityBytes);
        if (onChipCacheBytes < 0) throw new IllegalArgumentException(who + ": on_chip_cache_bytes must be 0 or more, got " + onChipCacheBytes);
        if (!Double.isFinite(interconnectBytesPerS) || interconnectBytesPerS < 0) {
            throw new IllegalArgumentException(who + ": interconnect_bytes_per_s must be 0 or more, got " + interconnectBytesPerS);
        }
        if (efficiency == null) throw new IllegalArgumentException(who + ": 'efficiency' {matmul, vector, memory} is required");
        if (!Double.isFinite(launchOverheadS) || launchOverheadS < 0 || launchOverheadS > 1) {
            throw new IllegalArgumentException(who + ": launch_overhead_s must lie in [0, 1] seconds, got " + launchOverheadS);
        }
        interconnectName = interconnectName == null ? "" : interconnectName;
        sources = sources == null ? List.of() : List.copyOf(sources);
        notes = notes == null ? "" : notes;
        if (host == null) host = builtInHost(DEFAULT_RUNTIME, launchOverheadS);
    }

    private static Map<String, Double> peaks(String who, String field, Map<String, Double> in) {
        if (in == null || in.isEmpty()) throw new IllegalArgumentException(who + ": '" + field + "' needs at least one dtype (e.g. {\"bf16\": 9.894e14})");
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : in.entrySet()) {
            Dtype d = Dtype.parse(e.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    who + ": " + field + ": unknown dtype '" + e.getKey() + "' (expected fp32, tf32, bf16, fp16, fp8, int8 or int4)"));
            positive(who, field + "." + d.id, e.getValue() == null ? Double.NaN : e.getValue());
            if (out.put(d.id, e.getValue()) != null) throw new IllegalArgumentException(who + ": " + field + ": dtype " + d.id + " is given twice");
        }
        return Collections.unmodifiableMap(out);
    }

    private static void positive(String who, String field, double v) {
        if (!Double.isFinite(v) || v <= 0) throw new IllegalArgumentException(who + ": " + field + " must be a positive number, got " + v);
    }

    // ---- lookup ----------------------------------------------------------------------------------

    /** The ids of the built-in profiles, in index order. */
    public static List<String> builtInIds() {
        List<String> out = new ArrayList<>();
        for (String l : resource("index.txt").split("\\R")) {
            String s = l.strip();
            if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
        }
        return out;
    }

    /** Every built-in profile, parsed and checked once. */
    public static List<HardwareProfile> builtIns() {
        List<HardwareProfile> b = builtIns;
        if (b == null) {
            List<HardwareProfile> list = new ArrayList<>();
            for (String id : builtInIds()) list.add(parse("builtin:" + id + ".json", resource(id + ".json")));
            builtIns = b = List.copyOf(list);
        }
        return b;
    }

    /** A built-in profile by id or alias, ignoring case. */
    public static Optional<HardwareProfile> builtIn(String idOrAlias) {
        String k = idOrAlias.strip().toLowerCase(Locale.ROOT);
        for (HardwareProfile p : builtIns()) {
            if (p.id.equalsIgnoreCase(k) || p.aliases.stream().anyMatch(a -> a.equalsIgnoreCase(k))) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * A profile named on the command line: an existing JSON file, else a built-in id or alias.
     * @throws IllegalArgumentException naming what was tried
     */
    public static HardwareProfile resolve(String spec) {
        Path p = Path.of(spec);
        if (Files.isRegularFile(p)) return load(p);
        if (spec.endsWith(".json")) throw new IllegalArgumentException("no such hardware profile file: " + spec);
        return builtIn(spec).orElseThrow(() -> new IllegalArgumentException("unknown hardware '" + spec + "': not a file and not a built-in profile (built in: "
                + String.join(", ", builtIns().stream().map(h -> h.aliases.isEmpty() ? h.id : h.aliases.get(0)).toList())
                + "; `flopscope hardware` lists them)"));
    }

    /** Reads and checks a user profile file. */
    public static HardwareProfile load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read hardware profile " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Parses and checks a profile; {@code source} names it in error messages. */
    public static HardwareProfile parse(String source, String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + io.flopscope.evaluate.JsonTrees.describe(e));
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(source + ": a hardware profile must be a JSON object");
        try {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f) && !f.startsWith("_")) {
                    throw new IllegalArgumentException("unknown field '" + f + "' (known: " + String.join(", ", FIELDS.stream().sorted().toList())
                            + "; fields starting with '_' are ignored)");
                }
            }
            JsonNode eff = n.get("efficiency");
            if (eff == null || !eff.isObject()) throw new IllegalArgumentException("'efficiency' must be an object {\"matmul\": .., \"vector\": .., \"memory\": ..}");
            Efficiency e = new Efficiency(number(eff, "matmul", "efficiency.matmul", true), number(eff, "vector", "efficiency.vector", true),
                    number(eff, "memory", "efficiency.memory", true));
            return new HardwareProfile(text(n, "id", true), text(n, "name", true), strings(n, "aliases"),
                    peakMap(n, "matmul_flops_per_s"), peakMap(n, "vector_flops_per_s"),
                    number(n, "memory_bandwidth_bytes_per_s", "memory_bandwidth_bytes_per_s", true),
                    integer(n, "memory_capacity_bytes", true), integer(n, "on_chip_cache_bytes", false),
                    number(n, "interconnect_bytes_per_s", "interconnect_bytes_per_s", false), text(n, "interconnect_name", false),
                    e, number(n, "launch_overhead_s", "launch_overhead_s", true), strings(n, "sources"), text(n, "notes", false),
                    n.has("host") ? host(n.get("host"), number(n, "launch_overhead_s", "launch_overhead_s", true)) : null);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
        }
    }

    /** "host": {"runtime", "per_kernel_s", "per_module_call_s", "per_step_s", "device_gap_s"}; absent: hf-eager's. */
    private static Host host(JsonNode h, double launchOverheadS) {
        if (h == null || h.isNull()) return builtInHost(DEFAULT_RUNTIME, launchOverheadS);
        if (!h.isObject()) throw new IllegalArgumentException("'host' must be an object {\"runtime\", \"per_kernel_s\", \"per_module_call_s\", \"per_step_s\", \"device_gap_s\"}");
        String runtime = text(h, "runtime", false);
        Host base = builtInHost(runtime == null ? DEFAULT_RUNTIME : runtime, launchOverheadS);
        return new Host(base.runtime(), h.has("per_kernel_s") ? number(h, "per_kernel_s", "host.per_kernel_s", true) : base.perKernelS(),
                h.has("per_module_call_s") ? number(h, "per_module_call_s", "host.per_module_call_s", true) : base.perModuleCallS(),
                h.has("per_step_s") ? number(h, "per_step_s", "host.per_step_s", true) : base.perStepS(),
                h.has("device_gap_s") ? number(h, "device_gap_s", "host.device_gap_s", true) : base.deviceGapS());
    }

    private static String text(JsonNode n, String f, boolean required) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("'" + f + "' is required");
            return null;
        }
        if (!v.isTextual()) throw new IllegalArgumentException("'" + f + "' must be a string");
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new IllegalArgumentException("'" + f + "' must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isTextual()) throw new IllegalArgumentException("'" + f + "' must be an array of strings");
            out.add(x.asText());
        }
        return out;
    }

    private static double number(JsonNode n, String f, String label, boolean required) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("'" + label + "' is required");
            return 0;
        }
        if (!v.isNumber()) throw new IllegalArgumentException("'" + label + "' must be a number, got " + v);
        return v.asDouble();
    }

    private static long integer(JsonNode n, String f, boolean required) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("'" + f + "' is required");
            return 0;
        }
        if (!v.isNumber()) throw new IllegalArgumentException("'" + f + "' must be a number of bytes, got " + v);
        BigDecimal d = v.decimalValue();
        try {
            return d.stripTrailingZeros().scale() <= 0 ? d.longValueExact() : d.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + f + "' is out of range: " + v);
        }
    }

    private static Map<String, Double> peakMap(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) throw new IllegalArgumentException("'" + f + "' is required: an object of dtype -> FLOP/s");
        if (!v.isObject()) throw new IllegalArgumentException("'" + f + "' must be an object of dtype -> FLOP/s");
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNumber()) throw new IllegalArgumentException(f + "." + e.getKey() + " must be a number, got " + e.getValue());
            out.put(e.getKey(), e.getValue().asDouble());
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = HardwareProfile.class.getResourceAsStream(ROOT + name)) {
            if (in == null) throw new IllegalStateException("missing built-in resource " + ROOT + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- use --------------------------------------------------------------------------------------

    public Optional<Double> matmulPeak(String dtypeKey) { return Optional.ofNullable(matmulFlopsPerS.get(dtypeKey)); }

    public Optional<Double> vectorPeak(String dtypeKey) { return Optional.ofNullable(vectorFlopsPerS.get(dtypeKey)); }

    /** A copy with other efficiencies (a calibrated profile). */
    public HardwareProfile withEfficiency(Efficiency e) {
        return new HardwareProfile(id, name, aliases, matmulFlopsPerS, vectorFlopsPerS, memoryBandwidthBytesPerS, memoryCapacityBytes,
                onChipCacheBytes, interconnectBytesPerS, interconnectName, e, launchOverheadS, sources, notes, host);
    }

    /** A copy with other host costs (a calibrated host, or another runtime's). */
    public HardwareProfile withHost(Host h) {
        return new HardwareProfile(id, name, aliases, matmulFlopsPerS, vectorFlopsPerS, memoryBandwidthBytesPerS, memoryCapacityBytes,
                onChipCacheBytes, interconnectBytesPerS, interconnectName, efficiency, launchOverheadS, sources, notes, h);
    }

    /** This device under another runtime: that runtime's built-in host costs (a profile's own host figures are for its runtime). */
    public HardwareProfile withRuntime(String runtime) {
        if (runtime == null || runtime.equals(host.runtime())) return this;
        return withHost(builtInHost(runtime, launchOverheadS));
    }

    /** A copy with another launch overhead. */
    public HardwareProfile withLaunchOverhead(double seconds) {
        return new HardwareProfile(id, name, aliases, matmulFlopsPerS, vectorFlopsPerS, memoryBandwidthBytesPerS, memoryCapacityBytes,
                onChipCacheBytes, interconnectBytesPerS, interconnectName, efficiency, seconds, sources, notes,
                host.runtime().equals(DEFAULT_RUNTIME) && host.deviceGapS() == launchOverheadS ? new Host(host.runtime(), host.perKernelS(), host.perModuleCallS(), host.perStepS(), seconds) : host);
    }

    /** The profile in the file format {@link #parse} reads. */
    public ObjectNode toJsonNode() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", id);
        o.put("name", name);
        aliases.forEach(o.putArray("aliases")::add);
        ObjectNode m = o.putObject("matmul_flops_per_s");
        matmulFlopsPerS.forEach(m::put);
        ObjectNode v = o.putObject("vector_flops_per_s");
        vectorFlopsPerS.forEach(v::put);
        o.put("memory_bandwidth_bytes_per_s", memoryBandwidthBytesPerS);
        o.put("memory_capacity_bytes", memoryCapacityBytes);
        o.put("on_chip_cache_bytes", onChipCacheBytes);
        o.put("interconnect_bytes_per_s", interconnectBytesPerS);
        o.put("interconnect_name", interconnectName);
        ObjectNode e = o.putObject("efficiency");
        e.put("matmul", efficiency.matmul());
        e.put("vector", efficiency.vector());
        e.put("memory", efficiency.memory());
        o.put("launch_overhead_s", launchOverheadS);
        ObjectNode h = o.putObject("host");
        h.put("runtime", host.runtime());
        h.put("per_kernel_s", host.perKernelS());
        h.put("per_module_call_s", host.perModuleCallS());
        h.put("per_step_s", host.perStepS());
        h.put("device_gap_s", host.deviceGapS());
        sources.forEach(o.putArray("sources")::add);
        o.put("notes", notes);
        return o;
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(toJsonNode()) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A double as the exact decimal it prints as (989.4e12 → 989400000000000), for exact sums. */
    static Rational exact(double v) { return Rational.parse(BigDecimal.valueOf(v).toPlainString()); }
}
