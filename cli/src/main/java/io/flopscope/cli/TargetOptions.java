package io.flopscope.cli;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.ModelDims;
import io.flopscope.predict.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --hardware --tp --tf32: the device a prediction runs on. */
final class TargetOptions {
    @Option(names = "--hardware", required = true, paramLabel = "NAME|FILE",
            description = "A built-in profile id or alias (see `flopscope hardware`), or a hardware profile JSON file.")
    String hardware;

    @Option(names = "--tp", paramLabel = "N", description = "Tensor-parallel degree: weights and heads split over N devices, two all-reduces per layer (default 1).")
    int tp = 1;

    @Option(names = "--tf32", description = "fp32 matmuls run on the TF32 tensor cores (torch allow_tf32): use the tf32 matmul peak.")
    boolean tf32;

    @Option(names = "--runtime", paramLabel = "RUNTIME", description = "What runs the model: hf-eager (default: transformers in eager PyTorch, "
            + "as tools/measure.py measures) or cuda-graphs (captured kernels, no per-op host dispatch: torch.compile mode=\"reduce-overhead\", "
            + "a serving engine's decode).")
    String runtime;

    HardwareProfile profile() { return withRuntime(resolved(), runtime); }

    /** The profile under --runtime (its own host figures when the runtime is the one they were made for). */
    static HardwareProfile withRuntime(HardwareProfile p, String runtime) {
        if (runtime == null) return p;
        if (!HardwareProfile.runtimes().contains(runtime)) throw UserError.usage("--runtime " + runtime + ": expected " + String.join(" or ", HardwareProfile.runtimes()));
        return p.withRuntime(runtime);
    }

    private HardwareProfile resolved() {
        try {
            return HardwareProfile.resolve(hardware);
        } catch (IllegalArgumentException e) {
            boolean file = Files.isRegularFile(Path.of(hardware));
            throw file ? UserError.failed(e.getMessage()) : UserError.usage("--hardware: " + e.getMessage());
        }
    }

    Target target(HardwareProfile h, Dtype activations, ModelConfig config) {
        if (tp < 1 || tp > Target.MAX_TP) throw UserError.usage("--tp " + tp + ": must lie in 1.." + Target.MAX_TP);
        try {
            if (tp > 1) ModelDims.of(config).checkTensorParallel(tp);
            return Target.of(h, activations, tf32, tp);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
    }
}
