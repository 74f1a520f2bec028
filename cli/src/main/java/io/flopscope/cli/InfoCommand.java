package io.flopscope.cli;

import io.flopscope.evaluate.Dtype;
import io.flopscope.formula.Poly;
import io.flopscope.info.InfoReport;
import io.flopscope.info.ModelInfo;
import io.flopscope.library.Library;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Parameters of MODEL in total and by module (from the analyses), weight and KV-cache bytes.",
                "Also layers, heads and key/value heads; the weight bytes are at --weight-dtype (else --dtype), the KV cache per token at --dtype."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:no analysis for the model, errors in the analyses, or parts could not be analysed", "2:bad usage"})
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "Built-in name (see `flopscope models`), a Hugging Face hub id (read from the local cache, else the built-in configs), a config.json, or a folder holding one.")
    String model;

    @Option(names = "--source", paramLabel = "SOURCE", description = "Analyse this Python source (a transformers src/, or plain PyTorch files) instead of using the built-in analyses.")
    Path source;

    @Mixin SourceOptions sourceOptions = new SourceOptions();

    @Option(names = "--module", paramLabel = "CLASS", description = "Count this module instead of the config's architectures[0].")
    String module;

    @Mixin LibraryOptions library = new LibraryOptions();

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "fp32, bf16 or fp16 for weights and KV cache (default: the config's torch_dtype, else fp32).")
    String dtype;

    @Option(names = "--weight-dtype", paramLabel = "DTYPE", description = "Weights only: fp32, bf16, fp16, fp8, int8 or int4 (quantised weights).")
    String weightDtype;

    @Option(names = "--depth", paramLabel = "N", description = "Show modules to this depth below the root (default: all).")
    int depth = -1;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json")) throw UserError.usage("--format " + format + ": expected text or json");
        if (model == null && source == null) throw UserError.usage("MODEL is required (or --source SOURCE --class NAME)");
        Dtype explicit = dtype == null ? null : parse("--dtype", dtype);
        if (explicit == Dtype.INT4 || explicit == Dtype.INT8 || explicit == Dtype.FP8 || explicit == Dtype.TF32) {
            throw UserError.usage("--dtype " + dtype + ": expected fp32, bf16 or fp16; use --weight-dtype for quantised weights");
        }
        Dtype explicitWeights = weightDtype == null ? null : parse("--weight-dtype", weightDtype);
        var err = spec.commandLine().getErr();
        ResolvedModel rm;
        String origin;
        if (source == null) {
            sourceOptions.refuseSourceOnly(model);
            ModelLoader.Loaded loaded = ModelLoader.resolve(model);
            origin = loaded.origin();
            Library lib = library.build();
            String root = module != null ? module : loaded.config().rootClass().orElseThrow(() -> UserError.failed(loaded.config().noRootReason()));
            if (lib.find(root).isEmpty()) {
                throw UserError.failed(loaded.config().name() + ": no analysis for " + root + " (the built-in library does not cover this model yet), "
                        + "and parameters are counted from the analyses, not from a table. Analyse the model's transformers source "
                        + "with --source DIR (a transformers src/ folder), or add analyses with --library DIR");
            }
            rm = ResolvedModel.of(sourceOptions.applyTo(loaded.config()), module, lib, false, err);
        } else {
            // a decode call: its analysis holds both the weights and the reads of the KV cache (a prefill's has no cache)
            ScenarioOptions decode = new ScenarioOptions();
            decode.phase = "decode";
            rm = FromSource.resolve(model, source, sourceOptions, library, decode, module, err);
            origin = (model == null ? "the config class's defaults" : ModelLoader.resolve(model).origin()) + "; analysed from " + source;
        }
        Dtype d = explicit != null ? explicit : rm.config().torchDtype().orElse(Dtype.FP32);
        Dtype w = explicitWeights != null ? explicitWeights : d;
        ModelInfo info;
        try {
            info = ModelInfo.of(rm.resolution().root(), rm.config(), w, d);
        } catch (Poly.UnboundSymbolException | IllegalArgumentException e) {
            throw UserError.failed(rm.config().name() + ": " + e.getMessage());
        }
        var unknowns = rm.resolution().root().unknowns();
        InfoReport report = new InfoReport(model != null ? model : rm.config().name(), origin, info, unknowns, depth);
        var out = spec.commandLine().getOut();
        out.print(fmt.equals("json") ? report.json() : report.text());
        out.flush();
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }

    private static Dtype parse(String option, String v) {
        return Dtype.parse(v).orElseThrow(() -> UserError.usage(option + " " + v + ": expected fp32, bf16, fp16, fp8, int8 or int4"));
    }
}
