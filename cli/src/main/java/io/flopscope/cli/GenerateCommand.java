package io.flopscope.cli;

import io.flopscope.evaluate.Evaluator;
import io.flopscope.formula.Poly;
import io.flopscope.predict.Generation;
import io.flopscope.predict.GenerationReport;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.MemoryFootprint;
import io.flopscope.predict.Target;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Time to first token, per-token latency, total time and tokens per second of generating G tokens after a P-token prompt.",
                "The prefill yields the first token; G-1 decode steps at cache lengths P..P+G-2 follow, summed in closed form."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:errors in the analyses or the profile, or parts could not be analysed (listed)", "2:bad usage"})
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin GenerationSetup setup = new GenerationSetup();

    @Option(names = "--max-batch", description = "Generate with the largest batch whose memory footprint fits on the device (instead of --batch).")
    boolean maxBatch;

    @Override public Integer call() {
        var p = setup.prepare(spec, maxBatch);
        var out = spec.commandLine().getOut();
        HardwareProfile h = p.hardware();
        ResolvedModel rm = p.model();
        Generation.Spec s = p.spec();
        Target t = p.target();
        rm.evaluator(s.prefill());
        Generation.Result r;
        MemoryFootprint.Footprint mem;
        try {
            MemoryFootprint mf = new MemoryFootprint(rm.resolution().root(), rm.config(), s.weights(), s.activations(), s.kvCache());
            if (maxBatch) {
                long b = mf.maxBatch(s.prompt(), s.newTokens(), t.tensorParallel(), h.memoryCapacityBytes(), ScenarioOptions.MAX_TOKENS);
                if (b == 0) {
                    throw UserError.failed("batch 1 does not fit: " + GenerationReport.memoryText(rm.config().name(), h,
                            mf.at(1, s.prompt(), s.newTokens(), t.tensorParallel(), h.memoryCapacityBytes()), null, java.util.List.of()).strip());
                }
                s = s.withBatch(b);
            }
            mem = mf.at(s.batch(), s.prompt(), s.newTokens(), t.tensorParallel(), h.memoryCapacityBytes());
            r = Generation.run(rm.resolution().root(), rm.config(), s, t);
        } catch (Poly.UnboundSymbolException | IllegalArgumentException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        var unknowns = rm.resolution().root().unknowns();
        out.print(p.json() ? GenerationReport.json(rm.config().name(), r, mem, unknowns.isEmpty())
                : GenerationReport.text(rm.config().name(), r, mem, unknowns));
        out.flush();
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
