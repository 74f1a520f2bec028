package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.analyzer.IndexLookup;
import io.flopscope.document.MarkdownReader;
import io.flopscope.document.ParsedDocument;
import io.flopscope.evaluate.ConfigValidation;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.SymbolicEvaluator;
import io.flopscope.library.Library;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Bad inputs, generated (issue 13, docs/bad-inputs.md): configs, --set values, analysis documents, formulas and Python
 * sources, mutated from good ones. Whatever comes in, FlopScope answers with a number that can be right (never a
 * negative count, never a complete total from a broken document) or with an error it expected (exit 1 or 2), never an
 * exception it did not plan for, a stack overflow or a hang.
 *
 * <p>Each try checks a batch of inputs. `.ci/run` runs jqwik's default tries (100, about 3,500 inputs); the Maven profile
 * {@code fuzz} runs 3,500 tries (112,060 inputs): {@code mvn -B -Pfuzz -pl cli -am test}. The count is printed at the end.
 */
class BadInputFuzzTest {
    static final AtomicLong INPUTS = new AtomicLong();
    static final int BATCH = 10;
    static final ObjectMapper JSON = new ObjectMapper();

    // ---- the trees every generated config is evaluated against: resolved once from the built-in library ----

    private static final class Trees {
        static final ResolvedModel GPT2 = resolved("gpt2");
        static final ResolvedModel LLAMA = resolved("Llama-3.2-1B");

        static ResolvedModel resolved(String model) {
            return ResolvedModel.of(ModelLoader.load(model), null, Library.builtIn(), false, new PrintWriter(new StringWriter()));
        }
    }

    static final Map<String, Object> GPT2_BASE = Map.of("model_type", "gpt2", "architectures", List.of("GPT2LMHeadModel"), "n_layer", 2, "n_embd", 64,
            "n_head", 4, "vocab_size", 100, "n_positions", 128);
    static final Map<String, Object> LLAMA_BASE = Map.of("model_type", "llama", "architectures", List.of("LlamaForCausalLM"), "num_hidden_layers", 2,
            "hidden_size", 64, "num_attention_heads", 4, "num_key_value_heads", 2, "intermediate_size", 128, "vocab_size", 100);
    static final List<String> KEYS = List.of("n_layer", "n_embd", "n_head", "vocab_size", "n_inner", "num_hidden_layers", "hidden_size", "num_attention_heads",
            "num_key_value_heads", "intermediate_size", "head_dim", "torch_dtype", "max_position_embeddings", "tie_word_embeddings", "rope_theta", "n_layr");

