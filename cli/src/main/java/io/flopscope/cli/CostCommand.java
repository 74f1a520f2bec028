package io.flopscope.cli;

import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.report.CostReport;
import io.flopscope.report.EvaluatedNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Exact FLOPs and bytes of one forward call of MODEL, as a tree of modules.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:errors in the analyses, or parts could not be analysed (listed)", "2:bad usage"})
final class CostCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--source", paramLabel = "SOURCE", description = "Analyse this Python source (a transformers src/, or plain PyTorch files) instead of using the built-in analyses.")
    java.nio.file.Path source;

    @Mixin SourceOptions sourceOptions = new SourceOptions();

    @Option(names = "--module", paramLabel = "CLASS", description = "Cost this module instead of the config's architectures[0].")
    String module;

    @Mixin ScenarioOptions scenario = new ScenarioOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default), json, csv or md.")
    String format = "text";

    @Option(names = "--depth", paramLabel = "N", description = "Show the tree to this depth (default: all).")
    int depth = -1;

    static String need(String model) {
        if (model == null) throw UserError.usage("MODEL is required (or --source SOURCE --class NAME)");
        return model;
    }

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json|csv|md")) throw UserError.usage("--format " + format + ": expected text, json, csv or md");
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ResolvedModel rm = source == null ? ResolvedModel.of(need(model), module, library.build(), scenario.causal, err)
                : FromSource.resolve(model, source, sourceOptions, library, scenario, module, err);
        Scenario sc = scenario.scenario(rm.config());
        Evaluator ev = new Evaluator(sc, rm.config());
        var missing = ev.missing(rm.resolution().root().cumulative());
        if (!missing.isEmpty()) {
            throw UserError.failed(rm.config().name() + ": no value for " + String.join(", ", missing)
                    + " (missing from the config and its defaults; set it in config.json)");
        }
        EvaluatedNode root;
        try {
            root = EvaluatedNode.of(rm.resolution().root(), ev);
        } catch (Poly.UnboundSymbolException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        var unknowns = rm.resolution().root().unknowns();
        CostReport report = new CostReport(rm.config().name(), sc, scenario.causal, root, unknowns, depth);
        out.print(switch (fmt) {
            case "json" -> report.json();
            case "csv" -> report.csv();
            case "md" -> report.markdown();
            default -> report.text();
        });
        out.flush();
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
