package io.flopscope.cli;

import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.report.ModuleDiff;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare the built-in analyses of MODEL with a fresh analysis of your transformers source, module by module,",
                "and list the kernels that changed between the releases (at one scenario: --phase, --batch, --seq, --cache)."},
        exitCodeListHeading = "%nExit codes (as diff(1)):%n",
        exitCodeList = {"0:no difference", "1:the analyses differ (listed), or parts could not be analysed", "2:bad usage or trouble"})
final class DiffCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Built-in name, a Hugging Face hub id, a config.json, or a folder holding one.")
    String model;

    @Option(names = "--source", required = true, paramLabel = "SOURCE", description = "Your transformers src/ folder (any release).")
    Path source;

    @Mixin SourceOptions sourceOptions = new SourceOptions();
    @Mixin ScenarioOptions scenario = new ScenarioOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json")) throw UserError.usage("--format " + format + ": expected text or json");
        if (scenario.isSweep()) throw UserError.usage("diff compares one scenario: give single values to --batch, --seq and --cache");
        var err = spec.commandLine().getErr();
        Library builtIn = library.build();
        ResolvedModel a = ResolvedModel.of(sourceOptions.applyTo(ModelLoader.load(model)), null, builtIn, scenario.causal, err);
        ResolvedModel b = FromSource.resolve(model, source, sourceOptions, library, scenario, null, err);
        Scenario sc = a.check(scenario.scenario(a.config()));
        String release = builtIn.analysis(a.rootClass()).flatMap(x -> x.conditions().stream().filter(c -> c.startsWith("transformers ")).findFirst())
                .map(r -> " (" + r + ")").orElse("");
        ModuleDiff d = new ModuleDiff(a.config().name(), sc, scenario.causal,
                new ModuleDiff.Side("built-in analyses" + release, a.evaluate(sc)), new ModuleDiff.Side("analysed from " + source, b.evaluate(sc)));
        var out = spec.commandLine().getOut();
        out.print(fmt.equals("json") ? d.json() : d.text());
        out.flush();
        boolean incomplete = !a.resolution().root().complete() || !b.resolution().root().complete();
        return d.differs() || incomplete ? ExitCodes.ERRORS : ExitCodes.OK;
    }
}
