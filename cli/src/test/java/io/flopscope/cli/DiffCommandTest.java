package io.flopscope.cli;

import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** flopscope diff against the transformers trees in the git-ignored .corpus/ (skipped without them). */
class DiffCommandTest {
    static final Path V444 = Path.of("../.corpus/transformers-4.44.0.dev0-50c3ba889a/src");
    static final Path V457 = Path.of("../.corpus/transformers-4.57.6/src");
    static final Path V517 = Path.of("../.corpus/transformers-5.17.0/src");
    static final Path V518 = Path.of("../.corpus/transformers-5.18.0/src");

    @Test void theBuiltInLibraryEqualsTheReleaseItWasGeneratedFrom() {
        assumeTrue(Files.isDirectory(V518), "skipped: " + V518 + " is absent (tools/fetch-corpus.sh)");
        for (String phase : new String[] {"prefill", "decode"}) {
            CliTest.Run r = run("diff", "Llama-2-7b-hf", "--source", V518.toString(), "--phase", phase);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("no difference"), r.out());
        }
    }

    /** The families added from 5.18: no difference from the release they came from, nor from 5.17. */
    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({"Qwen3-8B, 5.18", "Qwen3-30B-A3B, 5.18", "gemma-2-9b, 5.18", "gemma-3-1b-pt, 5.18", "DeepSeek-V3, 5.18", "phi-4, 5.18",
            "Llama-3.1-8B, 5.17", "gemma-3-1b-pt, 5.17", "Llama-3.3-70B-Instruct, 5.17"})
    void newFamiliesEqualTheirRelease(String model, String release) {
        Path src = release.equals("5.18") ? V518 : V517;
        assumeTrue(Files.isDirectory(src), "skipped: " + src + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("diff", model, "--source", src.toString(), "--phase", "decode", "--cache", "64");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no difference"), r.out());
    }

    @Test void anEarlierReleaseShowsWhatChanged() {
        assumeTrue(Files.isDirectory(V444), "skipped: " + V444 + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("diff", "Meta-Llama-3-8B", "--source", V444.toString(), "--phase", "decode", "--cache", "128");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("LlamaAttention → LlamaSdpaAttention"), r.out());
        // 4.44 copies grouped keys and values with repeat_kv where 5.x hands them to SDPA (enable_gqa)
        assertTrue(r.out().contains("+ line 642") && r.out().contains("reshape (copy)"), r.out());
        assertEquals(2, run("diff", "gpt2").code(), "--source is required");
        assertEquals(2, run("diff", "gpt2", "--source", V444.toString(), "--batch", "1,2").code());
    }

    /** 5.17's grouped_mm experts mask expert-parallel sentinels unconditionally; 5.18 only under expert parallelism. */
    @Test void qwen3MoeOn517MasksSentinelRows() {
        assumeTrue(Files.isDirectory(V517), "skipped: " + V517 + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("diff", "Qwen3-30B-A3B", "--source", V517.toString(), "--phase", "decode", "--cache", "64");
        assertEquals(1, r.code(), r.out() + r.err());
        String kernels = r.out().substring(r.out().indexOf("Kernels on one side only"));
        assertTrue(kernels.contains("+ line 421   clamp_") && kernels.contains("masked_fill"), kernels);
        assertTrue(!kernels.contains("- line"), "5.18 has nothing 5.17 lacks: " + kernels);
    }

    /** Gemma 3 on 4.57 computes both rotary embeddings every forward (modeling_gemma3.py:559-560); 5.x one per layer type. */
    @Test void gemma3On457ComputesBothRotaryEmbeddings() {
        assumeTrue(Files.isDirectory(V457), "skipped: " + V457 + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("diff", "gemma-3-1b-pt", "--source", V457.toString(), "--phase", "prefill", "--seq", "16");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("rotary_emb"), r.out());
    }
}
