package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    static final String MINIGPT = "../fixtures/python/minigpt.py";
    static final String[] MINI_CONFIG = {"--set", "vocab_size=512", "--set", "block_size=64", "--set", "n_layer=2", "--set", "n_head=4", "--set", "n_embd=64"};

    static CliTest.Run run(List<String> args) { return CliTest.run(args.toArray(String[]::new)); }

    static List<String> args(String... a) { return new ArrayList<>(List.of(a)); }

    @Test void analyzeWritesValidDocumentsWithFullCoverage(@TempDir Path out) throws Exception {
        List<String> a = args("analyze", MINIGPT, "--class", "GPT", "--out", out.toString(), "--format", "both");
        a.addAll(List.of(MINI_CONFIG));
        CliTest.Run r = run(a);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("total") && r.err().contains("100.0%"), r.err());
        List<Path> md;
        try (Stream<Path> s = Files.list(out)) { md = s.filter(p -> p.toString().endsWith(".md")).sorted().toList(); }
        assertEquals(4, md.size(), md.toString());
        try (Stream<Path> s = Files.list(out)) { assertEquals(4, s.filter(p -> p.toString().endsWith(".json")).count()); }
        List<String> v = args("validate");
        md.forEach(p -> v.add(p.toString()));
        CliTest.Run val = run(v);
        assertEquals(0, val.code(), val.out());
        assertTrue(val.out().lines().filter(l -> l.contains("kernels")).allMatch(l -> l.contains(" 0 errors")), val.out());
        // the code of each kernel is read from the user's file at run time
        assertTrue(Files.readString(out.resolve("minigpt.CausalSelfAttention.md")).contains("F.scaled_dot_product_attention"));
    }

    @Test void costFromSourceMatchesTheOracle() throws Exception {
        List<String> a = args("cost", "--source", MINIGPT, "--class", "GPT", "--batch", "3", "--seq", "7", "--format", "json");
        a.addAll(List.of(MINI_CONFIG));
        CliTest.Run r = run(a);
        assertEquals(0, r.code(), r.err());
        // EXPECT line of fixtures/python/minigpt.py: FlopCounterMode's count for batch 3, seq 7
        assertEquals(4400640L, new ObjectMapper().readTree(r.out()).at("/totals/matmul_flops").asLong());
    }

    @Test void unanalysedLinesMakeAnalyzeExitOneUnlessAllowed(@TempDir Path out) {
        String broken = "../analyzer/src/test/resources/io/flopscope/analyzer/broken/models.py";
        CliTest.Run r = run(args("analyze", broken, "--class", "Root", "--out", out.toString()));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("models.py:16: warning: unanalysed: call to torch.fft.fft is not modelled"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test void allowUnanalysedAcceptsAGapButNotAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gap.py");
        Files.writeString(f, "import torch\nimport torch.nn as nn\n\n\nclass Gap(nn.Module):\n    def __init__(self, dim: int = 8):\n"
                + "        super().__init__()\n        self.proj = nn.Linear(dim, dim)\n\n    def forward(self, x):\n"
                + "        y = torch.fft.fft(x)\n        return self.proj(x)\n");
        CliTest.Run strict = run(args("analyze", f.toString(), "--class", "Gap"));
        assertEquals(1, strict.code(), strict.err());
        assertTrue(strict.err().contains("gap.py:11: warning: unanalysed: call to torch.fft.fft"), strict.err());
        CliTest.Run allowed = run(args("analyze", f.toString(), "--class", "Gap", "--allow-unanalysed"));
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.out().contains("- **Status**: unanalysed: call to torch.fft.fft"), allowed.out());
    }

    @Test void badArgumentsAreUsageErrors() {
        assertEquals(2, run(args("analyze", "no/such/dir", "--class", "X")).code());
        CliTest.Run r = run(args("analyze", MINIGPT, "--class", "Nope"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no class Nope"), r.err());
        assertEquals(2, run(args("analyze", MINIGPT, "--class", "GPT", "--phase", "sideways")).code());
    }
}
