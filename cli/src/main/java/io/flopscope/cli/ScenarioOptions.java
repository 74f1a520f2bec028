package io.flopscope.cli;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** --phase --batch --seq --cache --dtype: one forward call, or a grid of them when a value is a list or a range. */
final class ScenarioOptions {
    static final long MAX_TOKENS = 1L << 30;

    @Option(names = "--phase", paramLabel = "PHASE", description = "prefill (seq_len=--seq) or decode (seq_len=1, cache_len=--cache). Default: prefill.")
    String phase = "prefill";

    /** The single values (as before sweeps existed); for a grid, the first value (--cache: the largest). */
    long batch = 1;
    Long seq;
    Long cache;
    /** The option values as written, null when not given: a list or range makes the command sweep (see {@link Grid}). */
    String batchText, seqText, cacheText;

    @Option(names = "--batch", paramLabel = "N|GRID", description = "batch_size (default 1). A list or range sweeps: 1,2,4,8 or 1:64:x2.")
    void batch(String v) {
        batchText = v;
        List<Long> vs = quiet(v);
        if (!vs.isEmpty()) batch = vs.get(0);
    }

    @Option(names = "--seq", paramLabel = "N|GRID", description = "Prompt tokens in prefill (default 128). A list or range sweeps: 128:4096:x2 or 128,512,1024.")
    void seq(String v) {
        seqText = v;
        List<Long> vs = quiet(v);
        if (!vs.isEmpty()) seq = vs.get(0);
    }

    @Option(names = "--cache", paramLabel = "N|GRID", description = "Cached tokens before the call: default 0 in prefill, --seq (or 128) in decode. A list or range sweeps: 0:1024:+256.")
    void cache(String v) {
        cacheText = v;
        List<Long> vs = quiet(v);
        if (!vs.isEmpty()) cache = java.util.Collections.max(vs);
    }

    /** The values, or none when the text does not parse (the error is reported by {@link #validate}). */
    private static List<Long> quiet(String v) {
        try {
            return Grid.parse("", v);
        } catch (UserError e) {
            return List.of();
        }
    }

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

    /** True when --batch, --seq or --cache is a list or a range: the command evaluates every point of the grid. */
    boolean isSweep() { return Grid.isGrid(batchText) || Grid.isGrid(seqText) || Grid.isGrid(cacheText); }

    /** Checks the syntax and range of every value (usage errors), before anything is analysed. */
    void validate() {
        phase();
        for (long b : values("--batch", batchText)) check("--batch", b);
        for (long v : values("--seq", seqText)) check("--seq", v);
        for (long c : values("--cache", cacheText)) checkCache(c);
    }

    private static List<Long> values(String option, String text) { return text == null ? List.of() : Grid.parse(option, text); }

    Scenario scenario(ModelConfig config) {
        validate();
        return build(config, phase(), batch, seq, cache, false);
    }

    /**
     * Every point of the grid: batch × seq × cache, in the order written (batch outermost), without
     * repeats (in decode, --seq only sets the default cache). Points beyond the model's positions are
     * skipped with a warning on {@code err}; none left is a usage error.
     */
    List<Scenario> scenarios(ModelConfig config, PrintWriter err) {
        validate();
        Phase p = phase();
        List<Long> bs = batchText == null ? List.of(batch) : values("--batch", batchText);
        List<Long> ss = seqText == null ? java.util.Collections.singletonList(null) : values("--seq", seqText);
        List<Long> cs = cacheText == null ? java.util.Collections.singletonList(null) : values("--cache", cacheText);
        long count = (long) bs.size() * ss.size() * cs.size();
        if (count > Grid.MAX_POINTS) {
            throw UserError.usage("the grid has " + count + " points (" + bs.size() + " batch × " + ss.size() + " seq × " + cs.size() + " cache); at most " + Grid.MAX_POINTS + " are allowed");
        }
        Set<Scenario> out = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        for (long b : bs) {
            for (Long s : ss) {
                for (Long c : cs) {
                    Scenario sc = build(config, p, b, s, c, true);
                    if (sc != null) out.add(sc);
                    else skipped.add("batch_size=" + b + " seq_len=" + (p == Phase.DECODE ? 1 : s == null ? 128 : s) + " cache_len=" + cacheOf(p, s, c));
                }
            }
        }
        String max = maxPositions(config).map(Object::toString).orElse("?");
        if (out.isEmpty()) throw UserError.usage("no point of the grid fits " + config.name() + "'s " + max + " positions (seq_len + cache_len)");
        if (!skipped.isEmpty()) {
            err.println("flopscope: warning: skipped " + skipped.size() + " of " + (skipped.size() + out.size()) + " grid points where seq_len + cache_len exceeds "
                    + config.name() + "'s " + max + " positions: " + String.join("; ", skipped.size() > 6 ? skipped.subList(0, 6) : skipped) + (skipped.size() > 6 ? "; …" : ""));
        }
        return List.copyOf(out);
    }

