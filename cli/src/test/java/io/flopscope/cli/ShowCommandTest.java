package io.flopscope.cli;

import static io.flopscope.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flopscope.document.MarkdownReader;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ShowCommandTest {
    @Test void builtInAnalysesShipWithoutCode() {
        CliTest.Run r = run("show", "Llama-2-7b-hf");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# Computational Cost Analysis: transformers.models.llama.modeling_llama.LlamaForCausalLM"), r.out());
        assertFalse(r.out().contains("```python"), "no code in the built-in library");
        CliTest.Run all = run("show", "Llama-2-7b-hf", "--all");
        assertEquals(0, all.code(), all.err());
        for (String c : new String[] {"LlamaModel", "LlamaDecoderLayer", "LlamaAttention", "LlamaMLP", "LlamaRMSNorm", "torch.nn.modules.linear.Linear"}) {
            assertTrue(all.out().contains("# Computational Cost Analysis: ") && all.out().contains(c), c);
        }
        assertEquals(0, run("show", "torch.nn.Linear").code());
        assertEquals(1, run("show", "NoSuchModel").code());
        assertEquals(2, run("show", "gpt2", "--format", "csv").code());
    }

    @Test void sourceOfTheSameReleaseFillsInTheCode() {
        assumeTrue(Files.isDirectory(DiffCommandTest.V518), "skipped: " + DiffCommandTest.V518 + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("show", "Llama-2-7b-hf", "--all", "--source", DiffCommandTest.V518.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))"), "LlamaMLP's forward line");
        // each document still reads back (a docstring's ``` example stays inside a longer fence)
        String first = r.out().substring(0, r.out().indexOf("\n# Computational Cost Analysis: ", 10));
        assertTrue(MarkdownReader.read("show", first).problems().isEmpty());
    }

    @Test void sourceOfAnotherReleaseIsRefused() {
        assumeTrue(Files.isDirectory(DiffCommandTest.V444), "skipped: " + DiffCommandTest.V444 + " is absent (tools/fetch-corpus.sh)");
        CliTest.Run r = run("show", "Llama-2-7b-hf", "--source", DiffCommandTest.V444.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("another release"), r.err());
        assertFalse(r.out().contains("```python"));
    }
}
