package io.flopscope.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentRoundTripTest {
    /** Every built-in analysis reads back equal from the Markdown and the JSON FlopScope writes. */
    @Test void builtInDocumentsRoundTripThroughMarkdownAndJson() {
        Library lib = Library.builtIn();
        int n = lib.entries().size(); // loads every document
        assertTrue(lib.problems().isEmpty(), () -> "built-in library has problems: " + lib.problems());
        assertTrue(n >= 33, "expected the primitives and GPT-2, got " + n);
        for (LibraryEntry e : lib.entries()) {
            ModuleAnalysis a = e.analysis();
            String md = MarkdownWriter.write(a);
            ParsedDocument back = MarkdownReader.read("roundtrip.md", md);
            assertEquals(List.of(), back.problems(), a.className());
            assertEquals(a, back.analysis(), a.className());
            assertEquals(a, JsonCodec.read(JsonCodec.write(a)), a.className());
            assertEquals(md, MarkdownWriter.write(back.analysis()), "writing is stable: " + a.className());
        }
    }

    /**
     * A two-phase document: a kernel of one phase says so in words, one whose sizes differ is one entry with both
     * formulas, and each reads back as the weighted kernels it was written from, in the same order.
     */
    @Test void phasesAreWrittenSideBySideAndReadBackAsWeights() {
        String pre = PhaseWeight.weighted("prefill", null), dec = PhaseWeight.weighted("decode", null);
        Kernel addP = new Kernel(LineRange.of(7), "add", "Forward", "y = x + b", KernelType.BASIC, "element-wise add", "one add per element of [batch_size, seq_len, 8].",
                FlopClass.VECTOR, "batch_size * seq_len * 8", "2 * a_bytes * batch_size * seq_len * 8", "a_bytes * batch_size * seq_len * 8", pre, false, "");
        Kernel addD = new Kernel(LineRange.of(7), "add", "Forward", "y = x + b", KernelType.BASIC, "element-wise add", "one add per element of [batch_size, 1, 8].",
                FlopClass.VECTOR, "batch_size * 8", "2 * a_bytes * batch_size * 8", "a_bytes * batch_size * 8", dec, false, "");
        Kernel cat = new Kernel(LineRange.of(8), "cat", "Forward", "k = torch.cat([c, k])", KernelType.BASIC, "concatenate (copy)", "copies the cache.",
                FlopClass.VECTOR, "0", "a_bytes * batch_size * cache_len * 8", "a_bytes * batch_size * (cache_len + 1) * 8", PhaseWeight.weighted("decode", "2"), false, "");
        ModuleAnalysis a = new ModuleAnalysis("pkg.Mod", new SourceLocation("mod.py", "Mod", 1, null, null), List.of("prefill and decode together"), List.of(),
                List.of(), List.of(), List.of(addP, addD, cat), "");
        String md = MarkdownWriter.write(a);
        assertTrue(md.contains("- **Phase**: prefill and decode, with different sizes\n- **FLOPs**:\n  - Prefill: batch_size * seq_len * 8\n  - Decode: batch_size * 8\n"), md);
        assertTrue(md.contains("  - Read, decode: 2 * a_bytes * batch_size * 8\n"), md);
        assertTrue(md.contains("- **Phase**: decode only\n") && md.contains("- **Repeat**: 2\n"), md);
        assertTrue(!md.contains("positive(cache_len)"), "no weight in the Markdown: " + md);
        assertEquals(1, md.split("\\*\\*Line 7: add\\*\\*", -1).length - 1, "one entry for both phases");
        ParsedDocument back = MarkdownReader.read("m.md", md);
        assertEquals(List.of(), back.problems());
        assertEquals(a, back.analysis());
        // a hand-written entry: a term without a phase counts in both
        String hand = md.replace("  - Read, decode: 2 * a_bytes * batch_size * 8\n", "  - Read, decode: a_bytes * batch_size * 8\n  - Read: a_bytes * batch_size * 8\n");
        Kernel d = MarkdownReader.read("h.md", hand).analysis().kernels().get(1);
        assertEquals("a_bytes * batch_size * 8 + a_bytes * batch_size * 8", d.read());
        assertEquals(dec, d.repeat());
        // prose bullets that begin with a phase's name, in an entry without Phase, stay prose
        String prose = "# Computational Cost Analysis: pkg.P\n\n## Line-by-Line Computational Analysis\n\n**Line 3: add**\n- **Kernel Type**: basic\n"
                + "- **Operation**: add\n- **Analysis**: one add per element\n  - Prefill: the prompt's tokens\n- **FLOPs**: seq_len\n- **Memory Access**: Read: 0, Write: 0\n";
        ParsedDocument pd = MarkdownReader.read("p.md", prose);
        assertEquals(List.of(), pd.problems());
        assertEquals("one add per element\n- Prefill: the prompt's tokens", pd.analysis().kernels().get(0).analysis());
        assertEquals(null, pd.analysis().kernels().get(0).repeat());
        String bad = md.replace("- **Phase**: decode only", "- **Phase**: sometimes");
        assertTrue(MarkdownReader.read("b.md", bad).problems().stream().anyMatch(p -> p.isError() && p.message().contains("Phase must be")));
    }

    /** Golden file: the Markdown written for Linear. Set -Dflopscope.acceptGolden=true to accept a change. */
    @Test void markdownWriterGoldenFile() throws Exception {
        ModuleAnalysis linear = Library.builtIn().analysis("torch.nn.Linear").orElseThrow();
        ModuleAnalysis withCode = new ModuleAnalysis(linear.className(), linear.source(), linear.conditions(),
                List.of(new SkippedBranch(List.of(new LineRange(10, 12), LineRange.of(15)), "training only")),
                linear.parameters(), List.of(new Variable("width", "in_features * 2", "an example binding"), new Variable("note", null, "prose only")),
                List.of(linear.kernels().get(0).withCode("return F.linear(input, self.weight, self.bias)"), linear.kernels().get(1)), linear.summary());
        golden("linear.md", MarkdownWriter.write(withCode));
        golden("linear.json", JsonCodec.write(withCode));
        assertEquals(withCode, MarkdownReader.read("x.md", MarkdownWriter.write(withCode)).analysis());
    }

    static void golden(String name, String actual) throws Exception {
        Path p = Path.of("src/test/resources/io/flopscope/golden", name);
        if (Boolean.getBoolean("flopscope.acceptGolden")) {
            Files.writeString(p, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(p)) fail("golden file " + p + " is missing; run: mvn -pl core test -Dtest=DocumentRoundTripTest -Dflopscope.acceptGolden=true");
        String expected = Files.readString(p, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            String[] e = expected.split("\n", -1), a = actual.split("\n", -1);
            StringBuilder diff = new StringBuilder("golden file " + p + " differs (accept with -Dflopscope.acceptGolden=true):\n");
            for (int i = 0; i < Math.max(e.length, a.length); i++) {
                String el = i < e.length ? e[i] : "<eof>", al = i < a.length ? a[i] : "<eof>";
                if (!el.equals(al)) diff.append("@").append(i + 1).append("\n- ").append(el).append("\n+ ").append(al).append('\n');
            }
            fail(diff.toString());
        }
    }

    @Test void tolerantReadingOfHandWrittenForms() {
        String md = """
                # Computational Cost Analysis: demo.Mod

                ## Source Code Location
                - **File**: `demo.py`
                - **Class**: `Mod` (line 3)
                - **Forward Method**: Lines 10-30

                ## Line-by-Line Computational Analysis

                **Line 12: one-line memory**
                - Kernel Type: basic
                - Operation: add
                - **FLOPs:** batch_size * seq_len (one per element)
                - **Memory Access**: Read: 2 * batch_size * 4 bytes, Write: batch_size * 4

                **Line 14-15: terms**
                - **Kernel Type**: composite + basic
                - **Operation**: embedding lookups
                - **Analysis**: Skip for standard inference.
                - **FLOPs**:
                  - ${torch.nn.Embedding}(num_embeddings=10, embedding_dim=4) (for wte)
                  - batch_size
                - **Memory Access**:
                  - ${torch.nn.Embedding}(num_embeddings=10, embedding_dim=4)
                """;
        ParsedDocument d = MarkdownReader.read("demo.md", md);
        assertEquals(List.of(), d.problems());
        ModuleAnalysis a = d.analysis();
        assertEquals("demo.Mod", a.className());
        assertEquals(3, a.source().classLine());
        assertEquals(new LineRange(10, 30), a.source().forward());
        Kernel k0 = a.kernels().get(0);
        assertEquals("batch_size * seq_len", k0.flops());
        assertEquals("2 * batch_size * 4", k0.read());
        assertEquals("batch_size * 4", k0.write());
        assertEquals(KernelType.BASIC, k0.type());
        Kernel k1 = a.kernels().get(1);
        assertEquals(KernelType.COMPOSITE, k1.type());
        assertTrue(k1.optional());
        assertEquals("${torch.nn.Embedding}(num_embeddings=10, embedding_dim=4) + batch_size", k1.flops());
        assertEquals("${torch.nn.Embedding}(num_embeddings=10, embedding_dim=4)", k1.read());
        assertEquals(k1.read(), k1.write());
        assertEquals(new LineRange(14, 15), k1.lines());
    }
}
