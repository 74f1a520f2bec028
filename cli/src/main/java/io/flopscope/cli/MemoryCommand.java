package io.flopscope.cli;

import io.flopscope.formula.Poly;
import io.flopscope.predict.Generation;
import io.flopscope.predict.GenerationReport;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.MemoryFootprint;
import io.flopscope.predict.Target;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Device memory of generating G tokens after a P-token prompt: weights, KV cache at the final length, estimated peak activations,",
                "against the device's capacity; --max-batch finds the largest batch that fits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (it fits, or --max-batch found a batch)", "1:it does not fit, errors in the analyses, or parts could not be analysed", "2:bad usage"})
final class MemoryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--module", paramLabel = "CLASS", description = "Use this module instead of the config's architectures[0].")
    String module;

    @Mixin TargetOptions device = new TargetOptions();
    @Mixin GenerationOptions run = new GenerationOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--max-batch", description = "Also find the largest batch whose footprint fits (and show its footprint).")
    boolean maxBatch;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json")) throw UserError.usage("--format " + format + ": expected text or json");
        if (maxBatch && run.batch != null) throw UserError.usage("--max-batch and --batch exclude each other");
        var out = spec.commandLine().getOut();
        HardwareProfile h = device.profile();
        ResolvedModel rm = ResolvedModel.of(model, module, library.build(), run.causal, spec.commandLine().getErr());
        Generation.Spec s = run.spec(rm.config(), run.batch());
        rm.check(s.decode(0));
        Target t = device.target(h, s.activations(), rm.config());
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
        out.print(fmt.equals("json") ? GenerationReport.memoryJson(rm.config().name(), h, m, best, unknowns.isEmpty())
                : GenerationReport.memoryText(rm.config().name(), h, m, best, unknowns));
        out.flush();
        boolean ok = unknowns.isEmpty() && !rm.resolution().hasErrors() && m.fits();
        return ok ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
