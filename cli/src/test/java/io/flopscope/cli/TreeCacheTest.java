package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.library.Library;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolved-tree cache gives back exactly the tree it was given, and `cost` prints the same with it as without. */
class TreeCacheTest {
    @TempDir Path dir;
    private Supplier<String> code;

    @BeforeEach void on() {
        code = TreeCache.code;
        TreeCache.code = () -> "test build 1\n"; // tests run from class folders, which have no identity of their own
        System.setProperty("flopscope.cache", dir.toString());
    }

    @AfterEach void off() {
        TreeCache.code = code;
        System.clearProperty("flopscope.cache");
    }

    @Test void everyBuiltInModelReadsBackEqual() throws Exception {
        for (String name : BuiltInModels.names()) {
            ModelConfig config = BuiltInModels.find(name).orElseThrow();
            ResolvedModel rm = ResolvedModel.of(config, null, Library.builtIn(), false, new PrintWriter(new StringWriter()));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TreeCache.encode(bytes, rm);
            ResolvedModel back = TreeCache.decode(bytes.toByteArray(), config);
            assertEquals(rm.resolution().root(), back.resolution().root(), name);
            assertEquals(rm.resolution().diagnostics(), back.resolution().diagnostics(), name);
            assertEquals(rm.rootClass(), back.rootClass(), name);
            assertEquals(rm.prefillOnly(), back.prefillOnly(), name);
        }
    }

    static CliTest.Run uncached(String... args) {
        String d = System.clearProperty("flopscope.cache");
        try {
            return CliTest.run(args);
        } finally {
            System.setProperty("flopscope.cache", d);
        }
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".tree")).sorted().toList();
        }
    }

    @Test void costPrintsTheSameWhetherTheTreeIsResolvedOrRead() throws Exception {
        String[][] lines = {
            {"cost", "gpt2"}, {"cost", "gpt2", "--format", "json"}, {"cost", "gpt2", "--attn", "eager"}, {"cost", "gpt2", "--causal"},
            {"cost", "gpt2", "--set", "n_layer=2"}, {"cost", "Mixtral-8x7B-v0.1", "--phase", "decode", "--set", "moe_experts_hit=2"},
            {"cost", "bert-base-uncased", "--phase", "decode"}, {"cost", "gpt2", "--module", "transformers.models.gpt2.modeling_gpt2.GPT2MLP"},
            {"cost", "gpt2", "--batch", "1,2", "--seq", "64:128:x2"},
        };
        for (String[] line : lines) {
            CliTest.Run plain = uncached(line);
            assertEquals(plain, CliTest.run(line), "written: " + List.of(line));
            assertEquals(plain, CliTest.run(line), "read: " + List.of(line));
        }
        // each different line that resolves a tree has its own entry (the two gpt2 formats and the sweep share one)
        assertEquals(7, entries().size());
    }

    /** --config's values are part of the key: a cached built-in model follows the file, and a changed file is a miss. */
    @Test void aConfigFileIsPartOfTheKey() throws Exception {
        Path cfg = dir.resolve("override.json");
        Files.writeString(cfg, "{\"n_layer\": 2}");
        String[] line = {"cost", "gpt2", "--config", cfg.toString(), "--format", "csv"};
        CliTest.Run two = uncached(line);
        assertEquals(two, CliTest.run(line), "written");
        assertEquals(two, CliTest.run(line), "read");
        assertEquals(uncached("cost", "gpt2", "--set", "n_layer=2", "--format", "csv").out(), two.out());
        Files.writeString(cfg, "{\"n_layer\": 3}");
        CliTest.Run three = CliTest.run(line);
        assertEquals(uncached(line), three);
        assertTrue(!three.out().equals(two.out()));
    }

    @Test void aBuiltInNameFindsItsEntryWithTheConfigInIt() throws Exception {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        ResolvedModel first = TreeCache.resolve("gpt2", new SourceOptions(), null, new LibraryOptions(), false, quiet);
        ResolvedModel read = TreeCache.resolve("gpt2", new SourceOptions(), null, new LibraryOptions(), false, quiet);
        assertEquals(1, entries().size(), "one entry, keyed by the name");
        ModelConfig builtIn = BuiltInModels.find("gpt2").orElseThrow();
        assertEquals(builtIn.name(), read.config().name());
        assertEquals(builtIn.raw(), read.config().raw(), "the config comes back from the entry");
        assertEquals(builtIn.familyJson(), read.config().familyJson());
        assertEquals(first.resolution().root(), read.resolution().root());
        // another spelling of the same model is another entry; --set applies to the config read back
        SourceOptions two = new SourceOptions();
        two.sets.add("n_layer=2");
        TreeCache.resolve("gpt2", two, null, new LibraryOptions(), false, quiet);
        ResolvedModel twoRead = TreeCache.resolve("gpt2", two, null, new LibraryOptions(), false, quiet);
        assertEquals(java.util.Optional.of(io.flopscope.formula.Rational.of(2)), twoRead.config().value("n_layer"));
        assertEquals(2, entries().size());
    }

    @Test void aBrokenOrForeignEntryIsResolvedAgain() throws Exception {
        CliTest.Run plain = uncached("cost", "gpt2");
        assertEquals(plain, CliTest.run("cost", "gpt2"));
        Path entry = entries().get(0);
        var written = Files.getLastModifiedTime(entry);
        assertEquals(plain, CliTest.run("cost", "gpt2"));
        assertEquals(written, Files.getLastModifiedTime(entry), "read, not written again");
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertEquals(plain, CliTest.run("cost", "gpt2"));
        assertEquals(whole.length, Files.size(entry), "rewritten whole");
        // a new build never reads the old one's entries, and removes them
        TreeCache.code = () -> "test build 2\n";
        assertEquals(plain, CliTest.run("cost", "gpt2"));
        List<Path> now = entries();
        assertEquals(1, now.size());
        assertNotEquals(entry.getParent(), now.get(0).getParent());
    }

    @Test void aDifferentConfigFileIsADifferentEntry() throws Exception {
        Path cfg = dir.resolve("model");
        Files.createDirectories(cfg);
        String gpt2 = new String(BuiltInModels.class.getResourceAsStream("/io/flopscope/models/gpt2.json").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(cfg.resolve("config.json"), gpt2);
        CliTest.Run full = CliTest.run("cost", cfg.toString());
        assertEquals(uncached("cost", cfg.toString()), full);
        Files.writeString(cfg.resolve("config.json"), gpt2.replace("\"n_layer\": 12", "\"n_layer\": 3"));
        CliTest.Run three = CliTest.run("cost", cfg.toString());
        assertEquals(uncached("cost", cfg.toString()), three);
        assertNotEquals(full.out(), three.out());
    }

    @Test void libraryFoldersAreNeverCached() throws Exception {
        Path lib = dir.resolve("lib");
        Files.createDirectories(lib);
        assertEquals(uncached("cost", "gpt2", "--library", lib.toString()), CliTest.run("cost", "gpt2", "--library", lib.toString()));
        assertTrue(entries().isEmpty());
    }
}
