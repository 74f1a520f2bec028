package io.flopscope.cli;

import io.flopscope.calibrate.Evaluation;
import io.flopscope.calibrate.Measurement;
import io.flopscope.calibrate.MeasurementSet;
import io.flopscope.calibrate.Statistic;
import io.flopscope.calibrate.Workloads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Compare predicted with measured times: MAPE, largest error, bias and R² per phase, and the worst points.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the measurements or the models cannot be used, or the MAPE is over --max-mape", "2:bad usage"})
final class EvaluateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--measurements", required = true, paramLabel = "FILE", description = "Measurements (JSON Lines, docs/measurements.md).")
    Path measurements;

    @Option(names = "--hardware", required = true, paramLabel = "PROFILE", description = "A built-in id or alias, or a profile JSON file (such as one `calibrate` wrote).")
    String hardware;

    @Option(names = "--holdout", paramLabel = "HOW", description = "every-2nd: evaluate only the points `calibrate --holdout every-2nd` held out; none (default): all.")
    String holdout = "none";

    @Option(names = "--statistic", paramLabel = "STAT", description = "median (default) or min: which of each point's repeated timings to compare with.")
    String statistic = "median";

    @Option(names = "--worst", paramLabel = "N", description = "Points to list, worst first (default 5).")
    int worst = 5;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Option(names = "--max-mape", paramLabel = "PERCENT", description = "Exit 1 when the MAPE over all points is above this.")
    Double maxMape;

    @Option(names = "--library", paramLabel = "DIR", description = "Add or override analyses from a folder of .md/.json documents (repeatable).")
    List<Path> libraries = new ArrayList<>();

    @Option(names = "--runtime", paramLabel = "RUNTIME", description = "hf-eager (default) or cuda-graphs: the runtime the measurements were taken with.")
    String runtime;

    @picocli.CommandLine.Mixin ModelOptions models = new ModelOptions();

    @Option(names = "--causal", description = "Count only the unmasked (causal) query-key pairs of attention.")
    boolean causal;

    @Override public Integer call() {
        var choices = CalibrationInputs.Choices.parse(holdout, statistic, worst);
        MeasurementSet.Holdout h = choices.holdout();
        Statistic stat = choices.statistic();
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) throw UserError.usage("--format " + format + ": expected text or json");
        if (maxMape != null && !(maxMape >= 0)) throw UserError.usage("--max-mape " + maxMape + ": must be 0 or more");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MeasurementSet set = CalibrationInputs.measurements(measurements);
        CalibrationInputs.Profile p = CalibrationInputs.profile(hardware, runtime);
        CalibrationInputs.checkHardware(set, p, err);
        List<Measurement> points = h == MeasurementSet.Holdout.NONE ? set.measurements() : set.split(h).heldOut();
        if (points.isEmpty()) throw UserError.failed(set.source() + ": no held-out points to evaluate (each sweep has a single point)");
        Workloads w = CalibrationInputs.workloads(libraries, causal, models);
        Evaluation ev;
        try {
            ev = Evaluation.of(points, m -> w.predict(m, p.profile()), stat);
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
        if (fmt.equals("json")) {
            var j = ev.json(worst);
            j.put("hardware", p.profile().id());
            j.put("measurements", measurements.toString());
            j.put("holdout", h == MeasurementSet.Holdout.NONE ? "none" : "every-2nd");
            j.put("statistic", stat.label());
            out.print(j.toPrettyString() + "\n");
        } else {
            out.printf(Locale.ROOT, "%s on %s: %d of %d measurements%s, %s of each point's timings%n", measurements, p.profile().id(), points.size(), set.size(),
                    h == MeasurementSet.Holdout.NONE ? "" : " (held out: every 2nd point of each sweep)", stat.label());
            out.print(ev.text(worst));
        }
        out.flush();
        double mape = 100 * ev.overall().mape();
        if (maxMape != null && mape > maxMape) {
            err.printf(Locale.ROOT, "flopscope: MAPE %.2f%% is above --max-mape %s%%%n", mape, maxMape);
            err.flush();
            return ExitCodes.ERRORS;
        }
        return ExitCodes.OK;
    }
}
