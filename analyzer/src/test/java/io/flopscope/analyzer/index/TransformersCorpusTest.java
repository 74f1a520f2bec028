package io.flopscope.analyzer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.parse.PythonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against the real transformers sources in the git-ignored {@code .corpus/} (see .corpus/INDEX.md); skipped, with a
 * message, where the corpus is absent.
 */
class TransformersCorpusTest {
    private static final String RELEASE = "transformers-4.44.0.dev0-50c3ba889a";
    private static final String GPT2 = "transformers.models.gpt2.modeling_gpt2";
    private static SourceIndex idx;

    /** .corpus/NAME/src, looked up from the working directory upwards; null when absent. */
    static Path corpus(String release) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path src = dir.resolve(".corpus").resolve(release).resolve("src");
            if (Files.isDirectory(src.resolve("transformers"))) return src;
        }
        return null;
    }

    private static Path requireCorpus(String release) {
        Path src = corpus(release);
        Assumptions.assumeTrue(src != null, "skipped: .corpus/" + release + "/src is absent (fetch it as .corpus/INDEX.md says)");
        return src;
    }

    @BeforeAll
    static void index() {
        Path src = corpus(RELEASE);
        if (src != null) idx = SourceIndex.open(src);
    }

    @Test
    void gpt2LmHeadModelIsAnNnModuleThroughPreTrainedModel() {
        requireCorpus(RELEASE);
        String lm = GPT2 + ".GPT2LMHeadModel";
        ClassInfo ci = idx.classInfo(lm).orElseThrow();
        assertEquals(List.of(GPT2 + ".GPT2PreTrainedModel"), ci.bases());
        assertEquals(List.of("transformers.modeling_utils.PreTrainedModel"), idx.classInfo(GPT2 + ".GPT2PreTrainedModel").orElseThrow().bases());
        assertEquals("torch.nn.Module", idx.classInfo("transformers.modeling_utils.PreTrainedModel").orElseThrow().bases().get(0));
        assertTrue(idx.isSubclassOf(lm, "torch.nn.Module"));
        assertTrue(idx.isSubclassOf(lm, "nn.Module"));
        assertTrue(idx.isSubclassOf(lm, "transformers.PreTrainedModel"));
        List<String> mro = idx.mro(lm);
        assertEquals(List.of(lm, GPT2 + ".GPT2PreTrainedModel", "transformers.modeling_utils.PreTrainedModel", "torch.nn.Module"),
                mro.subList(0, 4));
        assertEquals(GPT2 + ".GPT2LMHeadModel.forward", idx.findMethod(lm, "forward").orElseThrow().qualifiedName());
        assertEquals(GPT2 + ".GPT2PreTrainedModel._init_weights", idx.findMethod(lm, "_init_weights").orElseThrow().qualifiedName());
        assertEquals(lm, idx.canonical("transformers.GPT2LMHeadModel"), "re-exported by the lazy top-level __init__");
        assertEquals(List.of(GPT2 + ".GPT2LMHeadModel", "transformers.utils.dummy_pt_objects.GPT2LMHeadModel"),
                idx.findClassesBySimpleName("GPT2LMHeadModel"), "every class of that name, placeholders included");
    }

    @Test
    void gpt2BlockAttnComesFromTheAttentionClassTable() {
        requireCorpus(RELEASE);
        ClassInfo block = idx.classInfo(GPT2 + ".GPT2Block").orElseThrow();
        PyStmt.FunctionDef init = block.method("__init__").orElseThrow();
        PyStmt.Assign pick = null;
        PyStmt.Assign attn = null;
        for (PyStmt s : init.body()) {
            if (!(s instanceof PyStmt.Assign)) continue;
            PyExpr target = ((PyStmt.Assign) s).targets().get(0);
            if (target instanceof PyExpr.Name && ((PyExpr.Name) target).id().equals("attention_class")) pick = (PyStmt.Assign) s;
            if (target instanceof PyExpr.Attribute && ((PyExpr.Attribute) target).attr().equals("attn")) attn = (PyStmt.Assign) s;
        }
        assertTrue(pick != null && attn != null, "GPT2Block.__init__ picks attention_class and sets self.attn");
        PyExpr.Call ctor = assertInstanceOf(PyExpr.Call.class, attn.value());
        assertEquals("attention_class", ((PyExpr.Name) ctor.func()).id());
        PyExpr.Subscript table = assertInstanceOf(PyExpr.Subscript.class, pick.value());
        String tableName = idx.resolveExpr(GPT2, table.value()).orElseThrow();
        assertEquals(GPT2 + ".GPT2_ATTENTION_CLASSES", tableName);
        PyExpr.DictExpr entries = assertInstanceOf(PyExpr.DictExpr.class, idx.variable(tableName).orElseThrow().value());
        Map<Object, String> byKey = new LinkedHashMap<>();
        for (int i = 0; i < entries.keys().size(); i++) {
            byKey.put(((PyExpr.Constant) entries.keys().get(i)).value(), idx.resolveExpr(GPT2, entries.values().get(i)).orElseThrow());
        }
        assertEquals(Map.of("eager", GPT2 + ".GPT2Attention", "flash_attention_2", GPT2 + ".GPT2FlashAttention2",
                "sdpa", GPT2 + ".GPT2SdpaAttention"), byKey);
        for (String cls : byKey.values()) assertTrue(idx.isSubclassOf(cls, "torch.nn.Module"), cls);
        assertEquals(Optional.of("transformers.activations.ACT2FN"), Optional.of(idx.resolveName(GPT2, "ACT2FN")));
        assertEquals("transformers.pytorch_utils.Conv1D", idx.resolveName(GPT2, "Conv1D"));
        assertEquals("torch.nn", idx.resolveName(GPT2, "nn"));
        assertEquals("transformers.models.gpt2.configuration_gpt2.GPT2Config", idx.resolveName(GPT2, "GPT2Config"));
        assertTrue(idx.isSubclassOf(idx.resolveName(GPT2, "GPT2Config"), "transformers.configuration_utils.PretrainedConfig"));
        assertEquals(List.of(), idx.checkImports(GPT2));
    }

    @Test
    void modelingGpt2ParsesWithoutProblemsAndReportsItsParseTime() throws IOException {
        Path src = requireCorpus(RELEASE);
        Path file = src.resolve("transformers/models/gpt2/modeling_gpt2.py");
        String text = Files.readString(file);
        PythonParser parser = new PythonParser();
        PyModule m = parser.parse(GPT2, file.toString(), text, false);
        assertEquals(List.of(), m.problems());
        assertTrue(m.body().stream().anyMatch(s -> s instanceof PyStmt.ClassDef && ((PyStmt.ClassDef) s).name().equals("GPT2LMHeadModel")));
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long t0 = System.nanoTime();
            parser.parse(GPT2, file.toString(), text, false);
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        double best = ms.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double median = ms.stream().sorted().skip(ms.size() / 2).findFirst().orElseThrow();
        System.out.printf("modeling_gpt2.py (%s, %d lines): parse + convert best %.1f ms, median %.1f ms over %d warm runs%n",
                RELEASE, m.lines().size(), best, median, ms.size());
        assertTrue(best < 5_000, "parse took " + best + " ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"transformers-4.44.0.dev0-50c3ba889a", "transformers-4.52.0.dev0-f834d368f6", "transformers-5.0.0.dev0-d6a6c82680"})
    void everyGpt2ReleaseParsesWithoutProblems(String release) throws IOException {
        Path src = requireCorpus(release);
        SourceIndex index = SourceIndex.open(src);
        PyModule m = index.module(GPT2).orElseThrow();
        assertEquals(List.of(), m.problems());
        assertTrue(index.isSubclassOf(GPT2 + ".GPT2LMHeadModel", "torch.nn.Module"), release);
        assertTrue(index.classInfo(GPT2 + ".GPT2Attention").isPresent(), release);
    }
}
