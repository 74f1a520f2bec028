package io.flopscope.document;

import java.util.Locale;
import java.util.regex.Pattern;

/** Infers a basic kernel's FLOP class from its operation text when the document does not say. */
final class FlopClassifier {
    private static final Pattern MATMUL = Pattern.compile(
            "\\b(matmul|mat-?mul|mm|bmm|baddbmm|addmm|linear|projection|conv\\w*|einsum|gemm|gemv|scaled_dot_product_attention|sdpa|attention scores?|q\\s*@\\s*k|qk\\^?t)\\b|@");

    private FlopClassifier() {}

    static FlopClass infer(String text, String code) {
        String t = (text == null ? "" : text).toLowerCase(Locale.ROOT);
        if (MATMUL.matcher(t).find()) return FlopClass.MATMUL;
        return FlopClass.VECTOR;
    }
}
