package io.flopscope.evaluate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The configs FlopScope ships (values from each model's published config.json, source named inside). */
public final class BuiltInModels {
    private static final String ROOT = "/io/flopscope/models/";

    private BuiltInModels() {}

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (String l : read("index.txt").orElse("").split("\\R")) if (!l.isBlank()) out.add(l.strip());
        return out;
    }

    /** By short name ("gpt2") or hub id ("openai-community/gpt2"). */
    public static Optional<ModelConfig> find(String name) {
        // a short name is a file name: no need to parse every built-in config
        for (String n : names()) {
            if (n.equalsIgnoreCase(name)) return Optional.of(ModelConfig.parse(n, read(n + ".json").orElseThrow()));
        }
        for (String n : names()) {
            String text = read(n + ".json").orElseThrow();
            ModelConfig c = ModelConfig.parse(n, text);
            String hub = c.raw().path("_flopscope").path("hub_id").asText("");
            if (n.equalsIgnoreCase(name) || hub.equalsIgnoreCase(name)) return Optional.of(ModelConfig.parse(n, text));
        }
        return Optional.empty();
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
