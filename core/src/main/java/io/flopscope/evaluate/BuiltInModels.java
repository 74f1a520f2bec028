package io.flopscope.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configs FlopScope ships: each model's published config.json under {@code io/flopscope/models/<name>.json},
 * with a {@code "_flopscope"} object naming the model ({@code name}, {@code hub_id}, optional {@code aliases}), where
 * the values come from ({@code source}) and the parameter count its publisher states ({@code published_parameters},
 * {@code published_parameters_source}).
 */
public final class BuiltInModels {
    private static final String ROOT = "/io/flopscope/models/";

    private BuiltInModels() {}

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        // by hand, not split("\\R"): a regular expression compiles slowly at start-up
        String index = read("index.txt").orElse("");
        for (int from = 0; from < index.length(); ) {
            int end = index.indexOf('\n', from);
            if (end < 0) end = index.length();
            String l = index.substring(from, end).strip();
            if (!l.isEmpty()) out.add(l);
            from = end + 1;
        }
        return out;
    }

    /** Every built-in config, in the order of index.txt (fresh instances: a config holds its --set overrides). */
    public static List<ModelConfig> all() {
        List<ModelConfig> out = new ArrayList<>();
        for (String n : names()) out.add(parse(n));
        return out;
    }

    /** By short name ("gpt2"), hub id ("openai-community/gpt2") or alias ("Llama-2-7b"), ignoring case. */
    public static Optional<ModelConfig> find(String name) {
        for (String n : names()) {
            ModelConfig c = parse(n);
            if (n.equalsIgnoreCase(name) || hubId(c).equalsIgnoreCase(name)) return Optional.of(c);
            for (JsonNode a : c.raw().path("_flopscope").path("aliases")) if (a.asText().equalsIgnoreCase(name)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The Hugging Face hub id the config was published under, or "" for a config that is not built in. */
    public static String hubId(ModelConfig c) { return c.raw().path("_flopscope").path("hub_id").asText(""); }

    /** The parameter count the model's publisher states, when the config is a built-in one that records it. */
    public static Optional<Long> publishedParameters(ModelConfig c) {
        JsonNode p = c.raw().path("_flopscope").path("published_parameters");
        return p.canConvertToLong() && p.isIntegralNumber() ? Optional.of(p.asLong()) : Optional.empty();
    }

    /**
     * The publisher's figure when only a rounded one exists ("671B": DeepSeek-V3's report gives no exact count),
     * from {@code published_parameters_approx}.
     */
    public static Optional<String> publishedParametersApprox(ModelConfig c) {
        String a = c.raw().path("_flopscope").path("published_parameters_approx").asText("");
        return a.isEmpty() ? Optional.empty() : Optional.of(a);
    }

    /**
     * Whether a count rounds to a published figure such as "671B", "8.2B" or "124M" at the figure's own precision
     * (671,026,404,352 → 671B). False for a figure that is not a number with a K, M, B or T suffix.
     */
    public static boolean roundsTo(java.math.BigInteger count, String approx) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?([KMBT])").matcher(approx.strip());
        if (!m.matches()) return false;
        int exp = switch (m.group(3)) { case "K" -> 3; case "M" -> 6; case "B" -> 9; default -> 12; };
        int decimals = m.group(2) == null ? 0 : m.group(2).length();
        java.math.BigDecimal stated = new java.math.BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)));
        java.math.BigDecimal got = new java.math.BigDecimal(count).movePointLeft(exp).setScale(decimals, java.math.RoundingMode.HALF_UP);
        return got.compareTo(stated) == 0;
    }

    /** Where {@link #publishedParameters} comes from, or "". */
    public static String publishedParametersSource(ModelConfig c) {
        return c.raw().path("_flopscope").path("published_parameters_source").asText("");
    }

    private static ModelConfig parse(String n) {
        Optional<String> text = read(n + ".json");
        if (text.isEmpty()) throw new IllegalStateException("index.txt names " + n + " but " + n + ".json is missing");
        return ModelConfig.parse(n, text.get());
    }

    private static Optional<String> read(String name) {
        try (InputStream in = BuiltInModels.class.getResourceAsStream(ROOT + name)) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
