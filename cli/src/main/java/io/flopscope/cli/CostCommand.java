package io.flopscope.cli;

import io.flopscope.evaluate.CompiledPoly;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Poly;
import io.flopscope.report.CostReport;
import io.flopscope.report.CostSweep;
import io.flopscope.report.EvaluatedNode;
import io.flopscope.resolve.Globals;
import java.util.List;
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
    /** Standard output and error when run without picocli ({@link FastCost}); else picocli's. */
    java.io.PrintWriter out, err;

    java.io.PrintWriter out() { return out != null ? out : spec.commandLine().getOut(); }
    java.io.PrintWriter err() { return err != null ? err : spec.commandLine().getErr(); }

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--source", paramLabel = "SOURCE", description = "Analyse this Python source (a transformers src/, or plain PyTorch files) instead of using the built-in analyses.")
    java.nio.file.Path source;

    @Mixin SourceOptions sourceOptions = new SourceOptions();

    @Option(names = "--module", paramLabel = "CLASS", description = "Cost this module instead of the config's architectures[0].")
    String module;

    @Mixin ScenarioOptions scenario = new ScenarioOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default), json, csv, md or html (one self-contained page). A sweep: text, json, csv (one row per point) or html.")
    String format = "text";

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
    java.nio.file.Path outFile;

    @Option(names = "--depth", paramLabel = "N", description = "Show the tree to this depth (default: all).")
    int depth = -1;

    static String need(String model) {
        if (model == null) throw UserError.usage("MODEL is required (or --source SOURCE --class NAME)");
        return model;
    }

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!java.util.Set.of("text", "json", "csv", "md", "html").contains(fmt)) throw UserError.usage("--format " + format + ": expected text, json, csv or md, or html (one self-contained page)");
        scenario.validate();
        if (scenario.isSweep() && fmt.equals("md")) throw UserError.usage("--format md is not available for a sweep: use text, json, csv or html");
        var out = out();
        var err = err();
        ResolvedModel rm = source == null ? TreeCache.resolve(need(model), sourceOptions, module, library, scenario.causal, err)
                : FromSource.resolve(model, source, sourceOptions, library, scenario, module, err);
        if (scenario.isSweep()) return sweep(rm, fmt);
        Scenario sc = rm.check(scenario.scenario(rm.config()));
        EvaluatedNode root = rm.evaluate(sc);
        var unknowns = rm.resolution().root().unknowns();
        CostReport report = new CostReport(rm.config().name(), sc, scenario.causal, root, unknowns, depth);
        Sweep.emit(out, err, outFile, switch (fmt) {
            case "json" -> report.json();
            case "csv" -> report.csv();
            case "md" -> report.markdown();
            case "html" -> report.html();
            default -> report.text() + rm.routingNote(sc).map(n -> n + "\n").orElse("");
        });
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }

    /**
     * A grid of scenarios. The model is resolved once; its totals are compiled once (config and dtypes
     * bound, batch_size, seq_len and cache_len left free) and evaluated exactly at each point, in parallel.
     */
    private Integer sweep(ResolvedModel rm, String fmt) {
        var err = err();
        List<Scenario> points = rm.check(scenario.scenarios(rm.config(), err));
        var cumulative = rm.resolution().root().cumulative();
        rm.evaluator(points.get(0));
        Scenario first = points.get(0);
        List<String> vars = List.of(Globals.BATCH, Globals.SEQ, Globals.CACHE);
        Poly[] polys = {cumulative.matmulFlops(), cumulative.vectorFlops(), cumulative.bytesRead(), cumulative.bytesWritten()};
        Poly[] bound = new Poly[4];
        for (int i = 0; i < 4; i++) {
            bound[i] = Evaluator.bindConfig(polys[i], rm.config()).substitute(n -> switch (n) {
                case Globals.W_BYTES, Globals.WCOPY_BYTES -> Poly.constant(first.weights().bytes);
                case Globals.A_BYTES -> Poly.constant(first.activations().bytes);
                case Globals.KV_BYTES -> Poly.constant(first.kvCache().bytes);
                default -> null;
            });
        }
        List<CostSweep.Point> results;
        if (java.util.Arrays.stream(bound).anyMatch(p -> p.symbols().contains(Evaluator.EXPERTS_HIT_SYMBOL))) {
            // the routing assumption of a mixture of experts depends on each point's tokens: each point evaluated exactly
            results = Sweep.map(points, sc -> new CostSweep.Point(sc, rm.evaluator(sc).evaluate(cumulative)), err);
        } else {
            CompiledPoly[] totals = new CompiledPoly[4];
            for (int i = 0; i < 4; i++) totals[i] = new CompiledPoly(bound[i], vars);
            results = Sweep.map(points, sc -> {
                long[] v = {sc.batchSize(), sc.seqLen(), sc.cacheLen()};
                return new CostSweep.Point(sc, new Numbers(totals[0].evaluate(v), totals[1].evaluate(v), totals[2].evaluate(v), totals[3].evaluate(v)));
            }, err);
        }
        var unknowns = rm.resolution().root().unknowns();
        CostSweep report = new CostSweep(rm.config().name(), scenario.causal, results, unknowns);
        String text;
        switch (fmt) {
            case "json" -> text = report.json();
            case "csv" -> text = report.csv();
            case "html" -> {
                Scenario last = points.get(points.size() - 1);
                EvaluatedNode tree;
                try {
                    tree = EvaluatedNode.of(rm.resolution().root(), new Evaluator(last, rm.config()));
                } catch (Poly.UnboundSymbolException e) {
                    throw UserError.failed(rm.config().name() + ": " + e.getMessage());
                }
                text = report.html(tree, last);
            }
            default -> text = report.text();
        }
        Sweep.emit(out(), err, outFile, text);
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
