package io.flopscope.cli;

import io.flopscope.predict.Generation;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.Target;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** MODEL, the device, one generation run and --format: what `generate` and `memory` both read and check. */
final class GenerationSetup {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Built-in name (see `flopscope models`), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--module", paramLabel = "CLASS", description = "Use this module instead of the config's architectures[0].")
    String module;

    @Mixin ModelOptions models = new ModelOptions();
    @Mixin TargetOptions device = new TargetOptions();
    @Mixin GenerationOptions run = new GenerationOptions();
    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    /** The checked options, the profile, the resolved model, the run at --batch and the device it runs on. */
    record Prepared(boolean json, HardwareProfile hardware, ResolvedModel model, Generation.Spec spec, Target target) {}

    Prepared prepare(CommandSpec command, boolean maxBatch) {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) throw UserError.usage("--format " + format + ": expected text or json");
        if (maxBatch && run.batch != null) throw UserError.usage("--max-batch and --batch exclude each other");
        HardwareProfile h = device.profile();
        ResolvedModel rm = models.resolve(model, module, library, run.causal, null, command.commandLine().getErr());
        Generation.Spec s = run.spec(rm.config(), run.batch());
        rm.check(s.decode(0));
        // a generation's decode steps read a KV cache. A model whose costs never depend on cache_len keeps none (a step of
        // one token would be predicted without its context: nanoGPT-style code recomputes the whole sequence), unless a
        // --setup built a pre-allocated cache whose attention always spans its full length (gpt-fast's setup_caches)
        boolean readsCache = !rm.evaluate(s.decode(1)).total().equals(rm.evaluate(s.decode(2)).total()); // below any sliding window
        if (!readsCache && models.sourceOptions.setup == null) {
            throw UserError.usage(rm.config().name() + ": the analysis of " + rm.rootClass().substring(rm.rootClass().lastIndexOf('.') + 1)
                    + " keeps no KV cache (a decode step costs the same at any cache_len), so a decode step would see one token without its context;"
                    + " predict each step as a prefill of the whole sequence instead (predict --seq N), or give the --setup that builds its cache");
        }
        return new Prepared(fmt.equals("json"), h, rm, s, device.target(h, s.activations(), rm.config()));
    }
}