    private static long cacheOf(Phase p, Long seq, Long cache) {
        return cache != null ? cache : p == Phase.DECODE ? (seq == null ? 128 : seq) : 0;
    }

    private static java.util.Optional<io.flopscope.formula.Rational> maxPositions(ModelConfig config) {
        var n = config.value("n_positions");
        return n.isPresent() ? n : config.value("max_position_embeddings");
    }

    /** One scenario; beyond the model's positions it is a usage error, or null when {@code lenient}. */
    private Scenario build(ModelConfig config, Phase p, long batch, Long seq, Long cache, boolean lenient) {
        check("--batch", batch);
        if (seq != null) check("--seq", seq);
        if (cache != null) checkCache(cache);
        long s = p == Phase.DECODE ? 1 : seq == null ? 128 : seq;
        // in decode without --cache, the call follows a prompt of --seq tokens
        long c = cacheOf(p, seq, cache);
        Dtype d = activations(dtype, config);
        Dtype w = weightDtype == null ? d : parseDtype("--weight-dtype", weightDtype);
        var max = maxPositions(config);
        if (max.isPresent() && max.get().num().longValue() < s + c) {
            if (lenient) return null;
            throw UserError.usage("seq_len + cache_len = " + (s + c) + " exceeds " + config.name() + "'s " + max.get() + " positions (max_position_embeddings)");
        }
        return new Scenario(p, batch, s, c, w, d, d);
    }

    private static void checkCache(long cache) {
        if (cache < 0) throw UserError.usage("--cache " + cache + ": must be 0 or more");
        if (cache > MAX_TOKENS) throw UserError.usage("--cache " + cache + ": more than " + MAX_TOKENS + " tokens is not a plausible scenario");
    }

    static void check(String name, long v) {
        if (v < 1) throw UserError.usage(name + " " + v + ": must be at least 1");
        if (v > MAX_TOKENS) throw UserError.usage(name + " " + v + ": more than " + MAX_TOKENS + " is not a plausible scenario");
    }

    /** --dtype, else the config's torch_dtype, else fp32: one rule for every command, activations are fp32, bf16 or fp16. */
    static Dtype activations(String dtype, ModelConfig config) {
        Dtype d = dtype == null ? config.torchDtype().orElse(Dtype.FP32) : parseDtype("--dtype", dtype);
        if (d == Dtype.INT4 || d == Dtype.INT8 || d == Dtype.FP8 || d == Dtype.TF32) {
            throw UserError.usage("--dtype " + dtype + ": activations must be fp32, bf16 or fp16; use --weight-dtype for quantised weights (and --tf32 for TF32 matmuls)");
        }
        return d;
    }

    static Dtype parseDtype(String opt, String v) {
        var d = Dtype.parse(v);
        if (d.isEmpty()) throw UserError.usage(opt + " " + v + ": expected fp32, bf16, fp16, fp8, int8 or int4");
        return d.get();
    }
}
