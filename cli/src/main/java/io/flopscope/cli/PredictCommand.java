package io.flopscope.cli;

import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.predict.Communication;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.ModelDims;
import io.flopscope.predict.Prediction;
import io.flopscope.predict.PredictionReport;
import io.flopscope.predict.Roofline;
import io.flopscope.predict.Target;
import io.flopscope.report.EvaluatedNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Roofline latency of one forward call of MODEL on a device: per kernel (time, bound, arithmetic intensity), per module and in total.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:errors in the analyses or the profile, or parts could not be analysed (listed)", "2:bad usage"})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--module", paramLabel = "CLASS", description = "Predict this module instead of the config's architectures[0].")
    String module;

    @Mixin TargetOptions device = new TargetOptions();
    @Mixin ScenarioOptions scenario = new ScenarioOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default), json or csv (one row per kernel).")
    String format = "text";

    @Option(names = "--depth", paramLabel = "N", description = "Text: show the module tree to this depth (default: all).")
    int depth = -1;

    @Option(names = "--top", paramLabel = "N", description = "Text: list the N slowest kernels (default 15; -1: all).")
    int top = 15;

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json|csv")) throw UserError.usage("--format " + format + ": expected text, json or csv");
        var out = spec.commandLine().getOut();
        HardwareProfile h = device.profile();
        ResolvedModel rm = ResolvedModel.of(model, module, library.build(), scenario.causal, spec.commandLine().getErr());
        Scenario sc = scenario.scenario(rm.config());
        Target t = device.target(h, sc.activations(), rm.config());
        Evaluator ev = new Evaluator(sc, rm.config());
        var missing = ev.missing(rm.resolution().root().cumulative());
        if (!missing.isEmpty()) {
            throw UserError.failed(rm.config().name() + ": no value for " + String.join(", ", missing) + " (missing from the config and its defaults; set it in config.json)");
        }
        Prediction p;
        try {
            Communication comm = t.tensorParallel() == 1 ? Communication.NONE
                    : Communication.of(ModelDims.of(rm.config()), sc.batchSize(), sc.seqLen(), sc.activations(), t);
            p = Roofline.predict(EvaluatedNode.of(rm.resolution().root(), ev), t, comm);
        } catch (Poly.UnboundSymbolException | IllegalArgumentException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        var unknowns = rm.resolution().root().unknowns();
        PredictionReport report = new PredictionReport(rm.config().name(), sc, scenario.causal, p, unknowns);
        out.print(switch (fmt) {
            case "json" -> report.json();
            case "csv" -> report.csv();
            default -> report.text(depth, top);
        });
        out.flush();
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
