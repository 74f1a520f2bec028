package io.flopscope.cli;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MODEL on the command line, resolved offline, in this order:
 * <ol>
 * <li>a config.json, or a folder holding one;</li>
 * <li>a Hugging Face hub id ({@code meta-llama/Llama-2-7b-hf}): the user's Hugging Face cache
 *     ({@code <cache>/models--meta-llama--Llama-2-7b-hf/snapshots/<commit>/config.json}, the snapshot
 *     {@code refs/main} names, else the newest), then the built-in configs (by hub id);</li>
 * <li>any other name: the built-in configs (by short name, hub id or alias), then the cache (legacy hub ids
 *     without an organisation, such as {@code t5-small}, are cached as {@code models--t5-small}).</li>
 * </ol>
 * Anything else is a usage error naming every place tried.
 */
final class ModelLoader {
    /**
     * Hub ids: an organisation and a repository name (letters, digits, '-', '_', '.'): {@code [A-Za-z0-9][\w.-]*},
     * '/', {@code [\w.-]+}. Checked by hand, not by regular expressions: compiling one is slow at start-up.
     */
    static boolean isHubId(String s) {
        int slash = s.indexOf('/');
        return slash > 0 && slash < s.length() - 1 && isBareName(s.substring(0, slash)) && nameChars(s, slash + 1);
    }

    /** {@code [A-Za-z0-9][\w.-]*}: a name without an organisation. */
    static boolean isBareName(String s) {
        return !s.isEmpty() && isAsciiLetterOrDigit(s.charAt(0)) && nameChars(s, 1);
    }

