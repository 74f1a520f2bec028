package io.flopscope.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flopscope.evaluate.Phase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/measure.py: it parses wherever python3 is installed; where the repository's .oracle-venv (CPU
 * PyTorch and transformers) exists, a tiny CPU run is read back and predicted.
 */
class CalibMeasurePyTest {
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("tools/measure.py"))) p = p.getParent();
        return p;
    }

    record Result(int code, String output) {}

    static Result exec(Path dir, long timeoutS, String... cmd) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = pr.getInputStream().readAllBytes();
        if (!pr.waitFor(timeoutS, TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(pr.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    @Test void measurePyParses() throws Exception {
        Path repo = repo();
        assumeTrue(repo != null, "tools/measure.py not found above " + Path.of("").toAbsolutePath());
        assumeTrue(onPath("python3"), "python3 is not installed: skipping the syntax check of tools/measure.py");
        Result r = exec(repo, 60, "python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1])", "tools/measure.py");
        assertEquals(0, r.code(), r.output());
    }

    @Test void measurePyRunsOnCpu(@TempDir Path tmp) throws Exception {
        Path repo = repo();
        assumeTrue(repo != null, "tools/measure.py not found");
        Path python = repo.resolve(".oracle-venv/bin/python");
        assumeTrue(Files.isExecutable(python), "no .oracle-venv with torch and transformers: skipping the CPU run of tools/measure.py");
        Path out = tmp.resolve("smoke.jsonl");
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "tools/measure.py", "--model", "gpt2", "--device", "cpu", "--dtype", "fp32",
                "--set", "n_layer=1", "--set", "n_embd=64", "--set", "n_head=4", "--batches", "1,2", "--seqs", "4", "--caches", "6",
                "--repeats", "2", "--warmup", "1", "--out", out.toString()));
        Result r = exec(repo, 300, cmd.toArray(String[]::new));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("wrote 4 measurements"), r.output());
        MeasurementSet s = MeasurementSet.load(out);
        assertEquals(4, s.size());
        for (Measurement m : s.measurements()) {
            assertEquals("cpu", m.hardware());
            assertEquals("hf-eager", m.runtime(), "the runtime is recorded in env");
            assertEquals(2, m.timings().length);
            assertEquals(m.phase() == Phase.DECODE ? 6 : 0, m.cacheLen());
            assertEquals(64, m.config().get("n_embd").asInt());
        }
        // FlopScope predicts the exact model that was measured (1 layer, 64 wide)
        Workloads w = Workloads.builtIn();
        Measurement prefill = s.measurements().get(0);
        Sample sample = w.sample(prefill, Synthetic.h200());
        double matmul = sample.kernels().stream().mapToDouble(KernelWork::matmulFlops).sum();
        // one layer: 24·b·s·d² (QKV, out, MLP) + 4·b·s²·d (attention) + lm_head 2·b·s·d·vocab, b=1 s=4 d=64
        double expected = 24.0 * 4 * 64 * 64 + 4.0 * 16 * 64 + 2.0 * 4 * 64 * 50257;
        assertEquals(expected, matmul, 1e-9 * expected);
    }

    /** CUDA graphs need a GPU: on the CPU measure.py refuses, saying why, before building anything. */
    @Test void cudaGraphsNeedAGpu(@TempDir Path tmp) throws Exception {
        Path repo = repo();
        assumeTrue(repo != null, "tools/measure.py not found");
        Path python = repo.resolve(".oracle-venv/bin/python");
        assumeTrue(Files.isExecutable(python), "no .oracle-venv with torch and transformers: skipping the CPU run of tools/measure.py");
        Result r = exec(repo, 120, python.toString(), "tools/measure.py", "--model", "gpt2", "--device", "cpu", "--runtime", "cuda-graphs",
                "--out", tmp.resolve("x.jsonl").toString());
        assertTrue(r.code() != 0 && r.output().contains("--runtime cuda-graphs needs a CUDA GPU"), r.output());
        Result bad = exec(repo, 60, python.toString(), "tools/measure.py", "--runtime", "jit", "--out", tmp.resolve("y.jsonl").toString());
        assertTrue(bad.code() == 2 && bad.output().contains("expected hf-eager or cuda-graphs"), bad.output());
    }
}
