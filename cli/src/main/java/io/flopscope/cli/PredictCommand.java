package io.flopscope.cli;

import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.predict.Communication;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.MemoryFootprint;
import io.flopscope.predict.ModelDims;
import io.flopscope.predict.Prediction;
import io.flopscope.predict.PredictionHtml;
import io.flopscope.predict.PredictionReport;
import io.flopscope.predict.PredictionSweep;
import io.flopscope.predict.Roofline;
import io.flopscope.predict.Target;
import io.flopscope.report.EvaluatedNode;
import java.util.List;
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

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--module", paramLabel = "CLASS", description = "Predict this module instead of the config's architectures[0].")
    String module;

    @Mixin ModelOptions models = new ModelOptions();
    @Mixin TargetOptions device = new TargetOptions();
    @Mixin ScenarioOptions scenario = new ScenarioOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default), json, csv (one row per kernel; in a sweep, per point) or html (one self-contained page with the roofline).")
    String format = "text";

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
    java.nio.file.Path outFile;

    @Option(names = "--depth", paramLabel = "N", description = "Text: show the module tree to this depth (default: all).")
    int depth = -1;

    @Option(names = "--top", paramLabel = "N", description = "Text: list the N slowest kernels (default 15; -1: all).")
    int top = 15;

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json|csv|html")) throw UserError.usage("--format " + format + ": expected text, json or csv, or html (one self-contained page)");
        scenario.validate();
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        HardwareProfile h = device.profile();
        // one phase from source unless a sweep spans both
        Boolean decode = scenario.isSweep() ? null : scenario.phase() == io.flopscope.evaluate.Phase.DECODE || (scenario.cache != null && scenario.cache > 0);
        ResolvedModel rm = models.resolve(model, module, library, scenario.causal, decode, err);
        List<Scenario> points = rm.check(scenario.isSweep() ? scenario.scenarios(rm.config(), err) : List.of(scenario.scenario(rm.config())));
        Scenario sc = points.get(0);
        Target t = device.target(h, sc.activations(), rm.config());
        Evaluator ev = rm.evaluator(sc);
        // the model is resolved once; each point only evaluates the resolved tree and applies the roofline
        MemoryFootprint mf = scenario.isSweep() || fmt.equals("html") ? footprint(rm, sc) : null;
        ModelDims dims;
        try {
            dims = t.tensorParallel() == 1 ? null : ModelDims.of(rm.config());
        } catch (IllegalArgumentException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        // a sweep compiles every polynomial of the tree once (the points share the config and the dtypes)
        EvaluatedNode.Compiled compiled = scenario.isSweep()
                ? EvaluatedNode.compile(rm.resolution().root(), rm.config(), sc.weights(), sc.activations(), sc.kvCache()) : null;
        java.util.function.Function<Scenario, PredictionSweep.Point> predictOne = x -> {
            try {
                Communication comm = dims == null ? Communication.NONE : Communication.of(dims, x.batchSize(), x.seqLen(), x.activations(), t);
                EvaluatedNode tree = compiled != null ? compiled.at(x) : EvaluatedNode.of(rm.resolution().root(), new Evaluator(x, rm.config()));
                Prediction p = Roofline.predict(tree, t, comm);
                return new PredictionSweep.Point(x, p, mf == null ? null : mf.forCall(x, t.tensorParallel(), h.memoryCapacityBytes()));
            } catch (Poly.UnboundSymbolException | IllegalArgumentException e) {
                throw UserError.failed(rm.config().name() + ": " + e.getMessage());
            }
        };
        var unknowns = rm.resolution().root().unknowns();
        String report;
        if (scenario.isSweep()) {
            PredictionSweep sweep = new PredictionSweep(rm.config().name(), scenario.causal, Sweep.map(points, predictOne, err), unknowns);
            report = switch (fmt) {
                case "json" -> sweep.json();
                case "csv" -> sweep.csv();
                case "html" -> sweep.html();
                default -> sweep.text();
            };
        } else {
            PredictionSweep.Point one = predictOne.apply(sc);
            PredictionReport r = new PredictionReport(rm.config().name(), sc, scenario.causal, one.prediction(), unknowns);
            report = switch (fmt) {
                case "json" -> r.json();
                case "csv" -> r.csv();
                case "html" -> PredictionHtml.page(rm.config().name(), sc, scenario.causal, one.prediction(), one.memory(), unknowns);
                default -> r.text(depth, top) + rm.routingNote(sc).map(n -> n + "\n").orElse("");
            };
        }
        Sweep.emit(out, err, outFile, report);
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }

    /** The memory model, or null when the config lacks what it needs (layers, heads): memory is then left out. */
    private static MemoryFootprint footprint(ResolvedModel rm, Scenario sc) {
        try {
            return new MemoryFootprint(rm.resolution().root(), rm.config(), sc.weights(), sc.activations(), sc.kvCache());
        } catch (IllegalArgumentException | Poly.UnboundSymbolException e) {
            return null;
        }
    }
}