    static Arbitrary<Object> badValues() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-4, 4).map(i -> (Object) i), Arbitraries.integers().between(1, 4096).map(i -> (Object) i),
                Arbitraries.longs().between(Long.MAX_VALUE / 2, Long.MAX_VALUE).map(l -> (Object) l), Arbitraries.doubles().between(-10, 5000).map(d -> (Object) d),
                Arbitraries.of(true, false, "abc", "12", "", "bfloat16", "float64", "4 * n_embd", "none").map(o -> (Object) o),
                Arbitraries.just(List.of(1, 2)), Arbitraries.just(Map.of("a", 1)), Arbitraries.just((Object) null));
    }

    @Provide Arbitrary<List<String>> configs() {
        Arbitrary<String> one = Arbitraries.integers().between(0, 1).flatMap(base -> Arbitraries.integers().between(1, 3).flatMap(n ->
                Arbitraries.of(KEYS).list().ofSize(n).flatMap(keys -> badValues().list().ofSize(n).map(values -> {
                    Map<String, Object> c = new LinkedHashMap<>(base == 0 ? GPT2_BASE : LLAMA_BASE);
                    for (int i = 0; i < keys.size(); i++) c.put(keys.get(i), values.get(i));
                    try {
                        return JSON.writeValueAsString(c);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }))));
        return one.list().ofSize(BATCH);
    }

    /** A config passes validation and gives non-negative numbers, or it is refused. */
    @Property
    void configsAreRefusedOrGiveNonNegativeNumbers(@ForAll("configs") List<String> batch) {
        for (String json : batch) {
            INPUTS.incrementAndGet();
            ModelConfig cfg;
            try {
                cfg = ModelConfig.parse("fuzz.json", json);
            } catch (IllegalArgumentException e) {
                continue; // exit 1: not a config
            }
            if (!ConfigValidation.problems(cfg).isEmpty()) continue; // exit 1, naming the field
            ResolvedModel m = cfg.modelType().equals("gpt2") ? Trees.GPT2 : Trees.LLAMA;
            Numbers n;
            try {
                n = EvaluatedNode.of(m.resolution().root(), new Evaluator(Scenario.of(Phase.PREFILL, 2, 16, 0, Dtype.BF16), cfg)).total();
            } catch (Poly.UnboundSymbolException e) {
                continue; // exit 1: a value the formulas need is missing
            }
            for (var v : List.of(n.matmulFlops(), n.vectorFlops(), n.bytesRead(), n.bytesWritten())) {
                assertTrue(v.signum() >= 0, () -> "a valid config gave a negative count: " + json + " -> " + n);
            }
        }
    }

    @Provide Arbitrary<List<List<String>>> sets() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(12));
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.integers().between(-5, 5000).map(String::valueOf), Arbitraries.of("abc", "2.5", "-3", "true", "none",
                "99999999999999999999", "1e3", "", "0x10", "3 * 4"));
        Arbitrary<String> set = Arbitraries.oneOf(key.flatMap(k -> value.map(v -> k + "=" + v)), Arbitraries.of("=3", "novalue", "a==b"));
        return set.list().ofMinSize(1).ofMaxSize(3).list().ofSize(BATCH);
    }

    /** --set KEY=VALUE: an unknown key, a mistyped value or an impossible size is refused; what is accepted gives non-negative numbers. */
    @Property
    void setValuesAreRefusedOrGiveNonNegativeNumbers(@ForAll("sets") List<List<String>> batch) {
        for (List<String> sets : batch) {
            INPUTS.incrementAndGet();
            SourceOptions o = new SourceOptions();
            o.sets = new ArrayList<>(sets);
            ModelConfig cfg;
            try {
                cfg = o.applyTo(ModelLoader.load("gpt2"));
                ResolvedModel.checkSetKeys(cfg, Trees.GPT2.resolution());
            } catch (UserError e) {
                assertTrue(e.exitCode == 1 || e.exitCode == 2, e::getMessage);
                continue;
            }
            if (!ConfigValidation.problems(cfg).isEmpty()) continue;
            Numbers n = EvaluatedNode.of(Trees.GPT2.resolution().root(), new Evaluator(Scenario.of(Phase.PREFILL, 1, 8, 0, Dtype.FP32), cfg)).total();
            assertTrue(n.flops().signum() >= 0 && n.bytes().signum() >= 0, () -> sets + " -> " + n);
        }
    }

    @Provide Arbitrary<List<String>> formulas() {
        Arbitrary<String> atom = Arbitraries.of("batch_size", "seq_len", "config.n_embd", "2", "0", "1.5", "x", "${torch.nn.Linear}(in_features=2, out_features=3)",
                "min(seq_len, 4)", "positive(cache_len)", "ceil(seq_len / 3)", "unknown(1)", "${", "(", ")", "**", "//", "%", "-", "1/0", "0 ** -1");
        Arbitrary<String> flat = atom.list().ofMinSize(1).ofMaxSize(12).map(parts -> String.join(" ", parts));
        Arbitrary<String> deep = Arbitraries.integers().between(1, 3000).map(d -> "(".repeat(d) + "seq_len" + ")".repeat(d));
        Arbitrary<String> longChain = Arbitraries.integers().between(1, 5000).map(n -> String.join(" + ", java.util.Collections.nCopies(n, "seq_len")));
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, flat), net.jqwik.api.Tuple.of(1, deep), net.jqwik.api.Tuple.of(1, longChain),
                net.jqwik.api.Tuple.of(2, noise)).list().ofSize(BATCH);
    }

    /** A formula parses and evaluates symbolically, or it is a syntax error or an expression FlopScope cannot reduce, with a position. */
    @Property
    void formulasParseOrFailWithAReason(@ForAll("formulas") List<String> batch) {
        for (String f : batch) {
            INPUTS.incrementAndGet();
            try {
                new SymbolicEvaluator(Poly::symbol, false).eval(FormulaParser.parse(f));
            } catch (FormulaSyntaxError | SymbolicEvaluator.SymbolicException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), f);
            }
        }
    }

    // ---- documents ----

    static final String GPT2_MLP = Library.builtIn().find("transformers.models.gpt2.modeling_gpt2.GPT2MLP").map(e -> {
        try {
            return io.flopscope.document.MarkdownWriter.write(e.analysis());
        } catch (RuntimeException x) {
            throw new IllegalStateException(x);
        }
    }).orElseThrow();

    static String mutate(String text, long seed, int ops, String alphabet) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (int k = 0; k < ops && !lines.isEmpty(); k++) {
            int i = r.nextInt(lines.size());
            switch (r.nextInt(6)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, lines.get(i));
                case 2 -> {
                    String l = lines.get(i);
                    if (!l.isEmpty()) {
                        int at = r.nextInt(l.length());
                        lines.set(i, l.substring(0, at) + alphabet.charAt(r.nextInt(alphabet.length())) + l.substring(at + 1));
                    }
                }
                case 3 -> lines.set(i, lines.get(i).substring(0, r.nextInt(lines.get(i).length() + 1)));
                case 4 -> { String a = lines.get(i); int j = r.nextInt(lines.size()); lines.set(i, lines.get(j)); lines.set(j, a); }
                default -> lines.add(i, "    " + lines.get(i).strip());
            }
        }
        return String.join("\n", lines);
    }

    /** A broken override in --library never yields a complete total: the reader reports it and what depends on it is unknown. */
    @Property
    void brokenDocumentsNeverGiveACompleteTotal(@ForAll long seed, @ForAll("operations") int ops) {
        INPUTS.incrementAndGet();
        String text = mutate(GPT2_MLP, seed, ops, "()*+-/${}x0_ \t|`");
        ParsedDocument d = MarkdownReader.read("fuzz.md", text);
        Library lib = Library.builtIn();
        lib.addDocument("fuzz.md", text, false);
        boolean error = d.problems().stream().anyMatch(io.flopscope.diag.Diagnostic::isError);
        Resolver.Resolution r = new Resolver(lib, false).resolve("transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel");
        if (error && d.analysis() != null && d.analysis().className().equals("transformers.models.gpt2.modeling_gpt2.GPT2MLP")) {
            assertTrue(!r.root().complete() || r.hasErrors(), () -> "a document with an error gave a complete total:\n" + d.problems());
        }
    }

    @Provide Arbitrary<Integer> operations() { return Arbitraries.integers().between(1, 8); }

    // ---- Python sources ----

    static final Path MINIGPT = Path.of("../fixtures/python/minigpt.py");

    /** A mutated model file is analysed with what could not be analysed listed, never an exception. */
    @Property
    void mutatedPythonSourcesAreAnalysedOrListedUnanalysed(@ForAll long seed, @ForAll("operations") int ops) throws Exception {
        INPUTS.incrementAndGet();
        String text = mutate(Files.readString(MINIGPT), seed, ops, "()[]:=.,+*-\"' \tx0");
        Path dir = Files.createTempDirectory("fuzz");
        try {
            Path f = dir.resolve("minigpt.py");
            Files.writeString(f, text);
            SourceIndex idx = SourceIndex.open(f);
            SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(idx), new SourceAnalyzer.Request("minigpt.GPT", Map.of(), Map.of(), null, false));
            assertTrue(r.tracedLines() >= r.analysedLines());
        } finally {
            try (var w = Files.walk(dir)) { w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        }
    }

    // ---- the command line, end to end ----

    @Provide Arbitrary<String[]> commandLines() {
        Arbitrary<String> command = Arbitraries.of("cost", "predict", "info", "memory", "generate", "formula", "validate", "show", "tree", "");
        Arbitrary<String> model = Arbitraries.of("gpt2", "Llama-3.2-1B", "nope", "../fixtures", "", "gpt2.json");
        Arbitrary<String> option = Arbitraries.of("--set n_layer=0", "--set n_layr=2", "--set n_embd=abc", "--dtype fp8", "--dtype xx", "--batch -1", "--seq 0",
                "--hardware h100", "--hardware z80", "--format json", "--format xml", "--prompt 8 --new 4", "--library /nonexistent", "--phase decode", "--cache -3",
                "--tp 3", "--batch 1:64:x2", "--seq abc", "--out /proc/x.json", "--attn flash", "--experts none");
        return Arbitraries.integers().between(0, 3).flatMap(n -> command.flatMap(c -> model.flatMap(m -> option.list().ofSize(n).map(opts -> {
            List<String> a = new ArrayList<>();
            if (!c.isEmpty()) a.add(c);
            if (!m.isEmpty()) a.add(m);
            for (String o : opts) a.addAll(List.of(o.split(" ")));
            return a.toArray(String[]::new);
        }))));
    }

    /** Any command line ends with 0, 1 or 2 and one line of error, never an internal error or a stack trace. */
    @Property(tries = 60)
    void commandLinesEndWithADeclaredExitCode(@ForAll("commandLines") String[] args) {
        INPUTS.incrementAndGet();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        if (code < 0 || code > 2 || e.contains("internal error") || e.contains("\tat ") || e.contains("Exception")) {
            fail("flopscope " + String.join(" ", args) + " -> exit " + code + "\n" + e);
        }
    }

    @AfterContainer
    static void count() {
        System.out.println("BadInputFuzzTest: " + INPUTS.get() + " generated inputs checked");
    }
}
