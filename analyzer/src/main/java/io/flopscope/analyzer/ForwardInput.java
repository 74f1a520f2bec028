package io.flopscope.analyzer;

import io.flopscope.analyzer.trace.DType;
import io.flopscope.analyzer.trace.Value;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.SymbolicEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A forward input given on the command line, {@code --input NAME=VALUE} (docs/analyzer.md, "Forward inputs"):
 * <ul>
 *   <li>{@code d1,d2,...}: an int64 tensor of those dims (token ids, positions), sizes over batch_size, seq_len, cache_len;</li>
 *   <li>{@code float(d1,...)}: a tensor in the activations' dtype; {@code float32(...)}, {@code int64(...)}, {@code bool(...)} likewise;</li>
 *   <li>{@code arange(START, END)}: int64 positions START..END-1 whose values are known (input_pos=arange(cache_len, cache_len+seq_len));</li>
 *   <li>{@code int(EXPR)}: a Python int ({@code start_pos=int(cache_len)}); a bare {@code EXPR} also, where forward()
 *       annotates the parameter {@code int};</li>
 *   <li>{@code [EXPR, ...]} or {@code [EXPR]*N}: a list of ints ({@code seqlens=[seq_len]*batch_size});</li>
 *   <li>{@code None}, {@code True}, {@code False}.</li>
 * </ul>
 */
public final class ForwardInput {
    private ForwardInput() {}

    /** The value; IllegalArgumentException with the input named when it does not parse. */
    public static Value parse(String name, String text, Function<String, Poly> scenario, boolean annotatedInt) {
        String t = text.strip();
        try {
            switch (t) {
                case "None", "none": return Value.NoneV.NONE;
                case "True", "true": return new Value.BoolV(true);
                case "False", "false": return new Value.BoolV(false);
                default: break;
            }
            if (t.startsWith("[")) return list(t, scenario);
            int open = t.indexOf('(');
            if (open > 0 && t.endsWith(")") && t.substring(0, open).matches("[a-z0-9]+")) {
                String kind = t.substring(0, open), inner = t.substring(open + 1, t.length() - 1);
                return switch (kind) {
                    case "int" -> new Value.IntV(size(inner, scenario));
                    case "arange" -> {
                        List<Poly> ends = dims(inner, scenario);
                        if (ends.size() != 2) throw new IllegalArgumentException("arange(START, END) takes two sizes");
                        yield new Value.TensorV(List.of(ends.get(1).subtract(ends.get(0))), DType.INT64, true, ends.get(0));
                    }
                    case "float", "bf16", "fp16", "half" -> new Value.TensorV(dims(inner, scenario), DType.ACTIVATION, true);
                    case "float32", "fp32" -> new Value.TensorV(dims(inner, scenario), DType.FLOAT32, true);
                    case "int64", "long" -> new Value.TensorV(dims(inner, scenario), DType.INT64, true);
                    case "bool" -> new Value.TensorV(dims(inner, scenario), DType.BOOL, true);
                    default -> throw new IllegalArgumentException("unknown kind '" + kind + "' (int, arange, float, float32, int64, bool)");
                };
            }
            if (annotatedInt && !t.contains(",")) return new Value.IntV(size(t, scenario));
            return new Value.TensorV(dims(t, scenario), DType.INT64, true);
        } catch (FormulaSyntaxError | SymbolicEvaluator.SymbolicException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--input " + name + "=" + text + ": " + e.getMessage());
        }
    }

    private static Value list(String t, Function<String, Poly> scenario) throws FormulaSyntaxError, SymbolicEvaluator.SymbolicException {
        int close = t.lastIndexOf(']');
        if (close < 0) throw new IllegalArgumentException("a list needs its closing ]");
        List<Value> items = new ArrayList<>();
        for (Poly p : dims(t.substring(1, close), scenario)) items.add(new Value.IntV(p));
        String rest = t.substring(close + 1).strip();
        if (rest.isEmpty()) return new Value.ListV(items);
        if (!rest.startsWith("*") || items.size() != 1) throw new IllegalArgumentException("expected [EXPR, ...] or [EXPR]*N");
        Poly n = size(rest.substring(1), scenario);
        if (n.isConstant()) {
            List<Value> out = new ArrayList<>();
            for (long k = 0; k < n.constantValue().num().longValueExact(); k++) out.add(items.get(0));
            return new Value.ListV(out);
        }
        return new Value.RepeatedV(items.get(0), n);
    }

    private static List<Poly> dims(String text, Function<String, Poly> scenario) throws FormulaSyntaxError, SymbolicEvaluator.SymbolicException {
        List<Poly> out = new ArrayList<>();
        for (String d : text.split(",")) if (!d.isBlank()) out.add(size(d, scenario));
        return out;
    }

    private static Poly size(String d, Function<String, Poly> scenario) throws FormulaSyntaxError, SymbolicEvaluator.SymbolicException {
        return new SymbolicEvaluator(scenario, false).eval(FormulaParser.parse(d.strip()));
    }
}
