package io.flopscope.cli;

import io.flopscope.calibrate.CalibratedProfile;
import io.flopscope.calibrate.Calibrator;
import io.flopscope.calibrate.Evaluation;
import io.flopscope.calibrate.MeasurementSet;
import io.flopscope.calibrate.Params;
import io.flopscope.calibrate.Sample;
import io.flopscope.calibrate.Statistic;
import io.flopscope.calibrate.Workloads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fit a hardware profile's efficiencies (matmul, vector, memory) and launch overhead to measured times "
                + "(docs/measurements.md; tools/measure.py writes them) and write the calibrated profile.",
                "Without --out the profile goes to stdout and the report to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the measurements or the models cannot be used", "2:bad usage"})
final class CalibrateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--measurements", required = true, paramLabel = "FILE", description = "Measurements (JSON Lines, docs/measurements.md).")
    Path measurements;

    @Option(names = "--hardware", required = true, paramLabel = "NAME", description = "The profile to calibrate: a built-in id or alias, or a profile JSON file.")
    String hardware;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the calibrated profile here (default: stdout).")
    Path out;

    @Option(names = "--holdout", paramLabel = "HOW", description = "every-2nd: fit on the 1st, 3rd, ... point of each sweep and evaluate on the others; none (default): fit on all.")
    String holdout = "none";

    @Option(names = "--fix", paramLabel = "PARAM", split = ",", description = "Keep these at the base profile's values: matmul, vector, memory, launch (comma-separated).")
    List<String> fix = new ArrayList<>();

    @Option(names = "--statistic", paramLabel = "STAT", description = "median (default) or min: which of each point's repeated timings to fit.")
    String statistic = "median";

    @Option(names = "--worst", paramLabel = "N", description = "Held-out points to list, worst first (default 5).")
    int worst = 5;

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
        boolean[] free = {true, true, true, true};
        for (String f : fix) {
            switch (f.strip().toLowerCase(Locale.ROOT)) {
                case "matmul" -> free[0] = false;
                case "vector" -> free[1] = false;
                case "memory" -> free[2] = false;
                case "launch", "launch_overhead", "overhead" -> free[3] = false;
                default -> throw UserError.usage("--fix " + f + ": expected matmul, vector, memory or launch");
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter report = out == null ? err : stdout;
        MeasurementSet set = CalibrationInputs.measurements(measurements);
        CalibrationInputs.Profile base = CalibrationInputs.profile(hardware, runtime);
        CalibrationInputs.checkHardware(set, base, err);
        MeasurementSet.Split split = set.split(h);
        if (split.calibration().isEmpty()) throw UserError.failed(set.source() + ": no measurements left to calibrate on");
        Workloads w = CalibrationInputs.workloads(libraries, causal, models);
        List<Sample> cal;
        List<Sample> held;
        try {
            cal = w.samples(split.calibration(), base.profile());
            held = w.samples(split.heldOut(), base.profile());
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
        Calibrator.Fit fit;
        try {
            fit = new Calibrator(cal, stat).fit(Params.of(base.profile()), free);
        } catch (IllegalArgumentException e) {
            throw UserError.failed(set.source() + ": " + e.getMessage());
        }
        report.printf(Locale.ROOT, "calibrated %s on %d of %d measurements from %s (%s; %s of each point's timings)%n", base.profile().id(), cal.size(),
                set.size(), measurements, String.join(", ", set.models()), stat.label());
        report.printf(Locale.ROOT, "  base profile: %s%n", Params.of(base.profile()));
        report.print(fit.describe());
        Evaluation heldOut = null;
        if (!held.isEmpty()) {
            // the held-out points are predicted by the roofline itself, on the calibrated profile
            var calibrated = fit.params().applyTo(base.profile());
            try {
                heldOut = Evaluation.of(split.heldOut(), m -> w.predict(m, calibrated), stat);
            } catch (IllegalArgumentException e) {
                throw UserError.failed(e.getMessage());
            }
            report.printf(Locale.ROOT, "%nheld-out evaluation (%d points, every 2nd point of each sweep):%n", held.size());
            report.print(heldOut.text(worst));
        }
        Evaluation fitted = Evaluation.of(cal, fit.params(), stat);
        report.printf(Locale.ROOT, "%non the calibration points:%n");
        report.print(fitted.text(0));
        String json = CalibratedProfile.json(base.profile(), fit, measurements.toString(), split.calibration(),
                h == MeasurementSet.Holdout.NONE ? "none" : "every-2nd", stat, heldOut);
        if (out == null) {
            stdout.print(json);
        } else {
            try {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.writeString(out, json, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw UserError.failed("cannot write " + out + ": " + IoMessages.reason(e));
            }
            report.printf("%nwrote %s (use it with --hardware %s)%n", out, out);
        }
        stdout.flush();
        err.flush();
        return ExitCodes.OK;
    }
}
