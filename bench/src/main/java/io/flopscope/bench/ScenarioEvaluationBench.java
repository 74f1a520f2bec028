package io.flopscope.bench;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.CompiledPoly;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Poly;
import io.flopscope.library.Library;
import io.flopscope.resolve.Cost;
import io.flopscope.resolve.Resolver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scenario evaluation for gpt2: the closed form is compiled once (config bound, dtype fixed to fp32),
 * then each operation evaluates all five totals for one (batch_size, seq_len, cache_len).
 * Run: java -jar bench/target/benchmarks.jar ScenarioEvaluationBench
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScenarioEvaluationBench {
    static final int SCENARIOS = 1024;
    CompiledPoly[] totals;
    long[][] points;

    @Setup public void setup() {
        ModelConfig cfg = BuiltInModels.find("gpt2").orElseThrow();
        Cost c = new Resolver(Library.builtIn(), false).resolve("transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel").root().cumulative();
        List<String> vars = List.of("batch_size", "seq_len", "cache_len");
        Poly[] polys = {c.flops(), c.matmulFlops(), c.vectorFlops(), c.bytesRead(), c.bytesWritten()};
        totals = new CompiledPoly[polys.length];
        for (int i = 0; i < polys.length; i++) {
            Poly bound = Evaluator.bindConfig(polys[i], cfg)
                    .substitute(n -> n.endsWith("_bytes") ? Poly.constant(4) : null);
            totals[i] = new CompiledPoly(bound, vars);
        }
        points = new long[SCENARIOS][];
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < SCENARIOS; i++) points[i] = new long[] {1 + r.nextInt(64), 1 + r.nextInt(512), r.nextInt(512)};
    }

    @Benchmark
    @OperationsPerInvocation(SCENARIOS)
    public void evaluateScenario(Blackhole bh) {
        for (long[] p : points) {
            for (CompiledPoly t : totals) bh.consume(t.evaluateLong(p));
        }
    }
}
