package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HardwareProfileTest {
    @Test void everyBuiltInProfileLoadsWithSourcesAndUniqueNames() {
        List<String> ids = HardwareProfile.builtInIds();
        assertEquals(14, ids.size(), "the issue lists 14 devices");
        Set<String> names = new HashSet<>();
        for (HardwareProfile h : HardwareProfile.builtIns()) {
            assertTrue(ids.contains(h.id()));
            assertTrue(!h.sources().isEmpty(), h.id() + " names no datasheet");
            assertTrue(h.vectorPeak("fp32").isPresent(), h.id());
            assertTrue(names.add(h.id()), "duplicate id " + h.id());
            for (String a : h.aliases()) assertTrue(names.add(a.toLowerCase()), "alias " + a + " is used twice");
        }
    }

    @ParameterizedTest
    @CsvSource({"h100, nvidia-h100-sxm, 989400000000000, 3350000000000, 85899345920",
            "H200, nvidia-h200, 989400000000000, 4800000000000, 151397597184",
            "nvidia-a100-80gb-sxm, nvidia-a100-80gb-sxm, 312000000000000, 2039000000000, 85899345920",
            "mi300x, amd-mi300x, 1307400000000000, 5300000000000, 206158430208"})
    void builtInsByIdOrAliasIgnoringCase(String name, String id, double bf16, double bandwidth, long capacity) {
        HardwareProfile h = HardwareProfile.builtIn(name).orElseThrow();
        assertEquals(id, h.id());
        assertEquals(bf16, h.matmulPeak("bf16").orElseThrow());
        assertEquals(bandwidth, h.memoryBandwidthBytesPerS());
        assertEquals(capacity, h.memoryCapacityBytes());
        assertEquals(h, HardwareProfile.resolve(name));
    }

    @Test void userProfileFromAFileRoundTrips(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("toy.json");
        Files.writeString(f, Toy.PROFILE_JSON);
        HardwareProfile h = HardwareProfile.resolve(f.toString());
        assertEquals("toy-gpu", h.id());
        assertEquals(1e12, h.matmulPeak("fp32").orElseThrow());
        assertEquals(new HardwareProfile.Efficiency(0.5, 0.5, 0.5), h.efficiency());
        assertEquals(1e-6, h.launchOverheadS());
        assertEquals(h, HardwareProfile.parse("again", h.toJson()));
        HardwareProfile calibrated = h.withEfficiency(new HardwareProfile.Efficiency(0.8, 0.4, 0.9)).withLaunchOverhead(3e-6);
        HardwareProfile back = HardwareProfile.parse("calibrated", calibrated.toJson());
        assertEquals(0.9, back.efficiency().memory());
        assertEquals(3e-6, back.launchOverheadS());
    }

    @Test void dtypeKeysAreCanonicalised() {
        HardwareProfile h = HardwareProfile.parse("x.json", Toy.PROFILE_JSON.replace("\"bf16\": 2e12", "\"bfloat16\": 2e12"));
        assertEquals(2e12, h.matmulPeak("bf16").orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing id | \"id\": \"toy-gpu\", | | 'id' is required",
            "efficiency above 1 | \"matmul\": 0.5 | \"matmul\": 1.5 | efficiency.matmul must lie in (0, 1]",
            "zero bandwidth | \"memory_bandwidth_bytes_per_s\": 1e11 | \"memory_bandwidth_bytes_per_s\": 0 | memory_bandwidth_bytes_per_s must be a positive number",
            "unknown dtype | \"bf16\": 2e12 | \"bf17\": 2e12 | unknown dtype 'bf17'",
            "typo in a field | \"launch_overhead_s\" | \"launch_overhead_us\" | unknown field 'launch_overhead_us'",
            "negative overhead | \"launch_overhead_s\": 1e-6 | \"launch_overhead_s\": -1e-6 | launch_overhead_s must lie in [0, 1] seconds",
            "string peak | \"fp32\": 1e12 | \"fp32\": \"fast\" | matmul_flops_per_s.fp32 must be a number",
            "no matmul peaks | \"matmul_flops_per_s\": {\"fp32\": 1e12, \"bf16\": 2e12} | \"matmul_flops_per_s\": {} | needs at least one dtype",
            "efficiency not an object | \"efficiency\": {\"matmul\": 0.5, \"vector\": 0.5, \"memory\": 0.5} | \"efficiency\": 0.5 | 'efficiency' must be an object"})
    void invalidProfilesSayWhatIsWrong(String what, String from, String to, String expected) {
        String json = Toy.PROFILE_JSON.replace(from, to == null ? "" : to);
        assertTrue(!json.equals(Toy.PROFILE_JSON), "the replacement must apply");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HardwareProfile.parse("bad.json", json));
        assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test void notJsonAndUnknownNames(@TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HardwareProfile.parse("x.json", "{ nope"));
        assertTrue(e.getMessage().startsWith("x.json: not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HardwareProfile.resolve("h1000"));
        assertTrue(e.getMessage().contains("unknown hardware 'h1000'") && e.getMessage().contains("h100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HardwareProfile.resolve(dir.resolve("missing.json").toString()));
        assertTrue(e.getMessage().contains("no such hardware profile file"), e.getMessage());
    }

    @Test void targetPicksTheActivationDtypeOrSaysWhatIsMissing() {
        HardwareProfile h100 = HardwareProfile.builtIn("h100").orElseThrow();
        assertEquals("bf16", Target.of(h100, Dtype.BF16, false, 1).matmulDtype());
        assertEquals("fp32", Target.of(h100, Dtype.FP32, false, 1).matmulDtype());
        Target tf32 = Target.of(h100, Dtype.FP32, true, 1);
        assertEquals("tf32", tf32.matmulDtype());
        assertEquals("fp32", tf32.vectorDtype());
        assertEquals(494.7e12 * 0.7, tf32.matmulRate(), 1);
        assertEquals(3.35e12 * 0.8 * 4, Target.of(h100, Dtype.BF16, false, 4).memoryRate(), 1);

        HardwareProfile t4 = HardwareProfile.builtIn("t4").orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.of(t4, Dtype.BF16, false, 1));
        assertTrue(e.getMessage().contains("states no matmul peak for bf16") && e.getMessage().contains("--dtype fp16"), e.getMessage());
        assertEquals("fp16", Target.of(t4, Dtype.FP16, false, 1).matmulDtype());
        e = assertThrows(IllegalArgumentException.class, () -> Target.of(h100, Dtype.BF16, true, 1));
        assertTrue(e.getMessage().contains("tf32 applies to fp32"), e.getMessage());
        HardwareProfile noLink = HardwareProfile.parse("x.json", Toy.PROFILE_JSON.replace("\"interconnect_bytes_per_s\": 1e10,", ""));
        e = assertThrows(IllegalArgumentException.class, () -> Target.of(noLink, Dtype.FP32, false, 2));
        assertTrue(e.getMessage().contains("no interconnect"), e.getMessage());
    }
}
