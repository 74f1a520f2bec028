package io.flopscope.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.analyzer.trace.DType;
import io.flopscope.analyzer.trace.Value;
import io.flopscope.formula.Poly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardInputTest {
    static final Function<String, Poly> SCENARIO = n -> switch (n) {
        case "batch_size", "seq_len", "cache_len" -> Poly.symbol(n);
        default -> null;
    };

    @Test
    void dimsAreAnInt64TensorAndKindsChooseTheDtype() {
        Value.TensorV ids = (Value.TensorV) ForwardInput.parse("ids", "batch_size, seq_len", SCENARIO, false);
        assertEquals(List.of(Poly.symbol("batch_size"), Poly.symbol("seq_len")), ids.shape());
        assertEquals(DType.INT64, ids.dtype());
        Value.TensorV x = (Value.TensorV) ForwardInput.parse("x", "float(batch_size,seq_len,64)", SCENARIO, false);
        assertEquals(3, x.rank());
        assertEquals(DType.ACTIVATION, x.dtype());
        assertEquals(DType.BOOL, ((Value.TensorV) ForwardInput.parse("m", "bool(seq_len)", SCENARIO, false)).dtype());
    }

    @Test
    void intsListsAndConstants() {
        assertEquals(new Value.IntV(Poly.symbol("cache_len")), ForwardInput.parse("start_pos", "int(cache_len)", SCENARIO, false));
        // a bare expression is an int where forward annotates the parameter int, a 1-D tensor otherwise
        assertEquals(new Value.IntV(Poly.symbol("cache_len")), ForwardInput.parse("start_pos", "cache_len", SCENARIO, true));
        assertInstanceOf(Value.TensorV.class, ForwardInput.parse("input_pos", "cache_len", SCENARIO, false));
        Value.RepeatedV r = (Value.RepeatedV) ForwardInput.parse("seqlens", "[seq_len]*batch_size", SCENARIO, false);
        assertEquals(Poly.symbol("batch_size"), r.count());
        assertEquals(2, ((Value.ListV) ForwardInput.parse("l", "[seq_len, 3]", SCENARIO, false)).items().size());
        assertEquals(3, ((Value.ListV) ForwardInput.parse("l", "[seq_len]*3", SCENARIO, false)).items().size());
        assertEquals(Value.NoneV.NONE, ForwardInput.parse("mask", "None", SCENARIO, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForwardInput.parse("x", "complex(4)", SCENARIO, false));
        assertTrue(e.getMessage().startsWith("--input x=complex(4): unknown kind"), e.getMessage());
    }

    @Test
    void aForwardInputNobodyGaveIsUnanalysedNotZero(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.py");
        Files.writeString(f, """
                import torch.nn as nn


                class M(nn.Module):
                    def __init__(self, dim: int = 8):
                        super().__init__()
                        self.lin = nn.Linear(dim, dim)

                    def forward(self, tokens, start_pos: int):
                        return self.lin(tokens)
                """);
        IndexLookup src = new IndexLookup(SourceIndex.open(f));
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(src, new SourceAnalyzer.Request("m.M", Map.of(), Map.of(), null, false));
        assertFalse(r.complete());
        assertTrue(r.coverage().toString().contains("missing argument 'start_pos'"), r.coverage().toString());
        SourceAnalyzer.Result given = SourceAnalyzer.analyze(src, new SourceAnalyzer.Request("m.M", Map.of(), Map.of(), null, false, null,
                Map.of("tokens", "float(batch_size,seq_len,8)", "start_pos", "cache_len")));
        assertTrue(given.complete(), given.coverage().toString());
    }
}
