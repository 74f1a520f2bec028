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

    static MeasurementSet measurements(Path file) {
        if (!Files.isRegularFile(file)) throw UserError.usage("--measurements " + file + ": no such file");
        try {
            return MeasurementSet.load(file);
        } catch (IllegalArgumentException e) {
            throw UserError.failed(e.getMessage());
        }
    }

    record Profile(HardwareProfile profile, Optional<String> calibratedFrom) {}

    static Profile profile(String spec) {
        try {
            HardwareProfile p = HardwareProfile.resolve(spec);
            Optional<String> from = Optional.empty();
            Path f = Path.of(spec);
            if (Files.isRegularFile(f)) from = CalibratedProfile.calibratedFrom(Files.readString(f, StandardCharsets.UTF_8));
            return new Profile(p, from);
        } catch (IOException e) {
            throw UserError.failed("cannot read " + spec + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Files.isRegularFile(Path.of(spec)) ? UserError.failed(e.getMessage()) : UserError.usage("--hardware " + spec + ": " + e.getMessage());
        }
    }

    static Workloads workloads(List<Path> libraries, boolean causal) {
        LibraryOptions lo = new LibraryOptions();
        lo.libraries = new ArrayList<>(libraries);
        lo.build(); // checks the folders once, with the usual messages
        return new Workloads(lo::build, causal);
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
