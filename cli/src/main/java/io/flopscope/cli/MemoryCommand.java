package io.flopscope.cli;

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

@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Device memory of generating G tokens after a P-token prompt: weights, KV cache at the final length, estimated peak activations,",
                "against the device's capacity; --max-batch finds the largest batch that fits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (it fits, or --max-batch found a batch)", "1:it does not fit, errors in the analyses, or parts could not be analysed", "2:bad usage"})
final class MemoryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin GenerationSetup setup = new GenerationSetup();

    @Option(names = "--max-batch", description = "Also find the largest batch whose footprint fits (and show its footprint).")
    boolean maxBatch;

    @Override public Integer call() {
        var p = setup.prepare(spec, maxBatch);
        var out = spec.commandLine().getOut();
        HardwareProfile h = p.hardware();
        ResolvedModel rm = p.model();
        Generation.Spec s = p.spec();
        Target t = p.target();
        MemoryFootprint.Footprint m;
        Long best = null;
        try {
            MemoryFootprint mf = new MemoryFootprint(rm.resolution().root(), rm.config(), s.weights(), s.activations(), s.kvCache());
            long batch = s.batch();
            if (maxBatch) {
                best = mf.maxBatch(s.prompt(), s.newTokens(), t.tensorParallel(), h.memoryCapacityBytes(), ScenarioOptions.MAX_TOKENS);
                batch = Math.max(best, 1);
            }
            m = mf.at(batch, s.prompt(), s.newTokens(), t.tensorParallel(), h.memoryCapacityBytes());
        } catch (Poly.UnboundSymbolException | IllegalArgumentException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        var unknowns = rm.resolution().root().unknowns();
        out.print(p.json() ? GenerationReport.memoryJson(rm.config().name(), h, m, best, unknowns.isEmpty())
                : GenerationReport.memoryText(rm.config().name(), h, m, best, unknowns));
        out.flush();
        boolean ok = unknowns.isEmpty() && !rm.resolution().hasErrors() && m.fits();
        return ok ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
