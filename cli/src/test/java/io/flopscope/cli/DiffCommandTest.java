package io.flopscope.cli;

import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** flopscope diff against the transformers trees in the git-ignored .corpus/ (skipped without them). */
class DiffCommandTest {
    static final Path V444 = Path.of("../.corpus/transformers-4.44.0.dev0-50c3ba889a/src");
    static final Path V50 = Path.of("../.corpus/transformers-5.0.0.dev0-d6a6c82680/src");

    @Test void theBuiltInLibraryEqualsTheReleaseItWasGeneratedFrom() {
        assumeTrue(Files.isDirectory(V444), "skipped: " + V444 + " is absent (fetch transformers 4.44 into .corpus/)");
        for (String phase : new String[] {"prefill", "decode"}) {
            CliTest.Run r = run("diff", "Llama-2-7b-hf", "--source", V444.toString(), "--phase", phase);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("no difference"), r.out());
        }
    }

    @Test void aLaterReleaseShowsWhatChanged() {
        assumeTrue(Files.isDirectory(V50), "skipped: " + V50 + " is absent (fetch transformers 5.0 into .corpus/)");
        CliTest.Run r = run("diff", "Meta-Llama-3-8B", "--source", V50.toString(), "--phase", "decode", "--cache", "128");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("LlamaSdpaAttention → LlamaAttention"), r.out());
        // 5.x hands grouped keys and values to SDPA instead of copying them with repeat_kv
        assertTrue(r.out().contains("- line 642") && r.out().contains("reshape (copy)"), r.out());
        assertEquals(2, run("diff", "gpt2").code(), "--source is required");
        assertEquals(2, run("diff", "gpt2", "--source", V50.toString(), "--batch", "1,2").code());
    }
}
