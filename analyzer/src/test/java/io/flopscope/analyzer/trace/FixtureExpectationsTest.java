package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each plain-PyTorch fixture carries its oracle-measured matmul FLOPs as {@code # EXPECT:} lines (torch's
 * FlopCounterMode, ../shared/oracle); the source analyzer must reproduce them exactly, with every traced line analysed.
 */
class FixtureExpectationsTest {
    static final Path FIXTURES = Path.of("../fixtures/python");
    private static final Pattern EXPECT = Pattern.compile("^# EXPECT: scenario=(\\w+) batch=(\\d+) seq=(\\d+) cache=(\\d+).*matmul_flops=(\\d+)");

    record Case(Path file, String rootClass, Map<String, Object> config, String setup, Map<String, String> inputs,
                boolean decode, long batch, long seq, long cache, long matmul) {
        @Override public String toString() { return file.getFileName() + " " + (decode ? "decode" : "prefill") + " b=" + batch + " s=" + seq + " c=" + cache; }
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (String[] f : new String[][] {{"minigpt.py", "GPT"}, {"llama_style.py", "Transformer"}, {"object_model.py", "Model"}, {"layer_kinds.py", "Model"}, {"public_idioms.py", "Model"}, {"conv_net.py", "ConvNet"}, {"containers_and_slices.py", "Model"}}) {
            Path file = FIXTURES.resolve(f[0]);
            Map<String, Object> config = new LinkedHashMap<>();
            String setup = null;
            Map<String, String> inputs = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(file);
            for (String l : lines) {
                if (l.startsWith("# EXPECT-CONFIG: ")) for (String kv : l.substring(17).trim().split("\\s+")) config.put(kv.split("=")[0], Long.parseLong(kv.split("=")[1]));
                if (l.startsWith("# EXPECT-SETUP: ")) setup = l.substring(16).trim();
                if (l.startsWith("# EXPECT-INPUT: ")) { String kv = l.substring(16).trim(); inputs.put(kv.split("=")[0], kv.split("=")[1]); }
            }
            for (String l : lines) {
                Matcher m = EXPECT.matcher(l);
                if (!m.find()) continue;
                out.add(Arguments.of(new Case(file, f[1], config, setup, inputs, m.group(1).equals("decode"), Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)))));
            }
        }
        assertTrue(out.size() >= 7, "expected the fixtures' EXPECT lines, found " + out.size());
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matmulFlopsEqualTheOracle(Case c) throws Exception {
        IndexLookup src = new IndexLookup(SourceIndex.open(c.file()));
        String root = src.index().findClassesBySimpleName(c.rootClass()).get(0);
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(src, new SourceAnalyzer.Request(root, c.config(), Map.of(), null, c.decode(), c.setup(), c.inputs()));
        assertTrue(r.complete(), () -> "unanalysed lines: " + r.coverage());
        Library lib = Library.builtIn();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.className(), DocumentPositions.NONE, false));
        Resolver.Resolution res = new Resolver(lib, false).resolve(root);
        assertTrue(res.root().complete(), () -> "unknowns: " + res.root().unknowns());
        Map<String, Object> values = new LinkedHashMap<>(r.config());
        values.values().removeIf(v -> !(v == null || v instanceof Number || v instanceof Boolean || v instanceof String));
        ModelConfig cfg = ModelConfig.parse("fixture", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(values));
        Scenario sc = Scenario.of(c.decode() ? Phase.DECODE : Phase.PREFILL, c.batch(), c.seq(), c.cache(), Dtype.FP32);
        assertEquals(c.matmul(), new Evaluator(sc, cfg).evaluate(res.root().cumulative().matmulFlops()).num().longValueExact(), c.toString());
    }
}
