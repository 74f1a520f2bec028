package io.flopscope.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.predict.HardwareProfile;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a calibrated profile: the base profile with the fitted efficiencies and launch overhead, in the
 * same schema as the built-in ones, id {@code <base>-calibrated}, and a {@code "calibration"} object whose
 * {@code "calibrated_from"} names the base profile and the measurements (docs/measurements.md).
 */
public final class CalibratedProfile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CalibratedProfile() {}

    /**
     * @param measurements the measurement file's name, as given
     * @param used         the points the fit used
     * @param holdout      the split used ("none", "every-2nd")
     * @param statistic    which of each point's timings was fitted
     * @param heldOut      the evaluation on the held-out points, or null
     */
    public static String json(HardwareProfile base, Calibrator.Fit fit, String measurements, List<Measurement> used, String holdout, Statistic statistic,
                              Evaluation heldOut) {
        HardwareProfile calibrated = fit.params().applyTo(base);
        ObjectNode o = calibrated.toJsonNode();
        String baseId = baseId(base);
        o.put("id", baseId + "-calibrated");
        o.put("name", base.name().endsWith("(calibrated)") ? base.name() : base.name() + " (calibrated)");
        o.putArray("aliases");
        o.put("notes", String.format(Locale.ROOT, "Efficiencies and the host's time per kernel fitted by `flopscope calibrate` to %d measured points of %s "
                + "(see \"calibration\"); peaks, bandwidth and capacities are the base profile's (%s). %s", used.size(), measurements, baseId, base.notes()).strip());
        ObjectNode cal = o.putObject("calibration");
        ObjectNode from = cal.putObject("calibrated_from");
        from.put("profile", baseId);
        from.put("measurements", measurements);
        from.put("points", used.size());
        from.put("holdout", holdout);
        from.put("statistic", statistic.label());
        array(from.putArray("models"), used.stream().map(Measurement::model).toList());
        array(from.putArray("hardware"), used.stream().map(Measurement::hardware).toList());
        array(from.putArray("dtypes"), used.stream().map(m -> m.dtype().id).toList());
        Set<String> envs = new LinkedHashSet<>();
        for (Measurement m : used) {
            JsonNode e = m.env();
            if (e == null) continue;
            envs.add(String.join(", ", e.path("gpu").asText(e.path("cpu").asText("?")), "torch " + e.path("torch").asText("?"),
                    "transformers " + e.path("transformers").asText("?")));
        }
        array(from.putArray("environments"), List.copyOf(envs));
        ObjectNode b = cal.putObject("base");
        b.put("matmul", base.efficiency().matmul());
        b.put("vector", base.efficiency().vector());
        b.put("memory", base.efficiency().memory());
        b.put("host_per_kernel_s", base.host().perKernelS());
        ObjectNode st = cal.putObject("status");
        for (int i = 0; i < 4; i++) st.put(Calibrator.NAMES[i], fit.status()[i].name().toLowerCase(Locale.ROOT));
        ObjectNode share = cal.putObject("time_share");
        String[] shareNames = {"matmul_bound", "vector_bound", "memory_bound", "host_bound"};
        for (int i = 0; i < 4; i++) share.put(shareNames[i], fit.timeShare()[i]);
        cal.put("rms_relative_error", fit.rmsRelative());
        cal.put("method", "Levenberg-Marquardt on relative errors of max(host, first dispatch + device) (docs/measurements.md)");
        if (heldOut != null) {
            ObjectNode h = cal.putObject("held_out");
            for (Evaluation.Stats s : heldOut.stats().values()) {
                ObjectNode x = h.putObject(s.phase());
                x.put("points", s.n());
                x.put("mape_percent", 100 * s.mape());
                x.put("max_abs_error_percent", 100 * s.maxAbs());
                if (Double.isNaN(s.r2())) x.putNull("r2");
                else x.put("r2", s.r2());
            }
        }
        try {
            String text = MAPPER.writeValueAsString(o) + "\n";
            HardwareProfile.parse("calibrated profile", text); // what we write must read back
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base id of a profile: its own id without a trailing "-calibrated". */
    static String baseId(HardwareProfile p) {
        return p.id().endsWith("-calibrated") ? p.id().substring(0, p.id().length() - "-calibrated".length()) : p.id();
    }

    /** calibration.calibrated_from.profile of a profile file's text, if it has one. */
    public static Optional<String> calibratedFrom(String profileJson) {
        try {
            JsonNode n = MAPPER.readTree(profileJson);
            JsonNode p = n == null ? null : n.path("calibration").path("calibrated_from").get("profile");
            return p != null && p.isTextual() ? Optional.of(p.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether measurements taken on {@code hardwareId} belong to {@code profile} (its id, an alias, or its base id). */
    public static boolean matches(HardwareProfile profile, Optional<String> calibratedFrom, String hardwareId) {
        String h = hardwareId.strip();
        return profile.id().equalsIgnoreCase(h) || baseId(profile).equalsIgnoreCase(h) || profile.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(h))
                || calibratedFrom.map(c -> c.equalsIgnoreCase(h) || HardwareProfile.builtIn(c).map(b -> b.id().equalsIgnoreCase(h)
                        || b.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(h))).orElse(false)).orElse(false);
    }

    private static void array(ArrayNode a, List<String> values) {
        new LinkedHashSet<>(values).forEach(a::add);
    }
}
