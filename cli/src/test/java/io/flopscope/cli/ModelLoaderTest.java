package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.formula.Rational;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MODEL resolution: a path, the Hugging Face cache (a fake one in a temp folder), the built-in configs, in that order. */
class ModelLoaderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /** An environment whose only variables are these, with a home folder inside the temp dir (never the real one). */
    ModelLoader.Environment env(String... kv) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) vars.put(kv[i], kv[i + 1]);
        return new ModelLoader.Environment(vars, tmp.resolve("home"));
    }

    /** A config.json in the cache's layout: snapshots/<commit>/config.json links to blobs/<name>, as huggingface_hub writes it. */
    static Path cache(Path hub, String repoId, String commit, String configJson) throws IOException {
        Path repo = hub.resolve("models--" + repoId.replace("/", "--"));
        Path blob = repo.resolve("blobs").resolve("blob-" + commit);
        Files.createDirectories(blob.getParent());
        Files.writeString(blob, configJson, StandardCharsets.UTF_8);
        Path snap = repo.resolve("snapshots").resolve(commit);
        Files.createDirectories(snap);
        Path cfg = snap.resolve("config.json");
        try {
            Files.createSymbolicLink(cfg, snap.relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, cfg);
        }
        return snap;
    }

    /** The built-in config of a model with n layers and without the _flopscope block, as a user's download would be. */
    static String configWithLayers(String builtIn, String layerField, int layers) throws IOException {
        ObjectNode o = (ObjectNode) JSON.readTree(BuiltInModels.find(builtIn).orElseThrow().raw().toString());
        o.remove("_flopscope");
        o.put(layerField, layers);
        return JSON.writeValueAsString(o);
    }

    static long layers(ModelLoader.Loaded l, String field) { return l.config().value(field).orElseThrow().num().longValueExact(); }

    @Test void hubIdFromTheCacheBeforeTheBuiltIns() throws IOException {
        Path hub = tmp.resolve("hf").resolve("hub");
        cache(hub, "meta-llama/Llama-2-7b-hf", "aaaa", configWithLayers("Llama-2-7b-hf", "num_hidden_layers", 2));
        ModelLoader.Loaded l = ModelLoader.resolve("meta-llama/Llama-2-7b-hf", env("HF_HOME", tmp.resolve("hf").toString()));
        assertEquals(2, layers(l, "num_hidden_layers"), "the user's cached config wins over the built-in one");
        assertEquals("meta-llama/Llama-2-7b-hf", l.config().name());
        assertTrue(l.origin().contains("snapshots") && l.origin().contains("aaaa"), l.origin());
        assertTrue(BuiltInModels.publishedParameters(l.config()).isEmpty(), "a downloaded config carries no published count");

        // without a cache entry the built-in config answers, by hub id
        ModelLoader.Loaded b = ModelLoader.resolve("meta-llama/Llama-2-13b-hf", env("HF_HOME", tmp.resolve("hf").toString()));
        assertEquals(40, layers(b, "num_hidden_layers"));
        assertEquals("Llama-2-13b-hf", b.config().name());
        assertEquals("built-in (meta-llama/Llama-2-13b-hf)", b.origin());
    }

    @Test void refsMainElseTheNewestSnapshot() throws IOException {
        Path hub = tmp.resolve("hub");
        Path old = cache(hub, "openai-community/gpt2", "1111", configWithLayers("gpt2", "n_layer", 1));
        Path newer = cache(hub, "openai-community/gpt2", "2222", configWithLayers("gpt2", "n_layer", 2));
        Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(newer, FileTime.fromMillis(1_700_000_000_000L));
        ModelLoader.Environment e = env("HF_HUB_CACHE", hub.toString());
        ModelLoader.Loaded l = ModelLoader.resolve("openai-community/gpt2", e);
        assertEquals(2, layers(l, "n_layer"), "the newest snapshot");
        assertTrue(l.origin().contains("2222") && l.origin().contains("newest"), l.origin());

        // refs/main names the snapshot transformers would load offline: it wins even when older
        Path refs = hub.resolve("models--openai-community--gpt2").resolve("refs");
        Files.createDirectories(refs);
        Files.writeString(refs.resolve("main"), "1111");
        l = ModelLoader.resolve("openai-community/gpt2", e);
        assertEquals(1, layers(l, "n_layer"));
        assertTrue(l.origin().contains("1111") && l.origin().contains("refs/main"), l.origin());

        // a ref to a snapshot that is gone falls back to the newest
        Files.writeString(refs.resolve("main"), "9999\n");
        assertEquals(2, layers(ModelLoader.resolve("openai-community/gpt2", e), "n_layer"));
    }

    @Test void danglingLinksAndEmptySnapshotsAreSkipped() throws IOException {
        Path hub = tmp.resolve("hub");
        cache(hub, "Qwen/Qwen2.5-0.5B", "good", configWithLayers("Qwen2.5-0.5B", "num_hidden_layers", 3));
        Path bad = cache(hub, "Qwen/Qwen2.5-0.5B", "bad", "{}");
        Files.setLastModifiedTime(bad, FileTime.fromMillis(System.currentTimeMillis() + 100_000));
        Files.delete(hub.resolve("models--Qwen--Qwen2.5-0.5B").resolve("blobs").resolve("blob-bad"));
        if (Files.isSymbolicLink(bad.resolve("config.json"))) {
            ModelLoader.Loaded l = ModelLoader.resolve("Qwen/Qwen2.5-0.5B", env("HF_HUB_CACHE", hub.toString()));
            assertEquals(3, layers(l, "num_hidden_layers"), "the newer snapshot's config.json points at a deleted blob");
        }
        // a repository folder without any config.json: the built-in config, and the message would name it
        Files.createDirectories(hub.resolve("models--google--gemma-2b").resolve("snapshots").resolve("x"));
        ModelLoader.Loaded g = ModelLoader.resolve("google/gemma-2b", env("HF_HUB_CACHE", hub.toString()));
        assertEquals("gemma-2b", g.config().name());
        UserError err = assertThrows(UserError.class, () -> ModelLoader.resolve("google/gemma-9b", env("HF_HUB_CACHE", hub.toString())));
        assertTrue(err.getMessage().contains("no models--google--gemma-9b"), err.getMessage());
    }

    @Test void whichCacheFolder() {
        Path home = tmp.resolve("home");
        assertEquals(home.resolve(".cache/huggingface/hub"), env().hubCache().dir());
        assertEquals(Path.of("/x/huggingface/hub"), env("XDG_CACHE_HOME", "/x").hubCache().dir());
        assertEquals(Path.of("/h/hub"), env("XDG_CACHE_HOME", "/x", "HF_HOME", "/h").hubCache().dir());
        assertEquals(home.resolve("hf/hub"), env("HF_HOME", "~/hf").hubCache().dir());
        assertEquals(Path.of("/legacy"), env("HF_HOME", "/h", "HUGGINGFACE_HUB_CACHE", "/legacy").hubCache().dir());
        ModelLoader.HubCache c = env("HF_HOME", "/h", "HUGGINGFACE_HUB_CACHE", "/legacy", "HF_HUB_CACHE", "/c").hubCache();
        assertEquals(Path.of("/c"), c.dir());
        assertEquals("$HF_HUB_CACHE", c.setting());
        assertEquals(home.resolve(".cache/huggingface/hub"), env("HF_HOME", "  ").hubCache().dir(), "blank variables are unset");
    }

    @Test void pathsFirstThenBareNamesFromTheBuiltInsThenTheCache() throws IOException {
        Path hub = tmp.resolve("hub");
        ModelLoader.Environment e = env("HF_HUB_CACHE", hub.toString());
        // a config.json path, and a folder holding one
        Path dir = Files.createDirectories(tmp.resolve("my-model"));
        Files.writeString(dir.resolve("config.json"), configWithLayers("gpt2", "n_layer", 5));
        assertEquals(5, layers(ModelLoader.resolve(dir.toString(), e), "n_layer"));
        assertEquals(5, layers(ModelLoader.resolve(dir.resolve("config.json").toString(), e), "n_layer"));
        // a bare name that is built in: the built-in config, even when a legacy repo of that name is cached
        cache(hub, "gpt2", "c0", configWithLayers("gpt2", "n_layer", 7));
        ModelLoader.Loaded g = ModelLoader.resolve("gpt2", e);
        assertEquals(12, layers(g, "n_layer"));
        assertEquals("built-in (openai-community/gpt2)", g.origin());
        // aliases
        assertEquals("Llama-2-70b-hf", ModelLoader.resolve("Llama-2-70b", e).config().name());
        // a bare name that is not built in: a legacy hub id from the cache
        cache(hub, "t5-small", "c1", "{\"model_type\": \"t5\", \"architectures\": [\"T5ForConditionalGeneration\"], \"d_model\": 512}");
        ModelLoader.Loaded t5 = ModelLoader.resolve("t5-small", e);
        assertEquals("t5-small", t5.config().name());
        assertEquals(Rational.of(512), t5.config().value("d_model").orElseThrow());
    }

    @Test void unknownModelsNameEveryPlaceTried() {
        ModelLoader.Environment e = env("HF_HOME", tmp.resolve("hf").toString());
        UserError err = assertThrows(UserError.class, () -> ModelLoader.resolve("acme/no-such-model", e));
        String m = err.getMessage();
        assertEquals(ExitCodes.USAGE, err.exitCode);
        assertTrue(m.startsWith("unknown model 'acme/no-such-model'; tried: "), m);
        assertTrue(m.contains("acme/no-such-model (no such file or folder)"), m);
        assertTrue(m.contains("Hugging Face cache " + tmp.resolve("hf").resolve("hub") + " (from $HF_HOME/hub): no models--acme--no-such-model"), m);
        assertTrue(m.contains("built-in models (gpt2, gpt2-medium"), m);
        assertTrue(m.contains("huggingface-cli download acme/no-such-model config.json"), m);
        assertTrue(m.indexOf("no such file") < m.indexOf("Hugging Face cache") && m.indexOf("Hugging Face cache") < m.indexOf("built-in models"),
                "in the order tried: " + m);

        err = assertThrows(UserError.class, () -> ModelLoader.resolve("nonesuch", e));
        assertTrue(err.getMessage().indexOf("built-in models") < err.getMessage().indexOf("Hugging Face cache"), "bare names: built-ins first");
        err = assertThrows(UserError.class, () -> ModelLoader.resolve(tmp.resolve("missing.json").toString(), e));
        assertTrue(err.getMessage().startsWith("no such file: "), err.getMessage());
    }

    @Test void brokenConfigsAreErrorsNotUsage() throws IOException {
        Path hub = tmp.resolve("hub");
        cache(hub, "acme/broken", "c", "{not json");
        UserError err = assertThrows(UserError.class, () -> ModelLoader.resolve("acme/broken", env("HF_HUB_CACHE", hub.toString())));
        assertEquals(ExitCodes.ERRORS, err.exitCode);
        assertTrue(err.getMessage().contains("acme/broken: not a valid config.json"), err.getMessage());
    }

    @Test void theProcessEnvironmentIsTheDefault() {
        assertFalse(ModelLoader.environment.home().toString().isEmpty());
    }

    /** The tree cache keys an entry by the name only where the name cannot mean anything before the built-ins. */
    @Test void whichNamesMayBeBuiltIns() throws IOException {
        assertTrue(ModelLoader.mayBeBuiltInName("gpt2"));
        assertTrue(ModelLoader.mayBeBuiltInName("Llama-2-7b"));
        assertFalse(ModelLoader.mayBeBuiltInName("openai-community/gpt2"), "a hub id: the user's cache comes first");
        assertFalse(ModelLoader.mayBeBuiltInName("model.json"));
        assertFalse(ModelLoader.mayBeBuiltInName(""));
        Path folder = Files.createDirectories(tmp.resolve("gpt2"));
        assertFalse(ModelLoader.mayBeBuiltInName(folder.toString()), "a folder of that name comes first");
        assertFalse(ModelLoader.mayBeBuiltInName("bad\0name"), "not a path at all");
    }
}
