package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.IndexLookup;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.index.SourceIndex;
import io.flopscope.document.Kernel;
import io.flopscope.document.ModuleAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Enum members chosen by a config value decide the structure: never a silently skipped module. */
class EnumTest {
    static final String SOURCE = """
            import enum
            import torch.nn as nn


            class Norm(enum.Enum):
                LAYER = "layer"
                OFF = "off"


            class Act(str, enum.Enum):
                RELU = "relu"
                GELU = "gelu"


            class M(nn.Module):
                def __init__(self, dim: int = 8, norm: str = "layer", act: str = "relu"):
                    super().__init__()
                    self.kind = Norm(norm)
                    self.ln = nn.LayerNorm(dim) if self.kind == Norm.LAYER else nn.Identity()
                    self.act = nn.ReLU() if act == Act.RELU else nn.GELU()
                    self.lin = nn.Linear(dim, dim)

                def forward(self, x):
                    if self.kind is Norm.LAYER and self.kind.value == "layer":
                        x = self.ln(x)
                    return self.act(self.lin(x))
            """;

    @ParameterizedTest(name = "norm={0} act={1}")
    @CsvSource({"layer, relu, true, ReLU", "off, relu, false, ReLU", "layer, gelu, true, GELU"})
    void membersCompareByIdentityAndStrMixinsByValue(String norm, String act, boolean layerNorm, String activation, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.py");
        Files.writeString(f, SOURCE);
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(f)),
                new SourceAnalyzer.Request("m.M", Map.of(), Map.of("norm", norm, "act", act), null, false, null, Map.of("x", "float(batch_size,seq_len,8)")));
        assertTrue(r.complete(), r.coverage().toString());
        ModuleAnalysis m = r.documents().stream().filter(d -> d.className().equals("m.M")).findFirst().orElseThrow();
        String refs = m.kernels().stream().map(Kernel::flops).filter(x -> x != null).toList().toString();
        assertEquals(layerNorm, refs.contains("LayerNorm"), refs);
        assertTrue(refs.contains(activation), refs);
    }
    static final String DATACLASS = """
            import enum
            from dataclasses import dataclass
            import torch.nn as nn


            class Norm(enum.Enum):
                LAYER = "layer"
                OFF = "off"


            @dataclass
            class Cfg:
                dim: int = 8
                norm: Norm = Norm.LAYER


            class M(nn.Module):
                def __init__(self, cfg: Cfg):
                    super().__init__()
                    self.ln = nn.LayerNorm(cfg.dim) if cfg.norm == Norm.LAYER else nn.Identity()
                    self.lin = nn.Linear(cfg.dim, cfg.dim)

                def forward(self, x):
                    return self.lin(self.ln(x))
            """;

    /** --set names an enum field's member by name, Cls.NAME or value; anything else leaves it unknown (INCOMPLETE). */
    @ParameterizedTest(name = "--set norm={0}")
    @CsvSource({"'', true, true", "OFF, false, true", "Norm.LAYER, true, true", "layer, true, true", "bogus, false, false"})
    void setNamesAMemberOfAnEnumField(String norm, boolean layerNorm, boolean complete, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.py");
        Files.writeString(f, DATACLASS);
        Map<String, Object> sets = norm.isEmpty() ? Map.of() : Map.of("norm", norm);
        SourceAnalyzer.Result r = SourceAnalyzer.analyze(new IndexLookup(SourceIndex.open(f)),
                new SourceAnalyzer.Request("m.M", Map.of(), sets, null, false, null, Map.of("x", "float(batch_size,seq_len,8)")));
        assertEquals(complete, r.complete(), r.coverage().toString());
        if (!complete) return;
        ModuleAnalysis m = r.documents().stream().filter(d -> d.className().equals("m.M")).findFirst().orElseThrow();
        String refs = m.kernels().stream().map(Kernel::flops).toList().toString();
        assertEquals(layerNorm, refs.contains("LayerNorm"), refs);
    }
}
