package io.flopscope.cli;

import io.flopscope.predict.GenerationReport;
import io.flopscope.predict.HardwareProfile;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "hardware", mixinStandardHelpOptions = true,
        description = "List the built-in hardware profiles, or show one profile (built-in or a JSON file) in full.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success", "1:the profile file has errors", "2:bad usage"})
final class HardwareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|FILE", description = "Show this profile in full (all peaks, sources, notes).")
    String name;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json (profiles in the file format).")
    String format = "text";

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json")) throw UserError.usage("--format " + format + ": expected text or json");
        var out = spec.commandLine().getOut();
        if (name == null) {
            List<HardwareProfile> all = HardwareProfile.builtIns();
            out.print(fmt.equals("json") ? GenerationReport.hardwareJson(all) : GenerationReport.hardwareText(all));
        } else {
            HardwareProfile h;
            try {
                h = HardwareProfile.resolve(name);
            } catch (IllegalArgumentException e) {
                throw java.nio.file.Files.isRegularFile(java.nio.file.Path.of(name)) ? UserError.failed(e.getMessage()) : UserError.usage(e.getMessage());
            }
            out.print(fmt.equals("json") ? h.toJson() : GenerationReport.hardwareDetail(h));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
