package io.flopscope.cli;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** MODEL on the command line: a config.json path, a folder holding one, or a built-in name. */
final class ModelLoader {
    private ModelLoader() {}

    static ModelConfig load(String model) {
        List<String> tried = new ArrayList<>();
        Path p = Path.of(model);
        if (Files.isDirectory(p)) {
            Path c = p.resolve("config.json");
            if (Files.isRegularFile(c)) return read(c);
            tried.add(c + " (no such file)");
        } else if (Files.isRegularFile(p)) {
            return read(p);
        } else if (model.endsWith(".json")) {
            throw UserError.usage("no such file: " + model);
        }
        tried.add(p + " (no such file or folder)");
        var builtIn = BuiltInModels.find(model);
        if (builtIn.isPresent()) return builtIn.get();
        tried.add("built-in models (" + String.join(", ", BuiltInModels.names()) + ")");
        throw UserError.usage("unknown model '" + model + "'; tried: " + String.join("; ", tried));
    }

    private static ModelConfig read(Path p) {
        try {
            return ModelConfig.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw UserError.failed("cannot read " + p + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
    }
}
