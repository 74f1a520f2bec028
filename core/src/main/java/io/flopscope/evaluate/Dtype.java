package io.flopscope.evaluate;

import io.flopscope.formula.Rational;
import java.util.Locale;
import java.util.Optional;

/** Element sizes in bytes; int4 packs two weights in a byte. */
public enum Dtype {
    FP32("fp32", Rational.of(4)), TF32("tf32", Rational.of(4)), BF16("bf16", Rational.of(2)), FP16("fp16", Rational.of(2)),
    FP8("fp8", Rational.ONE), INT8("int8", Rational.ONE), INT4("int4", Rational.of(1, 2));

    public final String id;
    public final Rational bytes;

    Dtype(String id, Rational bytes) { this.id = id; this.bytes = bytes; }

    /** Accepts our ids and torch's names: bf16, bfloat16, torch.bfloat16, float32, half, ... */
    public static Optional<Dtype> parse(String s) {
        if (s == null) return Optional.empty();
        String t = s.toLowerCase(Locale.ROOT).replace("torch.", "").strip();
        return Optional.ofNullable(switch (t) {
            case "fp32", "float32", "float", "f32" -> FP32;
            case "tf32" -> TF32;
            case "bf16", "bfloat16" -> BF16;
            case "fp16", "float16", "half", "f16" -> FP16;
            case "fp8", "float8", "float8_e4m3fn", "float8_e5m2" -> FP8;
            case "int8", "i8" -> INT8;
            case "int4", "i4" -> INT4;
            default -> null;
        });
    }
}
