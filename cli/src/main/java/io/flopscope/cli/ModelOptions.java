package io.flopscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * --source and the source analyzer's options (--class, --config, --set, --setup, --input, --config-class, --experts):
 * every command that takes a MODEL reads them the same way, so a model from source or with changed config values
 * works wherever a built-in one does.
 */
final class ModelOptions {
    @Option(names = "--source", paramLabel = "SOURCE", description = "Analyse this Python source (a transformers src/, or plain PyTorch files) instead of using the built-in analyses.")
    Path source;

    @Mixin SourceOptions sourceOptions = new SourceOptions();

    /**
     * The model: the built-in analyses with --set applied, or an analysis of SOURCE. {@code decode} picks the phase the
     * analysis is made for; null makes one that covers prefill and decode (a generation, a sweep over both).
     */
    ResolvedModel resolve(String model, String module, LibraryOptions library, boolean causal, Boolean decode, PrintWriter err) {
        if (source == null) {
            if (model == null) throw UserError.usage("MODEL is required (or --source SOURCE --class NAME)");
            sourceOptions.refuseSourceOnly(model);
            return ResolvedModel.of(sourceOptions.applyTo(ModelLoader.load(model)), module, library.build(), causal, err);
        }
        return FromSource.resolve(model, source, sourceOptions, library, causal, decode, module, err);
    }
}