    private static boolean nameChars(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-') return false;
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

    /**
     * Where the Hugging Face cache is looked for: environment variables and the home folder. Tests replace
     * {@link #environment} so that the real home folder is never read.
     */
    record Environment(Map<String, String> variables, Path home) {
        static Environment system() { return new Environment(System.getenv(), Path.of(System.getProperty("user.home", "."))); }

        /** The hub cache as huggingface_hub finds it, and which setting chose it. */
        HubCache hubCache() {
            for (String v : new String[] {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}) {
                String s = get(v);
                if (s != null) return new HubCache(expand(s), "$" + v);
            }
            String hfHome = get("HF_HOME");
            if (hfHome != null) return new HubCache(expand(hfHome).resolve("hub"), "$HF_HOME/hub");
            String xdg = get("XDG_CACHE_HOME");
            if (xdg != null) return new HubCache(expand(xdg).resolve("huggingface").resolve("hub"), "$XDG_CACHE_HOME/huggingface/hub");
            return new HubCache(home.resolve(".cache").resolve("huggingface").resolve("hub"), "~/.cache/huggingface/hub");
        }

        private String get(String name) {
            String s = variables.get(name);
            return s == null || s.isBlank() ? null : s.strip();
        }

        private Path expand(String s) {
            if (s.equals("~")) return home;
            if (s.startsWith("~/")) return home.resolve(s.substring(2));
            return Path.of(s);
        }
    }

    record HubCache(Path dir, String setting) {}

    /** A resolved MODEL: its config and where it was found (for reports). */
    record Loaded(ModelConfig config, String origin) {
        boolean builtIn() { return origin.startsWith("built-in"); }
    }

    /**
     * Whether MODEL, if it names a built-in config at all, resolves to it: not a hub id (the user's cache comes first for
     * those) and no file or folder of that name. Only a stat: {@link TreeCache} asks it before reading any config.
     */
    static boolean mayBeBuiltInName(String model) {
        if (model.isEmpty() || isHubId(model) || model.endsWith(".json")) return false;
        try {
            return !Files.exists(Path.of(model));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Replaced by tests; the process environment otherwise. */
    static volatile Environment environment = Environment.system();

    private ModelLoader() {}

    static ModelConfig load(String model) { return resolve(model).config(); }

    static Loaded resolve(String model) { return resolve(model, environment); }

    static Loaded resolve(String model, Environment env) {
        List<String> tried = new ArrayList<>();
        Path p = Path.of(model);
        if (Files.isDirectory(p)) {
            Path c = p.resolve("config.json");
            if (Files.isRegularFile(c)) return new Loaded(read(c, c.toString()), c.toString());
            tried.add(c + " (no such file)");
        } else if (Files.isRegularFile(p)) {
            return new Loaded(read(p, p.toString()), p.toString());
        } else if (model.endsWith(".json")) {
            throw UserError.usage("no such file: " + model);
        }
        if (!Files.isDirectory(p)) tried.add(p + " (no such file or folder)");
        boolean hubId = isHubId(model);
        if (hubId) {
            Optional<Loaded> cached = fromCache(model, env, tried);
            if (cached.isPresent()) return cached.get();
        }
        Optional<ModelConfig> builtIn = BuiltInModels.find(model);
        if (builtIn.isPresent()) {
            String hub = BuiltInModels.hubId(builtIn.get());
            return new Loaded(builtIn.get(), "built-in" + (hub.isEmpty() ? "" : " (" + hub + ")"));
        }
        tried.add("built-in models (" + String.join(", ", BuiltInModels.names()) + ")");
        if (!hubId && isBareName(model)) {
            Optional<Loaded> cached = fromCache(model, env, tried);
            if (cached.isPresent()) return cached.get();
        }
        String hint = hubId || isBareName(model)
                ? "; to use a model from the Hub, download its config once (huggingface-cli download " + model + " config.json) or pass a config.json"
                : "";
        throw UserError.usage("unknown model '" + model + "'; tried: " + String.join("; ", tried) + hint);
    }

    /** The repo's config.json in the Hugging Face cache: the snapshot refs/main names, else the newest snapshot that holds one. */
    private static Optional<Loaded> fromCache(String id, Environment env, List<String> tried) {
        HubCache cache = env.hubCache();
        Path repo = cache.dir().resolve("models--" + id.replace("/", "--"));
        String where = "Hugging Face cache " + cache.dir() + " (from " + cache.setting() + ")";
        if (!Files.isDirectory(repo)) {
            tried.add(where + ": no " + repo.getFileName());
            return Optional.empty();
        }
        Path snapshots = repo.resolve("snapshots");
        Path main = repo.resolve("refs").resolve("main");
        if (Files.isRegularFile(main)) {
            try {
                String commit = Files.readString(main, StandardCharsets.UTF_8).strip();
                Path c = snapshots.resolve(commit).resolve("config.json");
                if (!commit.isEmpty() && !commit.contains("/") && !commit.contains("\\") && Files.isRegularFile(c)) {
                    return Optional.of(new Loaded(read(c, id), c + " (refs/main)"));
                }
            } catch (IOException e) {
                // fall through to the newest snapshot
            }
        }
        Path newest = null;
        FileTime newestTime = null;
        if (Files.isDirectory(snapshots)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshots)) {
                for (Path snap : ds) {
                    Path c = snap.resolve("config.json");
                    if (!Files.isRegularFile(c)) continue; // a dangling link to a blob that was deleted counts as absent
                    FileTime t = Files.getLastModifiedTime(snap);
                    if (newest == null || t.compareTo(newestTime) > 0
                            || (t.equals(newestTime) && snap.getFileName().toString().compareTo(newest.getParent().getFileName().toString()) > 0)) {
                        newest = c;
                        newestTime = t;
                    }
                }
            } catch (IOException e) {
                throw UserError.failed("cannot read " + snapshots + ": " + IoMessages.reason(e));
            }
        }
        if (newest == null) {
            tried.add(where + ": " + repo.getFileName() + " has no snapshot holding a config.json");
            return Optional.empty();
        }
        return Optional.of(new Loaded(read(newest, id), newest + " (newest snapshot)"));
    }

    private static ModelConfig read(Path p, String name) {
        try {
            return ModelConfig.parse(name, Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw UserError.failed("cannot read " + p + ": " + IoMessages.reason(e));
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
    }
}
