package io.flopscope.cli;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.predict.Generation;
import picocli.CommandLine.Option;

/** --prompt --new --batch --dtype --weight-dtype --causal: one generation run. */
final class GenerationOptions {
    @Option(names = "--prompt", required = true, paramLabel = "P", description = "Prompt tokens per sequence (the prefill).")
    long prompt;

    @Option(names = "--new", required = true, paramLabel = "G", description = "New tokens per sequence: the prefill yields the first, G-1 decode steps the rest.")
    long newTokens;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences generated together (default 1).")
    Long batch;

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "fp32, bf16 or fp16 for weights, activations and KV cache (default: the config's torch_dtype, else fp32).")
    String dtype;

    @Option(names = "--weight-dtype", paramLabel = "DTYPE", description = "Weights only: fp32, bf16, fp16, fp8, int8 or int4 (quantised weights).")
    String weightDtype;

    @Option(names = "--causal", description = "Count only the unmasked (causal) query-key pairs of attention.")
    boolean causal;

    long batch() { return batch == null ? 1 : batch; }

    Generation.Spec spec(ModelConfig config, long b) {
        ScenarioOptions.check("--prompt", prompt);
        ScenarioOptions.check("--new", newTokens);
        ScenarioOptions.check("--batch", b);
        Dtype d = ScenarioOptions.activations(dtype, config);
        Dtype w = weightDtype == null ? d : ScenarioOptions.parseDtype("--weight-dtype", weightDtype);
        config.value("n_positions").or(() -> config.value("max_position_embeddings")).ifPresent(max -> {
            if (max.num().longValue() < prompt + newTokens - 1) {
                throw UserError.usage("--prompt " + prompt + " + --new " + newTokens + " needs " + (prompt + newTokens - 1) + " positions but "
                        + config.name() + " has " + max + " (max_position_embeddings)");
            }
        });
        return new Generation.Spec(b, prompt, newTokens, w, d, d);
    }
}
