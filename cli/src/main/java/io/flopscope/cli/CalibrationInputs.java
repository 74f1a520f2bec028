package io.flopscope.cli;

import io.flopscope.calibrate.CalibratedProfile;
import io.flopscope.calibrate.MeasurementSet;
import io.flopscope.calibrate.Workloads;
import io.flopscope.predict.HardwareProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Shared by calibrate and evaluate: the measurement file, the hardware profile and the model library. */
final class CalibrationInputs {
    private CalibrationInputs() {}

    /** --holdout, --statistic and --worst as both commands read them. */
    record Choices(MeasurementSet.Holdout holdout, io.flopscope.calibrate.Statistic statistic, int worst) {
        static Choices parse(String holdout, String statistic, int worst) {
            MeasurementSet.Holdout h;
            try {
                h = MeasurementSet.Holdout.parse(holdout);
            } catch (IllegalArgumentException e) {
                throw UserError.usage("--holdout " + e.getMessage());
            }
            if (worst < 0) throw UserError.usage("--worst " + worst + ": must be 0 or more");
            try {
                return new Choices(h, io.flopscope.calibrate.Statistic.parse(statistic), worst);
            } catch (IllegalArgumentException e) {
                throw UserError.usage("--statistic " + e.getMessage());
            }
        }
    }

    static MeasurementSet measurements(Path file) {
        if (!Files.isRegularFile(file)) throw UserError.usage("--measurements " + file + ": no such file");
        try {
            return MeasurementSet.load(file);
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
    }

    record Profile(HardwareProfile profile, Optional<String> calibratedFrom) {}

    static Profile profile(String spec, String runtime) {
        Profile p = profile(spec);
        return new Profile(TargetOptions.withRuntime(p.profile(), runtime), p.calibratedFrom());
    }

    static Profile profile(String spec) {
        try {
            HardwareProfile p = HardwareProfile.resolve(spec);
            Optional<String> from = Optional.empty();
            Path f = Path.of(spec);
            if (Files.isRegularFile(f)) from = CalibratedProfile.calibratedFrom(Files.readString(f, StandardCharsets.UTF_8));
            return new Profile(p, from);
        } catch (IOException e) {
            throw UserError.failed("cannot read " + spec + ": " + IoMessages.reason(e));
        } catch (IllegalArgumentException e) {
            throw Files.isRegularFile(Path.of(spec)) ? UserError.failed(e.getMessage()) : UserError.usage("--hardware " + spec + ": " + e.getMessage());
        }
    }

    static Workloads workloads(List<Path> libraries, boolean causal) { return workloads(libraries, causal, new ModelOptions()); }

    /**
     * The measured models: from the library, or with --source from an analysis of each measured config (its values,
     * then --set) covering prefill and decode; --set also changes the config a built-in analysis is evaluated with.
     */
    static Workloads workloads(List<Path> libraries, boolean causal, ModelOptions models) {
        LibraryOptions lo = new LibraryOptions();
        lo.libraries = new ArrayList<>(libraries);
        lo.build(); // checks the folders once, with the usual messages
        // each measured config with --set applied, then checked as every other command checks its config
        java.util.function.UnaryOperator<io.flopscope.evaluate.ModelConfig> adjust = c -> {
            var checked = ResolvedModel.checked(models.sourceOptions.applyTo(c), null);
            ResolvedModel.checkSetKeys(checked, null); // no resolved tree here: the config's own fields
            return checked;
        };
        if (models.source == null) {
            models.sourceOptions.refuseSourceOnly(null);
            return new Workloads(Workloads.fromLibrary(lo::build, causal), adjust, causal);
        }
        PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
        return new Workloads((config, attn) -> {
            LibraryOptions withAttn = new LibraryOptions();
            withAttn.libraries = lo.libraries;
            withAttn.attn = attn;
            try {
                // the config as measured, --set already applied (adjust)
                return FromSource.resolve(config, models.source, models.sourceOptions, withAttn, causal, null, null, quiet).resolution().root();
            } catch (UserError e) {
                throw new IllegalArgumentException(config.name() + ": " + e.getMessage(), e);
            }
        }, adjust, causal);
    }

    /** Warns when the measurements were taken on other hardware than the profile describes. */
    static void checkHardware(MeasurementSet set, Profile p, PrintWriter err) {
        List<String> other = set.hardware().stream().filter(h -> !CalibratedProfile.matches(p.profile(), p.calibratedFrom(), h)).toList();
        if (!other.isEmpty()) {
            err.println("flopscope: warning: " + set.source() + " holds measurements taken on " + other.stream().collect(Collectors.joining(", "))
                    + ", not on " + p.profile().id() + " (" + p.profile().name() + ")");
        }
    }
}
