package io.flopscope.cli;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import java.util.Locale;
import picocli.CommandLine.Option;

/** --phase --batch --seq --cache --dtype: one forward call. */
final class ScenarioOptions {
    static final long MAX_TOKENS = 1L << 30;

    @Option(names = "--phase", paramLabel = "PHASE", description = "prefill (seq_len=--seq) or decode (seq_len=1, cache_len=--cache). Default: prefill.")
    String phase = "prefill";

    @Option(names = "--batch", paramLabel = "N", description = "batch_size (default 1).")
    long batch = 1;

    @Option(names = "--seq", paramLabel = "N", description = "Prompt tokens in prefill (default 128).")
    Long seq;

    @Option(names = "--cache", paramLabel = "N", description = "Cached tokens before the call: default 0 in prefill, --seq (or 128) in decode.")
    Long cache;

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "fp32, bf16 or fp16 for weights, activations and cache (default: the config's torch_dtype, else fp32).")
    String dtype;

    @Option(names = "--weight-dtype", paramLabel = "DTYPE", description = "Weights only: fp32, bf16, fp16, fp8, int8 or int4 (quantised weights).")
    String weightDtype;

    @Option(names = "--causal", description = "Count only the unmasked (causal) query-key pairs of attention instead of the full rectangle torch counts.")
    boolean causal;

    Phase phase() {
        return switch (phase.toLowerCase(Locale.ROOT)) {
            case "prefill" -> Phase.PREFILL;
            case "decode" -> Phase.DECODE;
            default -> throw UserError.usage("--phase " + phase + ": expected prefill or decode");
        };
    }

    Scenario scenario(ModelConfig config) {
        Phase p = phase();
        check("--batch", batch);
        if (seq != null) check("--seq", seq);
        if (cache != null && cache < 0) throw UserError.usage("--cache " + cache + ": must be 0 or more");
        if (cache != null && cache > MAX_TOKENS) throw UserError.usage("--cache " + cache + ": more than " + MAX_TOKENS + " tokens is not a plausible scenario");
        long s = p == Phase.DECODE ? 1 : seq == null ? 128 : seq;
        if (p == Phase.DECODE && seq != null && cache == null) {
            // decode right after a prompt of --seq tokens
        }
        long c = cache != null ? cache : p == Phase.DECODE ? (seq == null ? 128 : seq) : 0;
        Dtype d = dtype == null ? config.torchDtype().orElse(Dtype.FP32) : parseDtype("--dtype", dtype);
        if (d == Dtype.INT4 || d == Dtype.INT8) throw UserError.usage("--dtype " + dtype + ": activations cannot be integer; use --weight-dtype for quantised weights");
        Dtype w = weightDtype == null ? d : parseDtype("--weight-dtype", weightDtype);
        config.value("n_positions").or(() -> config.value("max_position_embeddings")).ifPresent(max -> {
            if (max.num().longValue() < s + c) {
                throw UserError.usage("seq_len + cache_len = " + (s + c) + " exceeds " + config.name() + "'s " + max + " positions (max_position_embeddings)");
            }
        });
        return new Scenario(p, batch, s, c, w, d, d);
    }

    static void check(String name, long v) {
        if (v < 1) throw UserError.usage(name + " " + v + ": must be at least 1");
        if (v > MAX_TOKENS) throw UserError.usage(name + " " + v + ": more than " + MAX_TOKENS + " is not a plausible scenario");
    }

    static Dtype parseDtype(String opt, String v) {
        return Dtype.parse(v).orElseThrow(() -> UserError.usage(opt + " " + v + ": expected fp32, bf16, fp16, fp8, int8 or int4"));
    }
}
