package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.trace.Value.*;
import io.flopscope.document.FlopClass;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What torch does, symbolically: output shapes and the cost of each op under docs/conventions.md.
 * Ops with a built-in analysis (nn.Linear, softmax, SDPA, ...) become composite references to it;
 * element-wise ops, matmuls and copies become basic kernels.
 */
final class TorchOps {
    private final Interpreter in;

    TorchOps(Interpreter in) { this.in = in; }

    // ------------------------------------------------------------ recording

    private static void basic(Frame f, String title, String op, FlopClass cls, Poly flops, Poly read, Poly write, String analysis) {
        f.rec.event(new Recorder.Event(title, op, cls, flops, read, write, null, null, false, f.multiplier, analysis));
    }

    /** A call of a built-in analysis; args alternate name, value (a Poly, or a Boolean for True/False). */
    private static void ref(Frame f, String title, String callee, Object... args) {
        Map<String, Poly> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            Object v = args[i + 1];
            a.put((String) args[i], v instanceof Boolean b ? Poly.constant(b ? 1 : 0) : (Poly) v);
        }
        f.rec.event(new Recorder.Event(title, "library call", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, Poly.ZERO, callee, a, false, f.multiplier, null));
    }

    static Poly bytes(TensorV t) { return t.numel().multiply(t.dtype().size()); }

    /** What copying t reads from memory: its distinct elements (a broadcast view repeats them). */
    static Poly sourceBytes(TensorV t) { return t.broadcastFrom() == null ? bytes(t) : t.broadcastFrom().multiply(t.dtype().size()); }

    // ------------------------------------------------------------ shapes

    static Poly prod(List<Poly> dims) { Poly p = Poly.ONE; for (Poly d : dims) p = p.multiply(d); return p; }

    private static Poly dimOf(Value v) {
        if (v instanceof IntV i) return i.value();
        if (v instanceof BoolV b) return Poly.constant(b.value() ? 1 : 0);
        throw new Unanalysable("expected a size, got " + Interpreter.describe(v));
    }

    private static int axis(Value v, int rank) {
        Poly p = dimOf(v);
        if (!p.isConstant()) throw new Unanalysable("symbolic dimension index");
        int d = p.constantValue().num().intValueExact();
        if (d < 0) d += rank;
        if (d < 0 || d >= Math.max(rank, 1)) throw new Unanalysable("dimension " + p.toFormula() + " out of range for rank " + rank);
        return d;
    }

    /** Broadcast shapes; differing symbolic sizes are assumed equal (the module's sizes agree by construction). */
    static List<Poly> broadcast(List<Poly> a, List<Poly> b) {
        int n = Math.max(a.size(), b.size());
        List<Poly> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Poly x = i < n - a.size() ? Poly.ONE : a.get(i - (n - a.size()));
            Poly y = i < n - b.size() ? Poly.ONE : b.get(i - (n - b.size()));
            out.add(x.equals(Poly.ONE) ? y : y.equals(Poly.ONE) ? x : pick(x, y));
        }
        return out;
    }

    /** Two sizes the code requires equal: prefer the one with fewer symbols (a constructor parameter). */
    static Poly pick(Poly x, Poly y) {
        if (x.equals(y)) return x;
        return x.symbols().size() <= y.symbols().size() ? x : y;
    }

    static DType resultType(Value a, Value b) {
        DType da = a instanceof TensorV t ? t.dtype() : null, db = b instanceof TensorV t ? t.dtype() : null;
        if (da == null) return db == DType.WEIGHT || db == DType.WEIGHT_COPY ? DType.ACTIVATION : db;
        if (db == null) return da == DType.WEIGHT || da == DType.WEIGHT_COPY ? DType.ACTIVATION : da;
        if (da == DType.COMPLEX64 || db == DType.COMPLEX64) return DType.COMPLEX64;
        if (da == DType.FLOAT32 || db == DType.FLOAT32) return DType.FLOAT32;
        if (da == DType.ACTIVATION || db == DType.ACTIVATION || da == DType.WEIGHT || db == DType.WEIGHT || da == DType.WEIGHT_COPY || db == DType.WEIGHT_COPY) return DType.ACTIVATION;
        if (da == DType.KV || db == DType.KV) return DType.KV;
        return da;
    }

    // ------------------------------------------------------------ element-wise and matmul

    Value tensorBinary(Value a, String op, Value b, Frame f, boolean inPlace) {
        if (op.equals("@")) return matmul(a, b, f, "a @ b");
        if (a instanceof UnknownV u) throw new Unanalysable(u.reason());
        if (b instanceof UnknownV u) throw new Unanalysable(u.reason());
        // an index below its bound compared with a size at or above it (expert_idx == self.num_experts): decided
        if ((op.equals("==") || op.equals("!=")) && a instanceof TensorV t && t.rank() == 0 && t.indexBound() != null && b instanceof IntV i
                && Boolean.TRUE.equals(Truth.compare(i.value(), ">=", t.indexBound()))) return new BoolV(op.equals("!="));
        List<Poly> sa = a instanceof TensorV t ? t.shape() : List.of(), sb = b instanceof TensorV t ? t.shape() : List.of();
        List<Poly> shape = broadcast(sa, sb);
        boolean cmp = List.of("==", "!=", "<", "<=", ">", ">=").contains(op);
        DType dt = cmp ? DType.BOOL : resultType(a, b);
        Poly start = null;
        if (a instanceof TensorV t && t.arangeStart() != null && b instanceof IntV i && (op.equals("+") || op.equals("-")))
            start = op.equals("+") ? t.arangeStart().add(i.value()) : t.arangeStart().subtract(i.value());
        if (b instanceof TensorV t && t.arangeStart() != null && a instanceof IntV i && op.equals("+")) start = t.arangeStart().add(i.value());
        // x > 0 and x != 0 of counts (nonnegative) are nonzero where x is
        Poly nz = a instanceof TensorV t && t.nonzeros() != null && Interpreter.num(b) == 0 && (op.equals(">") || op.equals("!=")) ? t.nonzeros() : null;
        TensorV out = new TensorV(shape, dt, true, start, null, fillOf(a, op, b), nz, nz == null ? null : ((TensorV) a).indexBound());
        Poly read = Poly.ZERO;
        for (Value v : List.of(a, b)) if (v instanceof TensorV t && t.rank() > 0) read = read.add(bytes(t));
        // complex operands (docs/conventions.md): a complex product is 4 real multiplies and 2 adds, a sum 2 adds
        long per = dt == DType.COMPLEX64 ? (op.equals("*") ? 6 : op.equals("/") ? 11 : 2) : 1;
        basic(f, (inPlace ? "in-place " : "") + opName(op), "element-wise " + opName(op), FlopClass.VECTOR, out.numel().multiply(Poly.constant(per)), read, bytes(out),
                per + " FLOP" + (per == 1 ? "" : "s") + " per output element of shape " + ExprText.shape(shape) + (per == 1 ? "" : " (complex)")
                        + "; reads each tensor operand, writes the result" + (inPlace ? " in place" : ""));
        return out;
    }

    private static String opName(String op) {
        return switch (op) {
            case "+" -> "add"; case "-" -> "sub"; case "*" -> "mul"; case "/" -> "div"; case "**" -> "pow"; case "//" -> "floor_divide";
            case "%" -> "remainder"; case "&" -> "and"; case "|" -> "or"; case "==" -> "eq"; case "!=" -> "ne"; case "<" -> "lt";
            case "<=" -> "le"; case ">" -> "gt"; case ">=" -> "ge"; default -> op;
        };
    }

    Value tensorUnary(String op, TensorV t, Frame f) {
        TensorV out = t.withShape(t.shape());
        basic(f, op.equals("-") ? "neg" : op, "element-wise " + (op.equals("-") ? "neg" : op), FlopClass.VECTOR, out.numel(), bytes(t), bytes(out), "1 FLOP per element");
        return out;
    }

    private TensorV elementwise(Frame f, String name, TensorV x, long flopsPerElement, DType outType) {
        TensorV out = new TensorV(x.shape(), outType == null ? (x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype()) : outType, true);
        basic(f, name, "element-wise " + name, FlopClass.VECTOR, out.numel().multiply(Poly.constant(flopsPerElement)), bytes(x), bytes(out),
                flopsPerElement + " FLOP" + (flopsPerElement == 1 ? "" : "s") + " per element of " + ExprText.shape(x.shape()));
        return out;
    }

    /**
     * torch.einsum of one or two operands, any equation (ellipsis included). Two operands run as one bmm after
     * summing away the indices only one operand has and the output lacks: 2 x the product of every remaining index's
     * size, as FlopCounterMode counts that bmm. One operand is a permute and sums: no matmul.
     */
    private Value einsum(List<Value> args, Frame f) {
        if (args.isEmpty() || !(args.get(0) instanceof StrV eqv)) throw new Unanalysable("einsum without an equation");
        List<TensorV> ops = new ArrayList<>();
        for (Value v : args.size() == 2 && (args.get(1) instanceof ListV || args.get(1) instanceof TupleV) ? in.iterate(args.get(1)) : args.subList(1, args.size()))
            ops.add(tensor(v, "einsum"));
        if (ops.isEmpty()) throw new Unanalysable("einsum without operands");
        String eq = eqv.value().replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] ins = sides[0].split(",", -1);
        if (ins.length != ops.size()) throw new Unanalysable("einsum equation `" + eq + "` names " + ins.length + " operands, got " + ops.size());
        Map<Character, Poly> size = new LinkedHashMap<>();
        List<Poly> ellipsis = List.of();
        List<String> terms = new ArrayList<>();
        for (int k = 0; k < ins.length; k++) {
            String term = ins[k];
            TensorV t = ops.get(k);
            int letters = term.replace("...", "").length();
            int e = t.rank() - letters;
            if (e < 0 || (e > 0 && !term.contains("..."))) throw new Unanalysable("einsum term `" + term + "` does not match a tensor of rank " + t.rank());
            int at = 0;
            for (int i = 0; i < term.length(); i++) {
                if (term.startsWith("...", i)) {
                    ellipsis = broadcast(ellipsis, t.shape().subList(at, at + e));
                    at += e;
                    i += 2;
                    continue;
                }
                Poly d = t.shape().get(at++);
                Poly prev = size.get(term.charAt(i));
                size.put(term.charAt(i), prev == null || prev.equals(Poly.ONE) ? d : prev);
            }
            terms.add(term.replace("...", ""));
        }
        String out;
        if (sides.length > 1) out = sides[1];
        else {
            StringBuilder sb = new StringBuilder(eq.contains("...") ? "..." : "");
            size.keySet().stream().sorted().filter(c -> sides[0].indexOf(c) == sides[0].lastIndexOf(c)).forEach(sb::append);
            out = sb.toString();
        }
        List<Poly> shape = new ArrayList<>();
        for (int i = 0; i < out.length(); i++) {
            if (out.startsWith("...", i)) { shape.addAll(ellipsis); i += 2; continue; }
            Poly d = size.get(out.charAt(i));
            if (d == null) throw new Unanalysable("einsum output index " + out.charAt(i) + " is not in the inputs");
            shape.add(d);
        }
        TensorV result = new TensorV(shape, resultType(ops.get(0), ops.size() > 1 ? ops.get(1) : ops.get(0)), true);
        Poly read = Poly.ZERO;
        for (TensorV t : ops) read = read.add(bytes(t));
        if (ops.size() == 1) {
            basic(f, "einsum", "permute and sum", FlopClass.VECTOR, ops.get(0).numel(), read, bytes(result), "`" + eq + "`: one operand, a permute and sums, no matmul");
            return result;
        }
        // operands contracted left to right (torch without opt_einsum): each step one bmm over the indices the pair
        // shares or the rest (later operands, the output) still needs
        String outLetters = out.replace("...", "");
        Poly ell = Poly.ONE;
        for (Poly d : ellipsis) ell = ell.multiply(d);
        // a pair with an index summed away runs as a bmm (matmul FLOPs); a pair with none as a broadcast multiply
        // (ATen's sumproduct_pair calls mul: 1 vector FLOP per element, no matmul)
        Poly flops = Poly.ZERO, products = Poly.ZERO;
        String left = terms.get(0);
        for (int k = 1; k < terms.size(); k++) {
            StringBuilder later = new StringBuilder(outLetters);
            for (int j = k + 1; j < terms.size(); j++) later.append(terms.get(j));
            Poly prod = ell;
            boolean summed = false;
            StringBuilder kept = new StringBuilder();
            for (var en : size.entrySet()) {
                char c = en.getKey();
                boolean inA = left.indexOf(c) >= 0, inB = terms.get(k).indexOf(c) >= 0, needed = later.indexOf(String.valueOf(c)) >= 0;
                if (inA && inB || (inA || inB) && needed) prod = prod.multiply(en.getValue());
                if (inA && inB && !needed) summed = true;
                if ((inA || inB) && needed) kept.append(c);
            }
            if (summed) flops = flops.add(Poly.constant(2).multiply(prod));
            else products = products.add(prod);
            left = kept.toString();
        }
        StringBuilder shapes = new StringBuilder();
        for (TensorV t : ops) shapes.append(shapes.length() == 0 ? "" : ", ").append(ExprText.shape(t.shape()));
        if (!flops.isZero() && terms.size() > 2 && f.rec != null)
            f.rec.condition("einsum of " + terms.size() + " operands contracted left to right (torch without opt_einsum, which would choose the order)");
        if (!flops.isZero()) basic(f, "einsum", "matmul", FlopClass.MATMUL, flops, read, bytes(result),
                "`" + eq + "` contracts operands left to right; each pair that sums an index is one bmm, 2 FLOPs per multiply-add over every index it keeps or sums ("
                        + shapes + " → " + ExprText.shape(shape) + ")");
        if (!products.isZero()) basic(f, "einsum", "element-wise mul", FlopClass.VECTOR, products, flops.isZero() ? read : Poly.ZERO, flops.isZero() ? bytes(result) : Poly.ZERO,
                "`" + eq + "`: a pair of operands that sums no index is a broadcast multiply, 1 FLOP per element of its product (" + shapes + ")");
        return result;
    }

    /**
     * torch._grouped_mm / F.grouped_mm (transformers 5.x experts): rows of a [S, K] input sorted by expert, each group
     * multiplied by its expert's [K, N] slice of a stacked [E, K, N] weight. 2·S·K·N FLOPs (every row once, as an eager
     * loop over the experts counts them; torch's FlopCounterMode has no formula for it and counts 0); reads the rows
     * and the slices of the experts that receive tokens (config.moe_experts_hit of E), writes [S, N].
     */
    private Value groupedMm(Value a, Value b, Frame f) {
        if (!(a instanceof TensorV x) || !(b instanceof TensorV w) || x.rank() != 2 || w.rank() != 3)
            throw new Unanalysable("grouped_mm of a [S, K] input and an [E, K, N] weight expected, got " + Interpreter.describe(a) + " and " + Interpreter.describe(b));
        Poly s = x.shape().get(0), k = pick(x.shape().get(1), w.shape().get(1)), n = w.shape().get(2), e = w.shape().get(0);
        TensorV out = new TensorV(List.of(s, n), resultType(a, b), true);
        balanced(f);
        Poly weights = bytes(w).multiply(Poly.symbol(EXPERTS_HIT)).divide(e);
        basic(f, "grouped_mm", "grouped matmul", FlopClass.MATMUL, Poly.constant(2).multiply(s).multiply(k).multiply(n), bytes(x).add(weights), bytes(out),
                "grouped GEMM " + ExprText.shape(x.shape()) + " @ " + ExprText.shape(w.shape()) + ": each row times its expert's slice, 2·S·K·N in all; "
                        + "reads the slices of the moe_experts_hit experts that receive rows (torch's FlopCounterMode counts 0 for it)");
        return out;
    }

    Value matmul(Value a, Value b, Frame f, String title) {
        if (!(a instanceof TensorV x) || !(b instanceof TensorV y)) throw new Unanalysable("matmul of non-tensors");
        if (x.rank() < 1 || y.rank() < 1) throw new Unanalysable("matmul of a 0-dim tensor");
        List<Poly> xs = x.rank() == 1 ? List.of(Poly.ONE, x.shape().get(0)) : x.shape();
        List<Poly> ys = y.rank() == 1 ? List.of(y.shape().get(0), Poly.ONE) : y.shape();
        Poly m = xs.get(xs.size() - 2), k = pick(xs.get(xs.size() - 1), ys.get(ys.size() - 2)), n = ys.get(ys.size() - 1);
        List<Poly> batch = broadcast(xs.subList(0, xs.size() - 2), ys.subList(0, ys.size() - 2));
        List<Poly> outShape = new ArrayList<>(batch);
        if (x.rank() > 1) outShape.add(m);
        if (y.rank() > 1) outShape.add(n);
        TensorV out = new TensorV(outShape, resultType(a, b), true);
        Poly bsz = prod(batch);
        basic(f, title, "matmul", FlopClass.MATMUL, Poly.constant(2).multiply(bsz).multiply(m).multiply(k).multiply(n), bytes(x).add(bytes(y)), bytes(out),
                "GEMM " + ExprText.shape(xs) + " @ " + ExprText.shape(ys) + " → " + ExprText.shape(outShape)
                        + ": M = " + m.toFormula() + ", K = " + k.toFormula() + ", N = " + n.toFormula()
                        + (batch.isEmpty() ? "" : ", " + bsz.toFormula() + " batches") + "; 2·M·N·K per batch, as FlopCounterMode counts it;"
                        + " reads both operands once, writes the result");
        return out;
    }

    // ------------------------------------------------------------ indexing

    Value getItem(Value v, PyExpr index, Frame f) {
        // a view of an optional tensor is optional alike
        if (v instanceof MaybeV m && m.value() instanceof TensorV t) {
            Value r = tensorIndex(t, in.eval(index, f), f);
            return r instanceof TensorV ? new MaybeV(r, m.present()) : r;
        }
        if (v instanceof TensorV t) return tensorIndex(t, in.eval(index, f), f);
        Value idx = in.eval(index, f);
        if (v instanceof UnknownV u) return u;
        if (v instanceof DictV d) {
            Value r = d.items().get(Interpreter.key(idx));
            if (r == null) throw new Interpreter.MissingKey(idx instanceof UnknownV u ? "dict indexed by an unanalysed key (" + u.reason() + ")"
                    : "key " + Interpreter.key(idx) + " not in dict");
            return r;
        }
        if (v instanceof RepeatedV r) {
            if (idx instanceof SliceV s) {
                Poly lo = s.lower() == null || s.lower() instanceof NoneV ? Poly.ZERO : dimOf(s.lower());
                Poly hi = s.upper() == null || s.upper() instanceof NoneV ? r.count() : dimOf(s.upper());
                return new RepeatedV(r.element(), hi.subtract(lo));
            }
            return r.element();
        }
        if (v instanceof ObjectV o && !o.fieldOrder.isEmpty()) {
            if (idx instanceof StrV s) return o.attrs.getOrDefault(s.value(), NoneV.NONE);
            List<Value> items = Interpreter.modelOutputItems(o);
            return seqIndex(new TupleV(items), idx);
        }
        if (v instanceof ObjectV o) {
            var gi = in.method(o.className, "__getitem__", o);
            if (gi.isPresent()) return in.callFunction(gi.get(), List.of(idx), Map.of(), f, null);
        }
        if (v instanceof TupleV || v instanceof ListV) return seqIndex(v, concreteIndex(idx, f));
        if (v instanceof StrV) return new StrV("<str>");
        throw new Unanalysable("indexing " + Interpreter.describe(v));
    }

    /** An index into a concrete list (the unrolled layers) by a config size: its value in this config, stated as a condition. */
    private Value concreteIndex(Value idx, Frame f) {
        if (idx instanceof IntV i && !i.isConstant()) {
            Rational v = in.configValue(i.value());
            if (v == null || !v.isInteger()) return idx;
            if (f != null && f.rec != null) f.rec.condition("`" + i.value().toFormula() + " == " + v.num() + "` is True with this config's values");
            return IntV.of(v.num().longValue());
        }
        if (idx instanceof SliceV s) return new SliceV(s.lower() == null ? null : concreteIndex(s.lower(), f), s.upper() == null ? null : concreteIndex(s.upper(), f),
                s.step() == null ? null : concreteIndex(s.step(), f));
        return idx;
    }

    private static int sliceBound(Value b, int size, int dflt) {
        if (b == null || b instanceof NoneV) return dflt;
        double d = Interpreter.num(b);
        if (Double.isNaN(d)) throw new Unanalysable("slice of a list of " + size + " items by " + Interpreter.describe(b));
        int k = (int) d;
        return k < 0 ? k + size : k;
    }

    private static Value seqIndex(Value seq, Value idx) {
        List<Value> items = seq instanceof TupleV t ? t.items() : ((ListV) seq).items();
        if (idx instanceof IntV i && i.isConstant()) {
            int k = i.value().constantValue().num().intValueExact();
            if (k < 0) k += items.size();
            if (k < 0 || k >= items.size()) throw new Unanalysable("index " + i.value().toFormula() + " out of range (" + items.size() + " items)");
            return items.get(k);
        }
        if (idx instanceof SliceV s) {
            if (s.step() != null && !(s.step() instanceof NoneV)) {
                int step = sliceBound(s.step(), items.size(), 1);
                if (step != 1) throw new Unanalysable("list slice with a step of " + step);
            }
            int lo = Math.max(0, sliceBound(s.lower(), items.size(), 0));
            int hi = Math.min(items.size(), sliceBound(s.upper(), items.size(), items.size()));
            List<Value> sub = new ArrayList<>(items.subList(Math.min(lo, items.size()), Math.max(Math.min(lo, items.size()), hi)));
            return seq instanceof TupleV ? new TupleV(sub) : new ListV(sub);
        }
        if (idx instanceof IntV && !items.isEmpty() && items.stream().allMatch(x -> x.equals(items.get(0)))) return items.get(0);
        throw new Unanalysable("index " + Interpreter.describe(idx) + " into a sequence");
    }

    private Value tensorIndex(TensorV t, Value idx, Frame f) {
        // an element of a known integer range (cache_position[0], cache_position[-1]) is a size
        if (t.arangeStart() != null && t.rank() == 1 && idx instanceof IntV i && i.isConstant()) {
            long k = i.value().constantValue().num().longValueExact();
            return new IntV(k >= 0 ? t.arangeStart().add(Poly.constant(k)) : t.arangeStart().add(t.shape().get(0)).add(Poly.constant(k)));
        }
        List<Value> parts = idx instanceof TupleV tp ? tp.items() : List.of(idx);
        int consumed = 0;
        for (Value p : parts) if (!(p instanceof NoneV) && !(p instanceof EllipsisV)) consumed++;
        List<Poly> out = new ArrayList<>();
        int dim = 0;
        boolean view = true, contiguous = t.contiguous();
        Poly gathered = null;
        boolean advanced = false;
        Poly selected = Poly.ONE; // how many slices of the first dimension one element of the result stands for
        boolean indexedByCount = false; // indexed by the variable of a loop over range(count) (range(num_experts))
        for (Value p : parts) {
            if (p instanceof EllipsisV) {
                int keep = t.rank() - consumed;
                for (int i = 0; i < keep; i++) out.add(t.shape().get(dim++));
                continue;
            }
            if (p instanceof NoneV) { out.add(Poly.ONE); continue; }
            if (dim >= t.rank()) throw new Unanalysable("too many indices for a tensor of rank " + t.rank());
            Poly size = t.shape().get(dim);
            if (p instanceof SliceV s) {
                Poly len = sliceLength(size, s, f);
                if (!len.equals(size) && dim > 0 || s.step() instanceof IntV) contiguous = false;
                out.add(len);
            } else if (p instanceof IntV) {
                if (dim > 0) contiguous = false;
                selected = selected.multiply(size);
                // the variable of a loop over range(n), not an index taken from the hit experts' list
                if (((IntV) p).value().equals(Builtins.RANGE_INDEX)) indexedByCount = true;
            } else if (p instanceof ListV l) {
                out.add(Poly.constant(l.items().size()));
                view = false;
            } else if (p instanceof TensorV it) {
                if (it.dtype() == DType.BOOL) throw new Unanalysable("boolean-mask indexing: the result size depends on the data");
                // several index tensors broadcast together: their shape appears once
                if (!advanced) out.addAll(it.shape());
                if (it.rank() == 0 || it.numel().equals(Poly.ONE)) selected = selected.multiply(size); // one slice (a row of nonzero())
                advanced = true;
                view = false;
                gathered = gathered == null ? it.numel() : gathered.add(it.numel());
            } else {
                throw new Unanalysable("tensor index " + Interpreter.describe(p));
            }
            dim++;
        }
        while (dim < t.rank()) out.add(t.shape().get(dim++));
        TensorV result = new TensorV(out, t.dtype(), view ? contiguous : true, null, null, t.fill(), null, t.indexBound());
        if (t.nonzeros() != null && !selected.equals(Poly.ONE) && prod(out).multiply(selected).equals(t.numel())) {
            // one slice of a routing mask (one expert's row): each of the experts that receive tokens holds an equal share
            // of the nonzeros; a loop over every expert (4.44: range(num_experts)) does work in hit / num_experts of its
            // iterations, a loop over the hit experts only (4.52, 5.x) runs `hit` times already
            balanced(f);
            Poly hit = Poly.symbol(EXPERTS_HIT);
            if (indexedByCount) f.multiplier = f.multiplier.multiply(hit).divide(selected);
            result = new TensorV(out, t.dtype(), result.contiguous(), null, null, t.fill(), t.nonzeros().divide(hit), t.indexBound());
        }
        if (!view) {
            Poly idxBytes = gathered == null ? Poly.ZERO : gathered.multiply(Poly.constant(8));
            Poly read = bytes(result);
            // a copy of weights (5.x MoE: self.gate_up_proj[expert_idx]) is data of the weights' dtype but not a
            // parameter: the GEMM that reads it must not count it as weights again (docs/conventions.md, wcopy_bytes)
            if (result.dtype() == DType.WEIGHT) result = new TensorV(result.shape(), DType.WEIGHT_COPY, true, null, null, result.fill(), result.nonzeros(), result.indexBound());
            basic(f, "advanced indexing (gather)", "index (copy)", FlopClass.VECTOR, Poly.ZERO, read.add(idxBytes), bytes(result),
                    "indexing with a list or tensor copies the selected elements " + ExprText.shape(out));
        }
        return result;
    }

    /** How many experts receive tokens: a config value FlopScope adds, every expert unless --set says otherwise. */
    static final String EXPERTS_HIT = "config.moe_experts_hit";

    /** States the routing assumption in the document of the module being traced. */
    private static void balanced(Frame f) {
        f.rec.condition("routing (an assumption): `config.moe_experts_hit` experts receive the routed tokens, batch_size·seq_len·top_k / "
                + "moe_experts_hit each, and only their weights are read; by default every expert (balanced routing: moe_experts_hit = "
                + "the number of experts); `--set moe_experts_hit=N` changes it (one decode step of one sequence reaches top_k experts)");
    }

    /** nonzero(): one row of indices per nonzero element, as many as are known to be nonzero. */
    private TensorV nonzero(TensorV t, Frame f) {
        if (t.nonzeros() == null) throw new Unanalysable("nonzero() of a tensor whose nonzero count depends on the data");
        Poly bound = Poly.ZERO;
        for (Poly d : t.shape()) bound = d; // indices of a 1-D tensor are below its size
        // of a routing mask's counts, below the number of classes a router can pick (see one_hot)
        if (t.rank() == 1 && t.nonzeros() != null && t.indexBound() != null) bound = t.indexBound();
        TensorV out = new TensorV(List.of(t.nonzeros(), Poly.constant(t.rank())), DType.INT64, true, null, null, null, null, t.rank() == 1 ? bound : null);
        basic(f, "nonzero", "index selection", FlopClass.VECTOR, Poly.ZERO, bytes(t), bytes(out), "reads the tensor, writes the indices of its " + t.nonzeros().toFormula() + " nonzero elements");
        return out;
    }

    /**
     * Elements a slice keeps. A step k keeps ceil(len / k): written (len + r) / k with the r that makes it exact for
     * this config's values (q[..., 1::2] of an even head_dim keeps head_dim / 2), stated as a condition.
     */
    Poly sliceLength(Poly size, SliceV s, Frame f) {
        Poly lo = s.lower() == null || s.lower() instanceof NoneV ? Poly.ZERO : bound(dimOf(s.lower()), size);
        Poly hi = s.upper() == null || s.upper() instanceof NoneV ? size : bound(dimOf(s.upper()), size);
        Poly len = hi.subtract(lo);
        if (s.step() == null || s.step() instanceof NoneV) return len;
        if (!(s.step() instanceof IntV st && st.isConstant() && st.value().constantValue().signum() > 0 && st.value().constantValue().isInteger()))
            throw new Unanalysable("slice with step " + Interpreter.describe(s.step()));
        Rational k = st.value().constantValue();
        if (k.equals(Rational.ONE)) return len;
        Rational v = len.isConstant() ? len.constantValue() : in.configValue(len);
        if (v == null || !v.isInteger()) throw new Unanalysable("slice of " + len.toFormula() + " elements with step " + k + ": the length has no value in this config");
        java.math.BigInteger kk = k.num(), vv = v.num();
        java.math.BigInteger r = kk.subtract(vv.mod(kk)).mod(kk);
        Poly out = len.add(Poly.constant(Rational.of(r))).divide(Poly.constant(k));
        if (!len.isConstant() && f != null && f.rec != null) f.rec.condition("`" + out.toFormula() + "` is an integer with this config's values");
        return out;
    }

    /**
     * A slice bound as an index from the start. A negative bound counts from the end, clamped at 0 as Python does
     * (x[-n:] of a shorter x keeps all of it): max(size + p, 0). A symbolic bound's sign comes from its terms (sizes
     * are positive) or from this config's values; a bound of unknown sign is unanalysable, never guessed.
     */
    private Poly bound(Poly p, Poly size) {
        int sign = sign(p);
        if (sign == 0 && !p.isZero()) throw new Unanalysable("slice bound " + p.toFormula() + " of unknown sign (from the start or from the end?)");
        if (sign < 0) return Poly.minMax("max", List.of(size.add(p), Poly.ZERO));
        return p;
    }

    /** The sign of a size expression: -1, 1, or 0 when neither its terms nor this config's values tell. */
    private int sign(Poly p) {
        if (p.isConstant()) return p.constantValue().signum();
        boolean allPos = true, allNeg = true;
        for (Rational c : p.terms().values()) { if (c.signum() < 0) allPos = false; if (c.signum() > 0) allNeg = false; }
        if (allNeg) return -1;
        if (allPos) return 1;
        Rational v = in.configValue(p);
        return v == null ? 0 : v.signum();
    }

    void setItem(Value target, PyExpr index, Value v, Frame f) {
        if (target instanceof DictV d) { d.items().put(Interpreter.key(in.eval(index, f)), v); return; }
        if (target instanceof ListV l) {
            Value i = in.eval(index, f);
            if (i instanceof IntV iv && iv.isConstant()) { int k = iv.value().constantValue().num().intValueExact(); if (k < 0) k += l.items().size(); l.items().set(k, v); return; }
            throw new Unanalysable("list assignment with a symbolic index");
        }
        if (target instanceof TensorV t) {
            TensorV region = (TensorV) tensorIndex(t, in.eval(index, f), Recorder.discarding() == null ? f : silent(f));
            Poly n = region.numel();
            Poly read = v instanceof TensorV src ? bytes(src) : Poly.ZERO;
            basic(f, "in-place slice assignment", "copy_ into a slice (in place)", FlopClass.VECTOR, Poly.ZERO, read, n.multiply(t.dtype().size()),
                    "writes " + ExprText.shape(region.shape()) + " elements into the pre-allocated tensor; nothing else moves");
            return;
        }
        if (target instanceof ObjectV o) {
            var si = in.method(o.className, "__setitem__", o);
            if (si.isPresent()) { in.callFunction(si.get(), List.of(in.eval(index, f), v), Map.of(), f, null); return; }
        }
        // the element of a list of count alike ones, by the variable of a loop over them (kv_caches[i] = ...): the one
        // element stands for all; what it holds after this forward is not read by it again
        if (target instanceof RepeatedV r && in.eval(index, f) instanceof IntV i && i.value().equals(Builtins.RANGE_INDEX)) return;
        throw new Unanalysable("item assignment on " + Interpreter.describe(target));
    }

    private static Frame silent(Frame f) { return new Frame(f.module, f.self, f.owner, Recorder.discarding(), false, f.multiplier, null); }

    // ------------------------------------------------------------ attributes

    Value tensorAttribute(TensorV t, String attr) {
        switch (attr) {
            case "shape": { List<Value> dims = new ArrayList<>(); for (Poly d : t.shape()) dims.add(new IntV(d)); return new TupleV(dims); }
            case "dtype": return new DTypeV(t.dtype());
            case "device": { ObjectV d = new ObjectV("torch.device"); d.attrs.put("type", new StrV("cuda")); return d; }
            case "T": return t.with(reversed(t.shape()), false);
            case "ndim": return IntV.of(t.rank());
            case "is_cuda", "requires_grad", "is_meta": return new BoolV(false);
            case "real", "imag": return t.dtype() == DType.COMPLEX64 ? new TensorV(t.shape(), DType.FLOAT32, false) : t; // views, no copy
            default: return new BoundMethodV(t, attr);
        }
    }

    private static List<Poly> reversed(List<Poly> s) { List<Poly> r = new ArrayList<>(s); java.util.Collections.reverse(r); return r; }

    Value externalAttribute(String q) {
        String n = q.replace("torch.nn.functional.", "F.");
        switch (q) {
            case "torch.float32", "torch.float": return new DTypeV(DType.FLOAT32);
            case "torch.float16", "torch.half", "torch.bfloat16": return new DTypeV(DType.ACTIVATION);
            case "torch.long", "torch.int64": return new DTypeV(DType.INT64);
            case "torch.int32", "torch.int": return new DTypeV(DType.INT32);
            case "torch.bool": return new DTypeV(DType.BOOL);
            case "math.pi", "numpy.pi": return new FloatV(Math.PI);
            case "torch.__version__": return new StrV(Interpreter.TORCH_VERSION);
            case "math.e", "numpy.e": return new FloatV(Math.E);
            case "math.inf", "float.inf", "numpy.inf": return new FloatV(Double.POSITIVE_INFINITY);
            default: return n.isEmpty() ? null : new ExternalV(q);
        }
    }

    Value externalModuleAttribute(ExternalModuleV m, String attr) {
        Map<String, Value> a = m.ctorArgs();
        if (a.containsKey(attr)) return a.get(attr);
        String c = m.className();
        if (attr.equals("weight")) {
            if (c.endsWith("Linear")) return new TensorV(List.of(dimOf(a.get("out_features")), dimOf(a.get("in_features"))), DType.WEIGHT, true);
            if (c.endsWith("Embedding")) return new TensorV(List.of(dimOf(a.get("num_embeddings")), dimOf(a.get("embedding_dim"))), DType.WEIGHT, true);
            if (c.endsWith("LayerNorm") || c.endsWith("RMSNorm")) return new TensorV(List.of(dimOf(a.get("normalized_shape"))), DType.WEIGHT, true);
        }
        if (attr.equals("bias") && c.endsWith("Linear")) return Boolean.TRUE.equals(in.truth(a.getOrDefault("bias", new BoolV(true))))
                ? new TensorV(List.of(dimOf(a.get("out_features"))), DType.WEIGHT, true) : NoneV.NONE;
        return new BoundMethodV(m, attr);
    }

    // ------------------------------------------------------------ library modules (nn.Linear, ...)

    private static final Map<String, List<String>> SIGNATURES = Map.ofEntries(
            Map.entry("torch.nn.modules.linear.Linear", List.of("in_features", "out_features", "bias")),
            Map.entry("torch.nn.modules.sparse.Embedding", List.of("num_embeddings", "embedding_dim", "padding_idx")),
            Map.entry("torch.nn.modules.normalization.LayerNorm", List.of("normalized_shape", "eps", "elementwise_affine", "bias")),
            Map.entry("torch.nn.modules.dropout.Dropout", List.of("p", "inplace")),
            Map.entry("torch.nn.modules.activation.GELU", List.of("approximate")),
            Map.entry("torch.nn.modules.activation.SiLU", List.of("inplace")),
            Map.entry("torch.nn.modules.activation.ReLU", List.of("inplace")),
            Map.entry("torch.nn.modules.activation.Tanh", List.of()),
            Map.entry("torch.nn.modules.linear.Identity", List.of()),
            Map.entry("torch.nn.modules.conv.Conv1d", List.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode")),
            Map.entry("torch.nn.modules.conv.Conv2d", List.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode")));

    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry("torch.nn.Linear", "torch.nn.modules.linear.Linear"), Map.entry("torch.nn.Embedding", "torch.nn.modules.sparse.Embedding"),
            Map.entry("torch.nn.LayerNorm", "torch.nn.modules.normalization.LayerNorm"), Map.entry("torch.nn.Dropout", "torch.nn.modules.dropout.Dropout"),
            Map.entry("torch.nn.GELU", "torch.nn.modules.activation.GELU"), Map.entry("torch.nn.SiLU", "torch.nn.modules.activation.SiLU"),
            Map.entry("torch.nn.ReLU", "torch.nn.modules.activation.ReLU"), Map.entry("torch.nn.Tanh", "torch.nn.modules.activation.Tanh"),
            Map.entry("torch.nn.Identity", "torch.nn.modules.linear.Identity"), Map.entry("torch.nn.Conv1d", "torch.nn.modules.conv.Conv1d"), Map.entry("torch.nn.Conv2d", "torch.nn.modules.conv.Conv2d"),
            // fairscale's model-parallel layers (Meta's Llama code) at world size 1: the torch layer they shard
            Map.entry("fairscale.nn.model_parallel.layers.ColumnParallelLinear", "torch.nn.modules.linear.Linear"),
            Map.entry("fairscale.nn.model_parallel.layers.RowParallelLinear", "torch.nn.modules.linear.Linear"),
            Map.entry("fairscale.nn.model_parallel.layers.ParallelEmbedding", "torch.nn.modules.sparse.Embedding"),
            Map.entry("fairscale.nn.model_parallel.layers.VocabParallelEmbedding", "torch.nn.modules.sparse.Embedding"));

    static String canonicalModule(String q) {
        String c = SHORT.getOrDefault(q, q);
        return SIGNATURES.containsKey(c) ? c : null;
    }

    private Value newExternalModule(String cls, List<Value> args, Map<String, Value> kwargs) {
        List<String> names = SIGNATURES.get(cls);
        Map<String, Value> bound = new LinkedHashMap<>();
        for (int i = 0; i < args.size() && i < names.size(); i++) bound.put(names.get(i), args.get(i));
        for (var e : kwargs.entrySet()) if (names.contains(e.getKey())) bound.put(e.getKey(), e.getValue());
        return new ExternalModuleV(cls, bound);
    }

    Value callExternalModule(ExternalModuleV m, List<Value> args, Map<String, Value> kwargs, Frame f) { return callExternalModule(m, args, kwargs, f, null); }

    /** @param name the submodule's attribute name at the call site (q_proj), the kernel's title; null: the class's name */
    Value callExternalModule(ExternalModuleV m, List<Value> args, Map<String, Value> kwargs, Frame f, String name) {
        String c = m.className();
        Value x0 = args.isEmpty() ? kwargs.values().stream().findFirst().orElse(NoneV.NONE) : args.get(0);
        if (c.endsWith("Identity")) return x0;
        if (!(x0 instanceof TensorV x)) throw new Unanalysable(Interpreter.shortName(c) + " called on " + Interpreter.describe(x0));
        Map<String, Value> a = m.ctorArgs();
        String title = name != null ? name : Interpreter.shortName(c);
        switch (Interpreter.shortName(c)) {
            case "Conv1d", "Conv2d": return conv(f, title, c, x, a, Interpreter.shortName(c).equals("Conv2d") ? 2 : 1);
            case "Linear": {
                Poly in_ = dimOf(a.get("in_features")), out = dimOf(a.get("out_features"));
                boolean bias = !Boolean.FALSE.equals(in.truth(a.getOrDefault("bias", new BoolV(true))));
                Poly tokens = prod(x.shape().subList(0, x.rank() - 1));
                ref(f, title, c, "in_features", in_, "out_features", out, "bias", bias, "tokens", tokens);
                List<Poly> s = new ArrayList<>(x.shape().subList(0, x.rank() - 1));
                s.add(out);
                return new TensorV(s, DType.ACTIVATION, true);
            }
            case "Embedding": {
                Poly dim = dimOf(a.get("embedding_dim"));
                ref(f, title, c, "num_embeddings", dimOf(a.get("num_embeddings")), "embedding_dim", dim, "tokens", x.numel());
                List<Poly> s = new ArrayList<>(x.shape());
                s.add(dim);
                return new TensorV(s, DType.ACTIVATION, true);
            }
            case "LayerNorm": {
                Poly n = dimOf(a.get("normalized_shape") instanceof TupleV t ? t.items().get(0) : a.get("normalized_shape"));
                boolean affine = !Boolean.FALSE.equals(in.truth(a.getOrDefault("elementwise_affine", new BoolV(true))));
                boolean bias = !Boolean.FALSE.equals(in.truth(a.getOrDefault("bias", new BoolV(true))));
                ref(f, title, c, "normalized_shape", n, "elementwise_affine", affine, "bias", bias, "tokens", x.numel().divide(n));
                return x.withShape(x.shape());
            }
            case "Dropout":
                ref(f, title, c);
                return x;
            default:
                ref(f, title, c, "elements", x.numel());
                return new TensorV(x.shape(), x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype(), true);
        }
    }

    // ------------------------------------------------------------ functions

    Value callExternal(String q, List<Value> args, Map<String, Value> kw, Frame f) {
        if (q.startsWith("builtins.")) return Builtins.call(in, q.substring(9), args, kw, f);
        if (q.startsWith("probe.")) return Interpreter.probeValue(q.substring(6));
        String mod = canonicalModule(q);
        if (mod != null) return newExternalModule(mod, args, kw);
        String n = q.replace("torch.nn.functional.", "F.").replace("torch.functional.", "torch.");
        Value a0 = args.isEmpty() ? null : args.get(0);
        if (n.equals("torch.vmap") || n.equals("torch.func.vmap")) {
            Value dims = args.size() > 1 ? args.get(1) : kw.getOrDefault("in_dims", IntV.of(0));
            Value out = args.size() > 2 ? args.get(2) : kw.getOrDefault("out_dims", IntV.of(0));
            if (!(out instanceof IntV o && o.isConstant() && o.value().isZero())) throw new Unanalysable("torch.vmap with out_dims other than 0");
            List<Value> perArg = in.iterate(dims);
            return new VmapV(a0, perArg == null ? List.of(dims) : perArg);
        }
        // generation parameters a config would pop from its keywords: the analysis passes none
        if (q.endsWith("GenerationConfig._get_default_generation_params")) return new DictV();
        if (Interpreter.isCacheClass(q)) {
            ObjectV c = newCache(q, Poly.ZERO);
            if (kw.get("config") instanceof ConfigV cv) slidingWindow(c, cv.env);
            return c;
        }
        if (n.startsWith("transformers.cache_utils.") && n.endsWith(".from_legacy_cache")) {
            return newCache(n.substring(0, n.lastIndexOf('.')), legacyLength(a0));
        }
        if (n.startsWith("numpy.")) return numpyCall(n, args, kw, f);
        switch (n) {
            case "torch.nn.Buffer", "torch.nn.parameter.Buffer": return a0;
            case "torch.nn.Parameter", "torch.nn.parameter.Parameter": return a0 instanceof TensorV t ? new TensorV(t.shape(), DType.WEIGHT, true) : a0;
            case "torch.nn.ModuleList", "torch.nn.modules.container.ModuleList", "torch.nn.Sequential":
                return a0 == null ? new ListV() : a0 instanceof RepeatedV ? a0 : a0 instanceof ListV l ? l : new ListV(new ArrayList<>(args));
            case "torch.nn.ModuleDict": return a0 instanceof DictV d ? d : new DictV();
            case "torch.empty", "torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.full", "torch.ones_like", "torch.zeros_like",
                 "torch.empty_like", "torch.full_like": return creation(n, args, kw, f);
            case "torch.arange": return arange(args, kw, f);
            case "torch.tensor", "torch.as_tensor", "torch.from_numpy", "torch.FloatTensor", "torch.LongTensor", "torch.BoolTensor": {
                // from Python data or a numpy array: the nesting gives the shape
                Data data = dataOf(a0);
                List<Poly> shape = data.shape();
                DType dt = switch (n) {
                    case "torch.FloatTensor" -> DType.FLOAT32; case "torch.LongTensor" -> DType.INT64; case "torch.BoolTensor" -> DType.BOOL;
                    default -> dtypeArg(kw, a0 instanceof TensorV t ? t.dtype() : data.isFloat() ? DType.ACTIVATION : DType.INT64);
                };
                TensorV out = new TensorV(shape, dt, true);
                basic(f, n.equals("torch.as_tensor") ? "torch.tensor" : n, "tensor creation", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, bytes(out),
                        shape.isEmpty() ? "creates a scalar tensor: writes one element" : "creates a " + ExprText.shape(shape) + " tensor from host data: writes it");
                return out;
            }
            case "torch.finfo", "torch.iinfo": return new ObjectV("torch.finfo");
            case "torch.matmul", "torch.bmm", "torch.mm": return matmul(args.get(0), args.get(1), f, n.substring(6) + "(a, b)");
            case "torch._grouped_mm", "F.grouped_mm", "torch.nn.functional.grouped_mm": return groupedMm(a0, args.size() > 1 ? args.get(1) : kw.get("mat_b"), f);
            case "torch.cuda.get_device_capability":
                // grouped_mm's kernels need compute capability 8.0 or more: the GPUs FlopScope predicts for (9.0, Hopper)
                f.rec.condition("a CUDA GPU of compute capability 9.0 (what `torch.cuda.get_device_capability` answers here)");
                return new TupleV(List.of(IntV.of(9), IntV.of(0)));
            case "torch.baddbmm", "torch.addmm": {
                Value out = matmul(args.get(1), args.get(2), f, n.substring(6) + " product");
                if (args.get(0) instanceof TensorV c && c.rank() > 0 && num(kw.get("beta"), 1) != 0) {
                    basic(f, n.substring(6) + " add (fused)", "scale and add inside " + n.substring(6), FlopClass.VECTOR, ((TensorV) out).numel(), bytes(c), Poly.ZERO,
                            "adds the input to the product inside the same kernel: reads it once");
                }
                return out;
            }
            case "torch.cat", "torch.concat", "torch.stack": return cat(n, args, kw, f);
            case "torch.hstack", "torch.vstack": {
                // hstack: along dim 1 (dim 0 for 1-D tensors); vstack: along dim 0 (1-D tensors stacked as rows)
                List<Value> parts = in.iterate(a0);
                if (parts == null || parts.isEmpty()) throw new Unanalysable(n + " of a symbolic or empty list");
                boolean flat = tensor(parts.get(0), n).rank() == 1;
                if (n.equals("torch.vstack") && flat) return cat("torch.stack", List.of(a0, IntV.of(0)), Map.of(), f);
                return cat("torch.cat", List.of(a0, IntV.of(n.equals("torch.hstack") && !flat ? 1 : 0)), Map.of(), f);
            }
            // one process: no process group (tensor parallelism is not modelled from source)
            case "torch.distributed.is_initialized": return new BoolV(false);
            case "torch.distributed.get_world_size": return IntV.of(1);
            case "torch.distributed.get_rank": return IntV.of(0);
            case "fairscale.nn.model_parallel.initialize.get_model_parallel_world_size": return IntV.of(1);
            case "fairscale.nn.model_parallel.initialize.get_model_parallel_rank": return IntV.of(0);
            case "torch.all", "torch.any": return callMethod(a0, n.substring(6), args.subList(1, args.size()), kw, f);
            case "torch.topk": return callMethod(a0, "topk", args.subList(1, args.size()), kw, f);
            case "torch.greater", "torch.gt", "torch.ne", "torch.eq", "torch.lt", "torch.ge", "torch.le", "torch.greater_equal", "torch.less":
                return tensorBinary(a0, switch (n.substring(6)) { case "greater", "gt" -> ">"; case "ne" -> "!="; case "eq" -> "=="; case "lt", "less" -> "<";
                    case "ge", "greater_equal" -> ">="; default -> "<="; }, args.get(1), f, false);
            case "F.one_hot": {
                TensorV idx = tensor(a0, n);
                Value classes = args.size() > 1 ? args.get(1) : kw.get("num_classes");
                if (!(classes instanceof IntV e)) throw new Unanalysable("one_hot without a known number of classes");
                List<Poly> sh = new ArrayList<>(idx.shape());
                sh.add(e.value());
                // exactly one 1 per index
                // hot only in the classes below the indices' bound (5.18 Mixtral: num_experts + 1 classes, a padding
                // expert no router picks); kept as this tensor's indexBound for nonzero()
                TensorV out = new TensorV(sh, DType.INT64, true, null, null, null, idx.numel(), idx.indexBound());
                basic(f, "one_hot", "tensor creation", FlopClass.VECTOR, Poly.ZERO, bytes(idx), bytes(out), "writes a one-hot row of " + e.value().toFormula() + " int64 per index");
                return out;
            }
            case "torch.max", "torch.min":
                // with two tensors: element-wise; with one: a reduction
                if (args.size() > 1 && (args.get(1) instanceof TensorV || isNumber(args.get(1)))) return tensorBinary(a0, "max", args.get(1), f, false);
                return callMethod(a0, n.substring(6), args.subList(1, args.size()), kw, f);
            case "torch.cumsum": return elementwise(f, "cumsum", tensor(a0, n), 1, null);
            case "torch.gather": {
                // out[i][j] = input[i][index[i][j]]: the shape of the index; reads the gathered elements and the int64 indices
                TensorV src = tensor(a0, n), idx = tensor(args.size() > 2 ? args.get(2) : kw.get("index"), n);
                TensorV out = new TensorV(idx.shape(), src.dtype(), true);
                basic(f, "gather", "index (copy)", FlopClass.VECTOR, Poly.ZERO, bytes(out).add(idx.numel().multiply(Poly.constant(8))), bytes(out),
                        "gathers " + ExprText.shape(idx.shape()) + " elements along a dimension");
                return out;
            }
            case "inspect.signature": {
                // the parameters of a function in the source (apply_chunking_to_forward counts them)
                ObjectV sig = new ObjectV("inspect.Signature");
                DictV ps = new DictV();
                if (a0 instanceof FuncV fv) {
                    List<io.flopscope.analyzer.ast.Params.Param> params = fv.def().params().params();
                    for (int i = fv.self() != null ? 1 : 0; i < params.size(); i++) ps.items().put(params.get(i).name(), new StrV(params.get(i).name()));
                    sig.attrs.put("parameters", ps);
                    return sig;
                }
                throw new Unanalysable("inspect.signature of " + Interpreter.describe(a0));
            }
            case "packaging.version.parse", "packaging.version.Version": return a0 instanceof StrV ? a0 : new UnknownV("version of " + Interpreter.describe(a0));
            case "torch.outer", "torch.ger": {
                // an outer product is a broadcast multiply (aten::outer decomposes to mul): 1 FLOP per output element
                TensorV x = tensor(a0, n), y = tensor(args.get(1), n);
                TensorV out = new TensorV(List.of(x.shape().get(0), y.shape().get(0)), resultType(x, y), true);
                basic(f, "outer", "element-wise mul (outer product)", FlopClass.VECTOR, out.numel(), bytes(x).add(bytes(y)), bytes(out),
                        "1 FLOP per output element of " + ExprText.shape(out.shape()));
                return out;
            }
            case "torch.where": {
                if (args.size() == 1) {
                    // torch.where(mask) = mask.nonzero(as_tuple=True): one index tensor per dimension
                    TensorV t = tensor(a0, n), rows = nonzero(t, f);
                    List<Value> out = new ArrayList<>();
                    for (int i = 0; i < t.rank(); i++) out.add(new TensorV(List.of(t.nonzeros()), DType.INT64, true, null, null, null, null, t.shape().get(i)));
                    return new TupleV(out);
                }
                if (args.size() < 3) throw new Unanalysable("torch.where with one argument: the result size depends on the data");
                List<Poly> s = broadcast(broadcast(shapeOf(args.get(0)), shapeOf(args.get(1))), shapeOf(args.get(2)));
                TensorV out = new TensorV(s, resultType(args.get(1), args.get(2)), true);
                Poly read = Poly.ZERO;
                for (Value v : args) if (v instanceof TensorV t && t.rank() > 0) read = read.add(bytes(t));
                basic(f, "torch.where", "select", FlopClass.VECTOR, out.numel(), read, bytes(out), "1 FLOP per output element; reads the condition and tensor operands");
                return out;
            }
            case "torch.tril", "torch.triu": { TensorV t = (TensorV) a0; return elementwise(f, n.substring(6), t, 1, t.dtype()); }
            case "torch.tanh", "torch.exp", "torch.rsqrt", "torch.sqrt", "torch.sigmoid", "torch.sin", "torch.cos", "torch.log", "torch.abs",
                 "torch.erf", "torch.neg", "torch.reciprocal", "torch.expm1", "torch.log1p", "torch.square", "torch.sign":
                return elementwise(f, n.substring(6), tensor(a0, n), 1, null);
            case "torch.relu", "torch.nn.functional.relu": return activation(f, "torch.nn.modules.activation.ReLU", tensor(a0, n));
            case "F.softplus": {
                // log(1 + exp(x)), linear above the threshold: exp, add, log and the compare, 4 FLOPs per element
                return elementwise(f, "softplus", tensor(a0, n), 4, null);
            }
            case "F.rms_norm": {
                // x·rsqrt(mean(x²) + eps)·weight fused: square, sum, scale, weight multiply (4 per element; the per-row
                // rsqrt is negligible and not counted); reads the input and the weight, writes the output
                TensorV x = tensor(a0, n);
                Value w = args.size() > 2 ? args.get(2) : kw.get("weight");
                TensorV out = new TensorV(x.shape(), x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype(), true);
                basic(f, "rms_norm", "rms_norm (fused)", FlopClass.VECTOR, x.numel().multiply(Poly.constant(4)), bytes(x).add(w instanceof TensorV wt ? bytes(wt) : Poly.ZERO),
                        bytes(out), "square, sum, scale and weight multiply: 4 FLOPs per element of " + ExprText.shape(x.shape()));
                return out;
            }
            case "torch.clamp", "torch.clip", "F.hardtanh": return elementwise(f, n.substring(n.lastIndexOf('.') + 1), tensor(a0, n), 1, null);
            case "torch.pow": return a0 instanceof TensorV t ? elementwise(f, "pow", t, 1, null)
                    : args.size() > 1 && args.get(1) instanceof TensorV e ? elementwise(f, "pow", e, 1, null) : tensor(a0, n);
            case "torch.mul", "torch.add", "torch.sub", "torch.div", "torch.maximum", "torch.minimum":
                return tensorBinary(args.get(0), switch (n) { case "torch.mul" -> "*"; case "torch.add" -> "+"; case "torch.sub" -> "-"; case "torch.div" -> "/"; default -> "max"; }, args.get(1), f, false);
            case "torch.softmax", "F.softmax": return softmax(tensor(a0, n), f);
            case "F.cross_entropy": {
                // log_softmax over the classes (max, subtract, exp, sum, log: 5 FLOPs per logit), then the mean of the
                // N picked log-probabilities (nll_loss); no matmul
                TensorV logits = tensor(a0, n), target = tensor(args.size() > 1 ? args.get(1) : kw.get("target"), n);
                Poly cells = logits.numel(), rows = target.numel();
                basic(f, "log_softmax", "log_softmax", FlopClass.VECTOR, cells.multiply(Poly.constant(5)), bytes(logits), cells.multiply(DType.ACTIVATION.size()),
                        "max, subtract, exp, sum, log: 5 FLOPs per logit of " + ExprText.shape(logits.shape()));
                basic(f, "nll_loss", "nll_loss (mean)", FlopClass.VECTOR, rows, rows.multiply(DType.ACTIVATION.size()).add(bytes(target)), DType.ACTIVATION.size(),
                        "gathers the target's log-probability in each of the " + rows.toFormula() + " rows and averages them");
                return new TensorV(List.of(), DType.ACTIVATION, true);
            }
            case "F.gelu": return activation(f, "torch.nn.modules.activation.GELU", tensor(a0, n));
            case "F.silu": return activation(f, "torch.nn.modules.activation.SiLU", tensor(a0, n));
            case "F.relu": return activation(f, "torch.nn.modules.activation.ReLU", tensor(a0, n));
            case "F.dropout": return a0;
            case "F.linear": {
                TensorV x = tensor(a0, n), w = tensor(args.size() > 1 ? args.get(1) : kw.get("weight"), n);
                Value b = args.size() > 2 ? args.get(2) : kw.getOrDefault("bias", NoneV.NONE);
                Poly tokens = prod(x.shape().subList(0, x.rank() - 1));
                List<Poly> s = new ArrayList<>(x.shape().subList(0, x.rank() - 1));
                s.add(w.shape().get(0));
                TensorV out = new TensorV(s, DType.ACTIVATION, true);
                if (w.dtype() != DType.WEIGHT) {
                    // a weight that is not a parameter (a gathered copy of expert weights): the same GEMM, its operand read
                    // at its own dtype; nn.Linear's analysis would count it as the model's weights
                    Poly flops = Poly.constant(2).multiply(tokens).multiply(w.shape().get(0)).multiply(w.shape().get(1));
                    basic(f, "F.linear", "linear (mm)", FlopClass.MATMUL, flops, bytes(x).add(bytes(w)), bytes(out),
                            "one GEMM of " + ExprText.shape(x.shape()) + " by the " + ExprText.shape(w.shape()) + " copy, transposed");
                    if (b instanceof TensorV bt) basic(f, "F.linear bias", "bias addition inside addmm", FlopClass.VECTOR, out.numel(), bytes(bt), Poly.ZERO,
                            "one addition per output element, fused into the GEMM");
                    return out;
                }
                ref(f, "F.linear", "torch.nn.modules.linear.Linear", "in_features", w.shape().get(1), "out_features", w.shape().get(0),
                        "bias", b instanceof TensorV, "tokens", tokens);
                return out;
            }
            case "F.conv1d", "F.conv2d": {
                // the module's analysis with the weight's shape: [out, in / groups, *kernel]
                int dims = n.equals("F.conv2d") ? 2 : 1;
                TensorV x = tensor(a0, n), w = tensor(args.size() > 1 ? args.get(1) : kw.get("weight"), n);
                if (w.dtype() != DType.WEIGHT) throw new Unanalysable(n + " with a weight that is not a parameter");
                Map<String, Value> a = new LinkedHashMap<>();
                Poly groups = dimOf(args.size() > 6 ? args.get(6) : kw.getOrDefault("groups", IntV.of(1)));
                a.put("in_channels", new IntV(w.shape().get(1).multiply(groups)));
                a.put("out_channels", new IntV(w.shape().get(0)));
                List<Value> ks = new ArrayList<>();
                for (int i = 0; i < dims; i++) ks.add(new IntV(w.shape().get(2 + i)));
                a.put("kernel_size", new TupleV(ks));
                String[] names = {"bias", "stride", "padding", "dilation"};
                for (int i = 0; i < names.length; i++) {
                    Value v = args.size() > 2 + i ? args.get(2 + i) : kw.get(names[i]);
                    if (v != null) a.put(names[i], names[i].equals("bias") ? new BoolV(v instanceof TensorV) : v);
                }
                a.put("groups", new IntV(groups));
                return conv(f, n, dims == 2 ? "torch.nn.modules.conv.Conv2d" : "torch.nn.modules.conv.Conv1d", x, a, dims);
            }
            case "F.embedding": {
                TensorV idx = tensor(a0, n), w = tensor(args.get(1), n);
                ref(f, "F.embedding", "torch.nn.modules.sparse.Embedding", "num_embeddings", w.shape().get(0), "embedding_dim", w.shape().get(1), "tokens", idx.numel());
                List<Poly> s = new ArrayList<>(idx.shape());
                s.add(w.shape().get(1));
                return new TensorV(s, DType.ACTIVATION, true);
            }
            case "F.scaled_dot_product_attention": return sdpa(args, kw, f);
            case "F.layer_norm": {
                TensorV x = tensor(a0, n);
                Poly h = x.shape().get(x.rank() - 1);
                ref(f, "F.layer_norm", "torch.nn.modules.normalization.LayerNorm", "normalized_shape", h, "tokens", x.numel().divide(h));
                return x.withShape(x.shape());
            }
            case "torch.split", "torch.chunk": return callMethod(a0, n.substring(6), args.subList(1, args.size()), kw, f);
            case "torch.is_autocast_enabled", "torch.jit.is_tracing", "torch.jit.is_scripting", "torch.compiler.is_compiling",
                 "torch.is_grad_enabled", "torch.cuda.is_available", "torch._dynamo.is_compiling", "transformers.utils.is_torchdynamo_compiling",
                 "transformers.pytorch_utils.is_torch_greater_or_equal_than_2_2": return new BoolV(false);
            case "torch.no_grad", "torch.autocast", "torch.inference_mode", "torch.enable_grad", "contextlib.nullcontext",
                 "torch.amp.autocast", "torch.cuda.amp.autocast", "torch.set_grad_enabled",
                 // lets vmap index a tensor with a batched scalar (4.5x mask functions): changes no cost
                 "torch._dynamo._trace_wrapped_higher_order_op.TransformGetItemToIndex": return new StrV("context");
            case "math.sqrt": return a0 instanceof IntV i && i.isConstant() ? new FloatV(Math.sqrt(i.value().constantValue().doubleValue())) : new FloatV(Double.NaN);
            case "math.log", "math.exp", "math.pow": return new FloatV(Double.NaN);
            case "math.ceil", "math.floor": return a0 instanceof IntV ? a0 : new UnknownV(n + " of a float");
            case "warnings.warn", "logger.warning", "logger.warning_once", "logging.warning": return NoneV.NONE;
            case "copy.deepcopy", "copy.copy": return copyOf(a0, n.equals("copy.deepcopy"));
            case "torch.einsum": return einsum(args, f);
            case "einops.einsum": {
                // einops.einsum(*tensors, "b l d, d n -> b l d n"): named axes, the equation last
                if (args.isEmpty() || !(args.get(args.size() - 1) instanceof StrV pat)) throw new Unanalysable("einops.einsum without a pattern");
                List<Value> eargs = new ArrayList<>();
                eargs.add(new StrV(Einops.torchEquation(pat.value())));
                eargs.addAll(args.subList(0, args.size() - 1));
                return einsum(eargs, f);
            }
            case "einops.rearrange", "einops.repeat": {
                TensorV x = tensor(a0, n);
                if (args.size() < 2 || !(args.get(1) instanceof StrV pat)) throw new Unanalysable(n + " without a pattern");
                Map<String, Poly> axes = new LinkedHashMap<>();
                for (var e : kw.entrySet()) axes.put(e.getKey(), dimOf(e.getValue()));
                Einops.Result r = Einops.apply(pat.value(), x.shape(), axes);
                if (n.equals("einops.repeat") || !r.permuted()) {
                    TensorV out = new TensorV(r.shape(), x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype(), true);
                    if (n.equals("einops.rearrange")) return x.with(r.shape(), x.contiguous()); // a reshape: a view
                    basic(f, "repeat", "expand and copy", FlopClass.VECTOR, Poly.ZERO, bytes(x), bytes(out), "writes the " + ExprText.shape(r.shape()) + " repeated tensor");
                    return out;
                }
                if (!r.copies()) return x.with(r.shape(), false); // a permute: a view, not contiguous
                // a permute then a merge of axes: einops' final reshape copies
                TensorV out = new TensorV(r.shape(), x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype(), true);
                basic(f, "rearrange", "permute and reshape (copy)", FlopClass.VECTOR, Poly.ZERO, bytes(x), bytes(out), "the merge after a permute copies " + ExprText.shape(r.shape()));
                return out;
            }
            case "torch.polar": {
                // abs·(cos θ + i sin θ): a cos, a sin and two products per element
                TensorV mag = tensor(a0, n), ang = tensor(args.size() > 1 ? args.get(1) : kw.get("angle"), n);
                TensorV out = new TensorV(broadcast(mag.shape(), ang.shape()), DType.COMPLEX64, true);
                basic(f, "polar", "element-wise polar", FlopClass.VECTOR, out.numel().multiply(Poly.constant(4)), bytes(mag).add(bytes(ang)), bytes(out),
                        "a cos, a sin and two products per element of " + ExprText.shape(out.shape()));
                return out;
            }
            case "torch.view_as_complex": {
                // a view: the last dimension (2: real, imaginary) becomes the complex element
                TensorV t = tensor(a0, n);
                if (t.rank() == 0 || !t.shape().get(t.rank() - 1).equals(Poly.constant(2))) throw new Unanalysable("view_as_complex of a last dimension other than 2");
                return new TensorV(t.shape().subList(0, t.rank() - 1), DType.COMPLEX64, t.contiguous());
            }
            case "torch.view_as_real": {
                TensorV t = tensor(a0, n);
                List<Poly> s = new ArrayList<>(t.shape());
                s.add(Poly.constant(2));
                return new TensorV(s, DType.FLOAT32, t.contiguous());
            }
            case "functools.partial": {
                if (args.isEmpty()) throw new Unanalysable("functools.partial without a function");
                return new PartialV(a0, List.copyOf(args.subList(1, args.size())), new LinkedHashMap<>(kw));
            }
            default:
                if (q.endsWith(".warning_once") || q.endsWith(".warning") || q.endsWith(".warn") || q.endsWith(".info") || q.endsWith(".debug")) return NoneV.NONE;
                if (q.startsWith("torch.nn.init.")) return NoneV.NONE;
                // torch.f(t, ...) and t.f(...) are one op: a form written only as a method serves the function too
                if (!crossing && a0 instanceof TensorV t && n.startsWith("torch.") && n.indexOf('.', 6) < 0) {
                    crossing = true;
                    try {
                        return callMethod(t, n.substring(6), args.subList(1, args.size()), kw, f);
                    } catch (NotModelled e) {
                        // neither form: reported below under the function's name
                    } finally {
                        crossing = false;
                    }
                }
                // a tensor op given an unanalysed input: that input is the reason, not the op
                if (n.startsWith("torch.") && a0 instanceof UnknownV u) return new UnknownV(q + " of an unanalysed value (" + u.reason() + ")");
                // outside a recorded forward (in __init__, or a re-trace for shapes) an unknown call only taints its result
                if (crossing) throw new NotModelled("call to " + q + " is not modelled");
                if (f.rec.discard) return new UnknownV("call to " + q + " is not modelled");
                throw new Unanalysable("call to " + q + " is not modelled (no analysis of it; add one with --library)");
        }
    }

    /** Nested Python data (lists, a numpy array that is a tensor here): its shape [len, len of the first item, ...] and first scalar. */
    private record Data(List<Poly> shape, Value leaf) {
        boolean isFloat() { return leaf instanceof FloatV || leaf instanceof UnknownV; }
    }

    private Data dataOf(Value v) {
        List<Poly> out = new ArrayList<>();
        Value x = v;
        for (int guard = 0; guard < 32; guard++) {
            if (x instanceof RepeatedV r) { out.add(r.count()); x = r.element(); continue; }
            if (x instanceof ListV || x instanceof TupleV) {
                List<Value> items = in.iterate(x);
                out.add(Poly.constant(items.size()));
                if (items.isEmpty()) break;
                x = items.get(0);
                continue;
            }
            if (x instanceof TensorV t) out.addAll(t.shape());
            break; // a tensor, or a scalar (a number, torch.finfo(t).min, ...)
        }
        return new Data(out, x);
    }

    /**
     * numpy in a model's __init__ (sinusoid tables) and its constants: arrays are tensors of the data's shape,
     * element-wise functions keep the shape; host work, costed nowhere on the forward path.
     */
    private Value numpyCall(String n, List<Value> args, Map<String, Value> kw, Frame f) {
        String fn = n.substring("numpy.".length());
        Value a0 = args.isEmpty() ? null : args.get(0);
        switch (fn) {
            case "array", "asarray", "float32", "float64", "int64": {
                if (a0 instanceof IntV || a0 instanceof FloatV) return a0;
                Data d = dataOf(a0);
                return new TensorV(d.shape(), d.isFloat() ? DType.FLOAT32 : DType.INT64, true);
            }
            case "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "power", "tanh", "floor", "ceil", "arctan", "square":
                for (Value v : args) if (v instanceof TensorV t) return new TensorV(t.shape(), DType.FLOAT32, true);
                return fn.equals("power") && args.size() == 2 && args.get(0) instanceof FloatV b && args.get(1) instanceof FloatV e
                        ? new FloatV(Math.pow(b.value(), e.value())) : new FloatV(Double.NaN);
            case "zeros", "ones", "empty":
                return new TensorV(sizes(args.subList(0, Math.min(1, args.size()))), DType.FLOAT32, true);
            default:
                if (f.rec.discard) return new UnknownV("numpy." + fn + " is not modelled");
                throw new Unanalysable("numpy." + fn + "() on the forward path is not modelled");
        }
    }

    /** Sizes given as one tuple or list, or as separate arguments (torch.zeros(2, 3), x.new_empty(*shape, d)). */
    private List<Poly> sizes(List<Value> given) {
        List<Value> dims = given.size() == 1 && (given.get(0) instanceof TupleV || given.get(0) instanceof ListV) ? in.iterate(given.get(0)) : given;
        List<Poly> out = new ArrayList<>();
        for (Value d : dims) out.add(dimOf(d));
        return out;
    }

    /**
     * An n-D convolution (n = 1, 2) of [batch, channels, *spatial] (or unbatched): per spatial axis,
     * out = (in + 2·padding − dilation·(k − 1) − 1) / stride + 1, which must divide exactly with this config's values
     * (a condition says so); "same" keeps the size, "valid" pads nothing.
     */
    private Value conv(Frame f, String title, String cls, TensorV x, Map<String, Value> a, int n) {
        if (x.rank() != n + 2 && x.rank() != n + 1) throw new Unanalysable(Interpreter.shortName(cls) + " of a rank-" + x.rank() + " input");
        Poly cin = dimOf(a.get("in_channels")), cout = dimOf(a.get("out_channels"));
        Poly groups = a.containsKey("groups") ? dimOf(a.get("groups")) : Poly.ONE;
        Value pad = a.getOrDefault("padding", IntV.of(0));
        int first = x.rank() - n;
        Poly kernel = Poly.ONE, lin = Poly.ONE, lout = Poly.ONE;
        List<Poly> s = new ArrayList<>(x.shape());
        for (int i = 0; i < n; i++) {
            Poly k = dimOf(axisArg(a.get("kernel_size"), i)), stride = a.containsKey("stride") ? dimOf(axisArg(a.get("stride"), i)) : Poly.ONE;
            Poly dil = a.containsKey("dilation") ? dimOf(axisArg(a.get("dilation"), i)) : Poly.ONE, len = x.shape().get(first + i);
            Poly o;
            if (pad instanceof StrV ps && ps.value().equals("same")) o = len;
            else {
                Poly p = pad instanceof StrV pv && pv.value().equals("valid") ? Poly.ZERO : dimOf(axisArg(pad, i));
                Poly span = len.add(Poly.constant(2).multiply(p)).subtract(dil.multiply(k.subtract(Poly.ONE))).subtract(Poly.ONE);
                if (stride.equals(Poly.ONE)) o = span.add(Poly.ONE);
                else {
                    if (!stride.isConstant()) throw new Unanalysable("convolution with a symbolic stride");
                    Rational v = span.isConstant() ? span.constantValue() : in.configValue(span);
                    if (v == null || !v.divide(stride.constantValue()).isInteger())
                        throw new Unanalysable("convolution output size " + span.toFormula() + " / " + stride.toFormula() + " + 1 is not exact with this config");
                    o = span.divide(stride).add(Poly.ONE);
                    if (!span.isConstant() && f.rec != null) f.rec.condition("`" + span.divide(stride).toFormula() + "` is an integer with this config's values");
                }
            }
            kernel = kernel.multiply(k);
            lin = lin.multiply(len);
            lout = lout.multiply(o);
            s.set(first + i, o);
        }
        s.set(first - 1, cout);
        boolean bias = !Boolean.FALSE.equals(in.truth(a.getOrDefault("bias", new BoolV(true))));
        Poly batch = x.rank() == n + 2 ? x.shape().get(0) : Poly.ONE;
        ref(f, title, cls, "in_channels", cin, "out_channels", cout, "kernel_size", kernel, "in_per_group", cin.divide(groups), "bias", bias,
                "batch", batch, "length_in", lin, "length_out", lout);
        return new TensorV(s, DType.ACTIVATION, true);
    }

    /** A conv argument for spatial axis i: an int, or a tuple with one entry per axis (kernel_size=(3, 3)). */
    private Value axisArg(Value v, int i) {
        if (v instanceof TupleV t) return t.items().get(t.items().size() == 1 ? 0 : i);
        if (v instanceof ListV l) return l.items().get(l.items().size() == 1 ? 0 : i);
        return v;
    }

    /** copy.copy / copy.deepcopy: containers, configs and source objects copied; immutable values as they are. */
    static Value copyOf(Value v, boolean deep) {
        if (v instanceof ConfigV c) return new ConfigV(c.env.copy());
        if (v instanceof DictV d) {
            Map<Object, Value> m = new LinkedHashMap<>();
            d.items().forEach((k, x) -> m.put(k, deep ? copyOf(x, true) : x));
            return new DictV(m);
        }
        if (v instanceof ListV l) {
            List<Value> out = new ArrayList<>();
            for (Value x : l.items()) out.add(deep ? copyOf(x, true) : x);
            return new ListV(out);
        }
        if (v instanceof ObjectV o) {
            ObjectV c = new ObjectV(o.className);
            o.attrs.forEach((k, x) -> c.attrs.put(k, deep ? copyOf(x, true) : x));
            c.ctorParams.putAll(o.ctorParams);
            c.fieldOrder.addAll(o.fieldOrder);
            c.initConditions = o.initConditions;
            c.buildTaints = o.buildTaints;
            return c;
        }
        return v;
    }

    private static double num(Value v, double dflt) { return v == null ? dflt : Interpreter.num(v); }

    private static boolean isNumber(Value v) { return Interpreter.isNumber(v); }

    private static Double numOrNull(Value v) {
        double d = v == null ? Double.NaN : v instanceof TensorV t && t.fill() != null ? t.fill() : Interpreter.num(v);
        return Double.isNaN(d) ? null : d;
    }

    /** The element value of a ⊙ b when both are known everywhere (a filled tensor or a number), else null. */
    private static Double fillOf(Value a, String op, Value b) {
        Double x = numOrNull(a), y = numOrNull(b);
        if (x == null || y == null || !(a instanceof TensorV || b instanceof TensorV)) return null;
        if (a instanceof TensorV t && t.fill() == null || b instanceof TensorV u && u.fill() == null) return null;
        double r;
        switch (op) {
            case "+": r = x + y; break; case "-": r = x - y; break; case "*": r = x * y; break; case "/": r = x / y; break;
            case "==": r = x.equals(y) ? 1 : 0; break; case "!=": r = x.equals(y) ? 0 : 1; break;
            case "<": r = x < y ? 1 : 0; break; case "<=": r = x <= y ? 1 : 0; break; case ">": r = x > y ? 1 : 0; break; case ">=": r = x >= y ? 1 : 0; break;
            case "&": r = x != 0 && y != 0 ? 1 : 0; break; case "|": r = x != 0 || y != 0 ? 1 : 0; break;
            default: return null;
        }
        return r;
    }

    private static TensorV tensor(Value v, String what) {
        if (v instanceof TensorV t) return t;
        if (v instanceof UnknownV u) throw new Unanalysable(u.reason());
        throw new Unanalysable(what + " expects a tensor, got " + Interpreter.describe(v));
    }

    private static List<Poly> shapeOf(Value v) { return v instanceof TensorV t ? t.shape() : List.of(); }

    private DType dtypeArg(Map<String, Value> kw, DType dflt) {
        return kw.get("dtype") instanceof DTypeV d ? d.dtype() : dflt;
    }

    private Value creation(String n, List<Value> args, Map<String, Value> kw, Frame f) {
        List<Poly> shape = new ArrayList<>();
        DType dt;
        if (n.endsWith("_like")) {
            TensorV t = tensor(args.get(0), n);
            shape.addAll(t.shape());
            dt = dtypeArg(kw, t.dtype());
        } else {
            shape.addAll(sizes(kw.get("size") != null ? List.of(kw.get("size")) : n.equals("torch.full") ? args.subList(0, 1) : args));
            dt = dtypeArg(kw, n.equals("torch.full") && args.size() > 1 && args.get(1) instanceof BoolV ? DType.BOOL : DType.ACTIVATION);
        }
        Double fill = n.startsWith("torch.ones") ? Double.valueOf(1) : n.startsWith("torch.zeros") ? Double.valueOf(0)
                : n.startsWith("torch.full") && args.size() > 1 ? numOrNull(args.get(1)) : null;
        TensorV out = new TensorV(shape, dt, true, null, null, fill);
        boolean fills = !n.startsWith("torch.empty");
        basic(f, n.substring(6), "tensor creation", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, fills ? bytes(out) : Poly.ZERO,
                fills ? "writes every element of " + ExprText.shape(shape) : "allocates " + ExprText.shape(shape) + " without writing");
        return out;
    }

    private Value arange(List<Value> args, Map<String, Value> kw, Frame f) {
        Poly start = Poly.ZERO, end;
        if (args.size() >= 2) { start = dimOf(args.get(0)); end = dimOf(args.get(1)); }
        else if (args.size() == 1) end = dimOf(args.get(0));
        else end = dimOf(kw.get("end"));
        if (kw.containsKey("start")) start = dimOf(kw.get("start"));
        Poly len = end.subtract(start);
        Value stepV = args.size() >= 3 ? args.get(2) : kw.get("step");
        if (stepV != null && !(stepV instanceof NoneV)) {
            Poly step = dimOf(stepV);
            if (!step.isConstant() || step.constantValue().signum() <= 0) throw new Unanalysable("arange with a symbolic or non-positive step");
            Poly q = len.divide(step);
            // ceil((end - start) / step); a single size over a constant step is taken to divide (head_dim / 2 in RoPE)
            len = q.isConstant() ? Poly.constant(io.flopscope.formula.Rational.of(q.constantValue().ceil()))
                    : q.terms().size() == 1 || q.terms().values().stream().allMatch(io.flopscope.formula.Rational::isInteger) ? q : Poly.ceil(q);
        }
        TensorV out = new TensorV(List.of(len), dtypeArg(kw, DType.INT64), true, stepV == null || stepV instanceof NoneV ? start : null);
        basic(f, "arange", "tensor creation", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, bytes(out), "writes " + len.toFormula() + " indices");
        return out;
    }

    private Value cat(String n, List<Value> args, Map<String, Value> kw, Frame f) {
        if (args.get(0) instanceof RepeatedV r) {
            // count alike tensors (one appended per iteration of a loop over count): stacked, or joined along dim
            TensorV e = tensor(r.element(), n);
            Value dimV = args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", IntV.of(0));
            List<Poly> shape = new ArrayList<>(e.shape());
            if (n.equals("torch.stack")) shape.add(axis(dimV, e.rank() + 1), r.count());
            else { int d = axis(dimV, e.rank()); shape.set(d, shape.get(d).multiply(r.count())); }
            TensorV out = new TensorV(shape, e.dtype(), true);
            basic(f, n.substring(6), "concatenate (copy)", FlopClass.VECTOR, Poly.ZERO, bytes(out), bytes(out),
                    "copies " + r.count().toFormula() + " tensors " + ExprText.shape(e.shape()) + " into " + ExprText.shape(shape));
            return out;
        }
        List<Value> parts = in.iterate(args.get(0));
        if (parts == null) throw new Unanalysable(n + " of a symbolic list");
        Value dimV = args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", IntV.of(0));
        List<TensorV> ts = new ArrayList<>();
        for (Value p : parts) ts.add(tensor(p, n));
        TensorV first = ts.get(0);
        List<Poly> shape;
        if (n.equals("torch.stack")) {
            int d = axis(dimV, first.rank() + 1);
            shape = new ArrayList<>(first.shape());
            shape.add(d, Poly.constant(ts.size()));
        } else {
            int d = axis(dimV, first.rank());
            shape = new ArrayList<>(first.shape());
            Poly sum = Poly.ZERO;
            for (TensorV t : ts) sum = sum.add(t.shape().get(d));
            shape.set(d, sum);
        }
        DType dt = first.dtype();
        for (TensorV t : ts) if (t.dtype() == DType.KV) dt = DType.KV;
        TensorV out = new TensorV(shape, dt, true);
        Poly read = Poly.ZERO;
        for (TensorV t : ts) read = read.add(t.numel().multiply(dt.size()));
        basic(f, n.substring(6), "concatenate (copy)", FlopClass.VECTOR, Poly.ZERO, read, bytes(out), "copies every input into a new tensor " + ExprText.shape(shape));
        return out;
    }

    private Value softmax(TensorV x, Frame f) {
        ref(f, "softmax", "torch.softmax", "elements", x.numel());
        return new TensorV(x.shape(), x.dtype() == DType.WEIGHT ? DType.ACTIVATION : x.dtype(), true);
    }

    private Value activation(Frame f, String cls, TensorV x) {
        ref(f, Interpreter.shortName(cls), cls, "elements", x.numel());
        return new TensorV(x.shape(), DType.ACTIVATION, true);
    }

    private Value sdpa(List<Value> args, Map<String, Value> kw, Frame f) {
        TensorV q = tensor(args.size() > 0 ? args.get(0) : kw.get("query"), "sdpa"), k = tensor(args.size() > 1 ? args.get(1) : kw.get("key"), "sdpa"),
                v = tensor(args.size() > 2 ? args.get(2) : kw.get("value"), "sdpa");
        Value mask = args.size() > 3 ? args.get(3) : kw.getOrDefault("attn_mask", NoneV.NONE);
        int r = q.rank();
        Poly bh = prod(q.shape().subList(0, r - 2));
        Poly ql = q.shape().get(r - 2), kl = k.shape().get(k.rank() - 2), d = q.shape().get(r - 1), dv = v.shape().get(v.rank() - 1);
        Poly kvh = prod(k.shape().subList(0, k.rank() - 2));
        boolean gqa = Boolean.TRUE.equals(in.truth(kw.getOrDefault("enable_gqa", new BoolV(false))));
        if (!kvh.equals(bh) && !gqa) bh = pick(bh, kvh);
        List<Object> params = new ArrayList<>(List.of("batch_heads", bh, "q_len", ql, "kv_len", kl, "head_dim", d));
        if (!dv.equals(d)) params.addAll(List.of("v_head_dim", dv));
        // enable_gqa: fewer key/value heads than query heads, each read once
        if (gqa && !kvh.equals(bh)) params.addAll(List.of("kv_batch_heads", kvh));
        ref(f, "scaled_dot_product_attention", "torch.nn.functional.scaled_dot_product_attention", params.toArray());
        if (mask instanceof TensorV m) {
            basic(f, "attention mask", "mask read inside SDPA", FlopClass.VECTOR, bh.multiply(ql).multiply(kl), bytes(m), Poly.ZERO,
                    "the fused kernel reads the mask and adds it to every score");
        } else if (mask instanceof MaybeV o && o.value() instanceof TensorV m) {
            // a mask that exists only where present = 1 (else SDPA runs with is_causal and no mask)
            Poly w = o.present();
            basic(f, "attention mask", "mask read inside SDPA", FlopClass.VECTOR, w.multiply(bh).multiply(ql).multiply(kl), w.multiply(bytes(m)), Poly.ZERO,
                    "where the mask exists (" + w.toFormula() + "), the fused kernel reads it and adds it to every score");
        }
        List<Poly> out = new ArrayList<>(q.shape().subList(0, r - 1));
        out.add(dv);
        return new TensorV(out, q.dtype(), true);
    }

    // ------------------------------------------------------------ Hugging Face caches

    /** A cache object holding past keys and values of one length for every layer (0 when created empty). */
    static ObjectV newCache(String cls, Poly past) {
        ObjectV o = new ObjectV(cls);
        o.attrs.put("__cache_past__", new IntV(past));
        return o;
    }

    /**
     * transformers 5.x: DynamicCache(config=...) gives sliding-window layers when the config has a sliding window
     * (or an attention chunk size): they keep the last window − 1 tokens. Layers of mixed kinds are not modelled.
     */
    static void slidingWindow(ObjectV cache, ConfigEnv env) {
        Value w = env.get("sliding_window").orElse(NoneV.NONE);
        if (!(w instanceof IntV)) w = env.get("attention_chunk_size").orElse(NoneV.NONE);
        if (!(w instanceof IntV window)) return;
        Value types = env.get("layer_types").orElse(NoneV.NONE);
        List<Value> items = types instanceof ListV l ? l.items() : types instanceof TupleV t ? t.items() : types instanceof RepeatedV r ? List.of(r.element()) : List.of();
        boolean allSliding = items.stream().allMatch(x -> x instanceof StrV sv && (sv.value().equals("sliding_attention") || sv.value().equals("chunked_attention")));
        boolean noneSliding = !items.isEmpty() && items.stream().noneMatch(x -> x instanceof StrV sv && (sv.value().equals("sliding_attention") || sv.value().equals("chunked_attention")));
        if (noneSliding) return;
        cache.attrs.put("__cache_window__", window);
        if (!allSliding) {
            // one flag per layer: a sliding layer keeps the window, a full-attention one everything
            List<Value> flags = new ArrayList<>();
            for (Value x : items) flags.add(new BoolV(x instanceof StrV sv && (sv.value().equals("sliding_attention") || sv.value().equals("chunked_attention"))));
            cache.attrs.put("__cache_sliding__", types instanceof ListV || types instanceof TupleV ? new ListV(flags) : new UnknownV("layer kinds of the cache"));
        }
    }

    private static Poly legacyLength(Value legacy) {
        if (legacy == null || legacy instanceof NoneV) return Poly.ZERO;
        Value layer = legacy instanceof RepeatedV r ? r.element() : legacy instanceof TupleV t && !t.items().isEmpty() ? t.items().get(0) : null;
        if (layer instanceof TupleV kv && !kv.items().isEmpty() && kv.items().get(0) instanceof TensorV k && k.rank() >= 2) return k.shape().get(k.rank() - 2);
        throw new Unanalysable("cannot read the length of the legacy cache " + Interpreter.describe(legacy));
    }

    /** Attributes of a modelled cache: a dynamic cache is neither compileable (static) nor sliding. */
    Value cacheAttribute(ObjectV cache, String attr) {
        switch (attr) {
            case "self_attention_cache": return cache;
            case "is_compileable": return new BoolV(false);
            case "is_sliding": {
                // 5.x: one flag per layer (a list); a dynamic cache has no sliding layers
                if (cache.attrs.get("__cache_sliding__") instanceof ListV flags) return new ListV(new ArrayList<>(flags.items()));
                Value layers = in.config.get("num_hidden_layers").orElse(null);
                boolean sliding = cache.attrs.containsKey("__cache_window__");
                return layers instanceof IntV n ? new RepeatedV(new BoolV(sliding), n.value()) : new BoolV(sliding);
            }
            default: return new BoundMethodV(cache, attr);
        }
    }

    /**
     * DynamicCache-style caches: update() concatenates past and new keys/values along the sequence axis
     * (an empty cache keeps the new tensors as they are), get_seq_length() is the past length.
     */
    private Value cacheMethod(ObjectV cache, String name, List<Value> args, Map<String, Value> kw, Frame f) {
        Poly past = ((IntV) cache.attrs.get("__cache_past__")).value();
        // a sliding-window layer keeps the last window - 1 tokens of the past
        Poly window = cache.attrs.get("__cache_window__") instanceof IntV w ? w.value() : null;
        if (cache.attrs.containsKey("__cache_sliding__") && (name.equals("update") || name.equals("get_mask_sizes"))) {
            // layers of two kinds: the layer index (update's third, get_mask_sizes's second argument) says which
            int at = name.equals("update") ? 2 : 1;
            Value idx = args.size() > at ? args.get(at) : kw.get("layer_idx");
            if (!(cache.attrs.get("__cache_sliding__") instanceof ListV flags) || !(idx instanceof IntV i && i.isConstant()))
                throw new Unanalysable("a cache with both sliding-window and full-attention layers, used by layer " + (idx == null ? "?" : Interpreter.describe(idx)));
            int k = i.value().constantValue().num().intValueExact();
            if (k < 0 || k >= flags.items().size()) throw new Unanalysable("cache layer " + k + " out of range");
            if (!(flags.items().get(k) instanceof BoolV b && b.value())) window = null;
        }
        Poly stored = window == null || past.isZero() ? past : Poly.minMax("min", List.of(past, window.subtract(Poly.ONE)));
        switch (name) {
            case "update": {
                TensorV k = tensor(args.get(0), "cache update"), v = tensor(args.get(1), "cache update");
                if (past.isZero()) return new TupleV(List.of(k, v));
                List<Value> out = new ArrayList<>();
                for (TensorV t : List.of(k, v)) {
                    List<Poly> ps = new ArrayList<>(t.shape());
                    ps.set(t.rank() - 2, stored);
                    TensorV old = new TensorV(ps, DType.KV, true);
                    out.add(cat("torch.cat", List.of(new ListV(new ArrayList<>(List.of(old, t))), IntV.of(-2)), Map.of(), f));
                }
                return new TupleV(out);
            }
            case "get_seq_length", "get_usable_length", "get_query_offset": return new IntV(past);
            case "get_mask_sizes": {
                // (kv_length, kv_offset) of a dynamic layer: past plus the new positions, no offset
                // 4.x-5.17 pass cache_position, 5.18 the query length
                Poly q = args.get(0) instanceof IntV n ? n.value() : tensor(args.get(0), "get_mask_sizes").shape().get(0);
                Poly offset = window == null || past.isZero() ? Poly.ZERO : Poly.minMax("max", List.of(past.subtract(window).add(Poly.ONE), Poly.ZERO));
                return new TupleV(List.of(new IntV(stored.add(q)), new IntV(offset)));
            }
            case "get_max_cache_shape", "get_max_length": return NoneV.NONE;
            case "to_legacy_cache": return cache;
            case "__len__": return new UnknownV("number of cached layers");
            default: throw new Unanalysable(Interpreter.shortName(cache.className) + "." + name + "() is not modelled");
        }
    }

    // ------------------------------------------------------------ methods

    Value callMethod(Value recv, String name, List<Value> args, Map<String, Value> kw, Frame f) {
        if (recv instanceof TensorV t) return tensorMethod(t, name, args, kw, f);
        if (recv instanceof ListV l) {
            switch (name) {
                case "append": in.appended(l); l.items().add(args.get(0)); return NoneV.NONE;
                case "extend": { List<Value> items = in.iterate(args.get(0)); if (items == null) throw new Unanalysable("extend with a symbolic list"); l.items().addAll(items); return NoneV.NONE; }
                case "pop": return l.items().remove(l.items().size() - 1);
                case "index": return IntV.of(0);
                case "copy": return new ListV(new ArrayList<>(l.items()));
                case "add": if (!l.items().contains(args.get(0))) l.items().add(args.get(0)); return NoneV.NONE;
                case "isdisjoint": {
                    for (Value x : l.items()) {
                        Boolean in_ = in.containsValue(args.get(0), x);
                        if (in_ == null) return new UnknownV("isdisjoint with a symbolic collection");
                        if (in_) return new BoolV(false);
                    }
                    return new BoolV(true);
                }
                case "issubset": {
                    // sets are lists here: every item of this one in the other
                    for (Value x : l.items()) {
                        Boolean in_ = in.containsValue(args.get(0), x);
                        if (in_ == null) return new UnknownV("issubset of a symbolic collection");
                        if (!in_) return new BoolV(false);
                    }
                    return new BoolV(true);
                }
                default: throw new Unanalysable("list." + name + "()");
            }
        }
        if (recv instanceof DictV d) {
            switch (name) {
                case "get": { Value v = d.items().get(Interpreter.key(args.get(0))); return v != null ? v : args.size() > 1 ? args.get(1) : NoneV.NONE; }
                case "pop": { Value v = d.items().remove(Interpreter.key(args.get(0))); return v != null ? v : args.size() > 1 ? args.get(1) : NoneV.NONE; }
                case "items": { List<Value> out = new ArrayList<>(); d.items().forEach((k, v) -> out.add(new TupleV(List.of(k instanceof String s ? new StrV(s) : new UnknownV("key"), v)))); return new ListV(out); }
                case "keys": { List<Value> out = new ArrayList<>(); d.items().keySet().forEach(k -> out.add(k instanceof String s ? new StrV(s) : new UnknownV("key"))); return new ListV(out); }
                case "values": return new ListV(new ArrayList<>(d.items().values()));
                case "update": { if (args.get(0) instanceof DictV o) d.items().putAll(o.items()); kw.forEach(d.items()::put); return NoneV.NONE; }
                case "setdefault": return d.items().computeIfAbsent(Interpreter.key(args.get(0)), k -> args.size() > 1 ? args.get(1) : NoneV.NONE);
                case "copy": return new DictV(new LinkedHashMap<>(d.items()));
                case "clear": d.items().clear(); return NoneV.NONE;
                default: throw new Unanalysable("dict." + name + "()");
            }
        }
        if (recv instanceof StrV s) {
            return switch (name) {
                case "startswith" -> new BoolV(s.value().startsWith(((StrV) args.get(0)).value()));
                case "endswith" -> new BoolV(s.value().endsWith(((StrV) args.get(0)).value()));
                case "format", "join", "lower", "upper", "replace", "strip" -> new StrV("<str>");
                default -> throw new Unanalysable("str." + name + "()");
            };
        }
        if (recv instanceof ConfigV && name.equals("get_text_config")) return recv;
        if (recv instanceof RepeatedV r && name.equals("index") && !args.isEmpty() && r.element().equals(args.get(0))) return IntV.of(0);
        if (recv instanceof ObjectV o && o.className.equals("torch.finfo")) return new FloatV(-3.4e38);
        if (recv instanceof ObjectV o && o.attrs.containsKey("__cache_past__")) return cacheMethod(o, name, args, kw, f);
        if (recv instanceof ObjectV o && (name.equals("register_buffer") || name.equals("register_parameter"))) {
            Value val = args.size() > 1 ? args.get(1) : kw.getOrDefault("tensor", kw.get("param"));
            if (!args.isEmpty() && args.get(0) instanceof StrV n && val != null) o.attrs.put(n.value(), val);
            return NoneV.NONE;
        }
        if (recv instanceof ObjectV o && in.method(o.className, "__getitem__", o).isPresent()
                && java.util.Set.of("get", "keys", "items", "values", "__contains__").contains(name)) {
            return in.mappingMethod(o, name, args, f);
        }
        if (recv instanceof ObjectV o) {
            switch (name) {
                case "post_init", "init_weights", "_init_weights", "tie_weights", "gradient_checkpointing_enable", "warn_if_padding_and_no_attention_mask",
                     "_backward_compatibility_gradient_checkpointing", "register_load_state_dict_post_hook", "apply", "requires_grad_":
                    return NoneV.NONE;
                case "get_head_mask": return args.isEmpty() || args.get(0) instanceof NoneV
                        ? new RepeatedV(NoneV.NONE, args.size() > 1 ? dimOf(args.get(1)) : Poly.ONE) : new UnknownV("head mask given");
                case "modules", "children", "parameters", "named_modules": return new ListV();
                default: throw new Unanalysable(Interpreter.shortName(o.className) + "." + name + "() is not defined in the source");
            }
        }
        if (recv instanceof ExternalV x && x.qualifiedName().equals("super")) return NoneV.NONE;
        if (recv instanceof SuperV sv) {
            // a framework base's __init__ (PreTrainedModel, nn.Module): it keeps the config, nothing else matters here
            // a source class deriving from a library module (class OPTLearnedPositionalEmbedding(nn.Embedding)):
            // the base's __init__ builds that module, its forward is the library call
            String libraryBase = null;
            for (String b : in.bases(sv.owner())) if (canonicalModule(b) != null) libraryBase = canonicalModule(b);
            if (libraryBase != null && sv.self() instanceof ObjectV o) {
                if (name.equals("__init__")) { o.attrs.put("__base_module__", newExternalModule(libraryBase, args, kw)); return NoneV.NONE; }
                if (name.equals("forward") && o.attrs.get("__base_module__") instanceof ExternalModuleV m) return callExternalModule(m, args, kw, f);
            }
            if (name.equals("__init__") && sv.self() instanceof ObjectV o) {
                for (Value v : args) if (v instanceof ConfigV) o.attrs.put("config", v);
                if (kw.get("config") instanceof ConfigV c) o.attrs.put("config", c);
                return NoneV.NONE;
            }
            if ((name.equals("__getitem__") || name.equals("get")) && sv.self() instanceof ObjectV o && o.attrs.get("__data__") instanceof DictV d) {
                return callMethod(d, name.equals("get") ? "get" : "get", args, kw, f);
            }
            return callMethod(sv.self(), name, args, kw, f);
        }
        if (recv instanceof ExternalModuleV m) throw new Unanalysable(Interpreter.shortName(m.className()) + "." + name + "()");
        if (Interpreter.LOGGING.contains(name)) return NoneV.NONE; // logging has no cost
        if (recv instanceof UnknownV u) throw new Unanalysable(u.reason());
        throw new Unanalysable("method " + name + " of " + Interpreter.describe(recv));
    }

    private Value tensorMethod(TensorV t, String name, List<Value> args, Map<String, Value> kw, Frame f) {
        Value a0 = args.isEmpty() ? null : args.get(0);
        switch (name) {
            case "size": return a0 == null ? tensorAttribute(t, "shape") : new IntV(t.shape().get(axis(a0, t.rank())));
            case "dim": return IntV.of(t.rank());
            case "numel": return new IntV(t.numel());
            case "view", "reshape": {
                List<Value> dims = args.size() == 1 && (a0 instanceof TupleV || a0 instanceof ListV) ? in.iterate(a0) : args;
                List<Poly> shape = solveShape(t, dims);
                if (name.equals("reshape") && !t.contiguous()) {
                    basic(f, "reshape (copy)", "copy to a contiguous layout", FlopClass.VECTOR, Poly.ZERO, sourceBytes(t), bytes(t), "reshape of a non-contiguous tensor copies it"
                            + (t.broadcastFrom() == null ? "" : "; a broadcast view: its " + t.broadcastFrom().toFormula() + " distinct elements are read"));
                }
                // view() also works on some non-contiguous tensors (splitting a contiguous last dim): keep the layout flag
                return t.with(shape, name.equals("reshape") || t.contiguous());
            }
            case "transpose", "swapaxes": {
                int a = axis(a0, t.rank()), b = axis(args.get(1), t.rank());
                List<Poly> s = new ArrayList<>(t.shape());
                Poly tmp = s.get(a); s.set(a, s.get(b)); s.set(b, tmp);
                boolean trivial = t.shape().get(a).equals(Poly.ONE) || t.shape().get(b).equals(Poly.ONE);
                return t.with(s, trivial && t.contiguous() && Math.abs(a - b) == 1 ? t.contiguous() : false);
            }
            case "permute": {
                List<Value> dims = args.size() == 1 && (a0 instanceof TupleV || a0 instanceof ListV) ? in.iterate(a0) : args;
                List<Poly> s = new ArrayList<>();
                int last = -1;
                boolean ordered = true;
                for (Value d : dims) {
                    int ax = axis(d, t.rank());
                    s.add(t.shape().get(ax));
                    // size-1 dimensions do not affect the layout: the result stays contiguous if the others keep their order
                    if (t.shape().get(ax).equals(Poly.ONE)) continue;
                    if (ax < last) ordered = false;
                    last = ax;
                }
                return t.with(s, ordered && t.contiguous());
            }
            case "t": return t.with(reversed(t.shape()), false);
            case "contiguous": {
                if (t.contiguous()) return t;
                basic(f, "contiguous()", "copy to a contiguous layout", FlopClass.VECTOR, Poly.ZERO, sourceBytes(t), bytes(t), "the tensor is not contiguous here: a full copy"
                        + (t.broadcastFrom() == null ? "" : "; a broadcast view: its " + t.broadcastFrom().toFormula() + " distinct elements are read"));
                return t.with(t.shape(), true);
            }
            case "roll", "flip", "fliplr", "flipud": {
                // a new tensor, every element moved: reads and writes the whole tensor, no arithmetic
                TensorV out = new TensorV(t.shape(), t.dtype() == DType.WEIGHT ? DType.ACTIVATION : t.dtype(), true);
                basic(f, name, "copy (" + name + ")", FlopClass.VECTOR, Poly.ZERO, sourceBytes(t), bytes(out), name + " copies every element to its new place " + ExprText.shape(t.shape()));
                return out;
            }
            case "unbind": {
                // views: one tensor per index of dim, that dimension removed
                int d = axis(a0 != null ? a0 : kw.getOrDefault("dim", IntV.of(0)), t.rank());
                Poly n = t.shape().get(d);
                if (!n.isConstant()) throw new Unanalysable("unbind of a dimension of symbolic size " + n.toFormula());
                List<Poly> s = new ArrayList<>(t.shape());
                s.remove(d);
                List<Value> parts = new ArrayList<>();
                for (long k = 0; k < n.constantValue().num().longValueExact(); k++) parts.add(new TensorV(s, t.dtype(), false));
                return new TupleV(parts);
            }
            case "split", "chunk": {
                if (a0 == null) a0 = kw.getOrDefault("split_size", kw.getOrDefault("split_size_or_sections", kw.get("chunks")));
                if (a0 == null) throw new Unanalysable(name + "() without sizes");
                int d = axis(args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", IntV.of(0)), t.rank());
                Poly size = t.shape().get(d);
                List<Value> out = new ArrayList<>();
                if (name.equals("chunk")) {
                    long n = dimOf(a0).constantValue().num().longValueExact();
                    for (long i = 0; i < n; i++) out.add(t.with(replace(t.shape(), d, size.divide(Poly.constant(n))), d == 0 && t.contiguous()));
                } else if (a0 instanceof ListV || a0 instanceof TupleV) {
                    for (Value s : in.iterate(a0)) out.add(t.with(replace(t.shape(), d, dimOf(s)), d == 0 && t.contiguous()));
                } else {
                    Poly piece = dimOf(a0);
                    Poly n = size.divide(piece);
                    if (!n.isConstant()) throw new Unanalysable("split into a symbolic number of pieces (" + n.toFormula() + ")");
                    for (long i = 0; i < n.constantValue().num().longValueExact(); i++) out.add(t.with(replace(t.shape(), d, piece), d == 0 && t.contiguous()));
                }
                return new TupleV(out);
            }
            case "unsqueeze": { List<Poly> s = new ArrayList<>(t.shape()); s.add(axis(a0, t.rank() + 1), Poly.ONE); return t.with(s, t.contiguous()); }
            case "squeeze": {
                List<Poly> s = new ArrayList<>(t.shape());
                if (a0 == null) s.removeIf(p -> p.equals(Poly.ONE));
                else { int d = axis(a0, t.rank()); if (s.get(d).equals(Poly.ONE)) s.remove(d); }
                return t.with(s, t.contiguous());
            }
            case "expand": {
                List<Value> dims = args.size() == 1 && (a0 instanceof TupleV || a0 instanceof ListV) ? in.iterate(a0) : args;
                List<Poly> s = new ArrayList<>();
                int off = dims.size() - t.rank();
                for (int i = 0; i < dims.size(); i++) {
                    Poly d = dimOf(dims.get(i));
                    s.add(d.equals(Poly.constant(-1)) ? t.shape().get(i - off) : d);
                }
                TensorV ex = t.with(s, false);
                return ex.numel().equals(t.numel()) ? ex : new TensorV(s, t.dtype(), false, null, t.broadcastFrom() != null ? t.broadcastFrom() : t.numel());
            }
            case "repeat_interleave", "repeat": {
                TensorV out;
                if (name.equals("repeat")) {
                    List<Value> dims = args.size() == 1 && (a0 instanceof TupleV || a0 instanceof ListV) ? in.iterate(a0) : args;
                    List<Poly> s = new ArrayList<>();
                    int off = dims.size() - t.rank();
                    for (int i = 0; i < dims.size(); i++) s.add(i < off ? dimOf(dims.get(i)) : t.shape().get(i - off).multiply(dimOf(dims.get(i))));
                    out = t.with(s, true);
                } else {
                    int d = axis(args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", IntV.of(0)), t.rank());
                    out = t.with(replace(t.shape(), d, t.shape().get(d).multiply(dimOf(a0))), true);
                }
                basic(f, name, "copy (" + name + ")", FlopClass.VECTOR, Poly.ZERO, bytes(t), bytes(out), "materialises " + ExprText.shape(out.shape()));
                return out;
            }
            case "to", "type", "float", "half", "bfloat16", "double", "long", "int", "bool", "type_as": {
                DType target = switch (name) {
                    case "float", "double" -> DType.FLOAT32; case "half", "bfloat16" -> DType.ACTIVATION; case "long" -> DType.INT64;
                    case "int" -> DType.INT32; case "bool" -> DType.BOOL;
                    case "type_as" -> a0 instanceof TensorV o ? o.dtype() : t.dtype();
                    default -> a0 instanceof DTypeV d ? d.dtype() : kw.get("dtype") instanceof DTypeV d ? d.dtype() : t.dtype();
                };
                // weights, activations and the KV cache share the model's dtype: converting among them moves nothing
                boolean modelTypes = isModelType(target) && isModelType(t.dtype());
                if (target == t.dtype() || modelTypes) return t;
                TensorV out = new TensorV(t.shape(), target, true, null, null, t.fill());
                // float32 <-> the activations' (or cache's) dtype: no copy when the model already runs in float32 (a_bytes = 4).
                // A cast of weights (Gemma's self.weight.float()) is always counted: it is where the weights are read
                DType model = isModelType(target) ? target : isModelType(t.dtype()) ? t.dtype() : null;
                boolean float32 = target == DType.FLOAT32 || t.dtype() == DType.FLOAT32;
                Poly w = model != null && model != DType.WEIGHT && float32 ? Poly.positive(Poly.constant(4).subtract(model.size())) : Poly.ONE;
                basic(f, "cast to " + target.name().toLowerCase(), "dtype cast (copy)", FlopClass.VECTOR, Poly.ZERO, w.multiply(bytes(t)), w.multiply(bytes(out)),
                        "a cast reads and writes every element" + (w.equals(Poly.ONE) ? "" : "; none when " + model.bytes + " = 4 (the model already runs in float32: torch returns the same tensor)"));
                return out;
            }
            case "scatter", "scatter_": {
                // self[index[i][j]] = src[i][j] along dim: writes one element per index (scatter copies self first)
                Value ia = args.size() > 1 ? args.get(1) : kw.get("index");
                TensorV idx = tensor(ia, name);
                Value src = args.size() > 2 ? args.get(2) : kw.getOrDefault("src", kw.get("value"));
                Poly written = idx.numel().multiply(t.dtype().size());
                Poly read = idx.numel().multiply(Poly.constant(8)).add(src instanceof TensorV ? written : Poly.ZERO);
                boolean copy = name.equals("scatter");
                basic(f, name, copy ? "index (copy)" : "index (in place)", FlopClass.VECTOR, Poly.ZERO, copy ? read.add(bytes(t)) : read,
                        copy ? written.add(bytes(t)) : written, "writes " + ExprText.shape(idx.shape()) + " elements at the int64 indices" + (copy ? " into a copy of the input" : ""));
                return t.withShape(t.shape());
            }
            case "index_select": {
                // rows (along dim) picked by an int64 index: reads them and the indices, writes them
                int d = axis(a0 != null ? a0 : kw.get("dim"), t.rank());
                TensorV idx = tensor(args.size() > 1 ? args.get(1) : kw.get("index"), name);
                List<Poly> s = new ArrayList<>(t.shape());
                s.set(d, idx.numel());
                TensorV out = new TensorV(s, t.dtype() == DType.WEIGHT ? DType.ACTIVATION : t.dtype(), true);
                basic(f, name, "index (copy)", FlopClass.VECTOR, Poly.ZERO, bytes(out).add(idx.numel().multiply(Poly.constant(8))), bytes(out),
                        "copies the " + ExprText.shape(s) + " elements the indices select");
                return out;
            }
            case "masked_fill", "masked_fill_": {
                TensorV m = tensor(a0, "masked_fill");
                basic(f, name, "select", FlopClass.VECTOR, t.numel(), bytes(t).add(bytes(m)), bytes(t), "1 FLOP per element; reads the mask and the input");
                return t.withShape(t.shape());
            }
            case "softmax": return softmax(t, f);
            case "mean", "sum", "amax", "max", "min", "var", "norm": {
                List<Poly> s = new ArrayList<>(t.shape());
                boolean keep = Boolean.TRUE.equals(in.truth(kw.getOrDefault("keepdim", args.size() > 1 ? args.get(1) : new BoolV(false))));
                Value dimArg = a0 != null ? a0 : kw.get("dim");
                if (dimArg == null) s.clear();
                else {
                    List<Integer> dims = new ArrayList<>();
                    for (Value dv : dimArg instanceof TupleV || dimArg instanceof ListV ? in.iterate(dimArg) : List.of(dimArg)) dims.add(axis(dv, t.rank()));
                    dims.sort(java.util.Comparator.reverseOrder());
                    for (int d : dims) { if (keep) s.set(d, Poly.ONE); else s.remove(d); }
                }
                Poly nz = null;
                if (name.equals("sum") && t.nonzeros() != null) {
                    // counts of a routing mask per expert: positive for the experts that receive tokens
                    balanced(f);
                    nz = prod(s).equals(Poly.ONE) ? Poly.ONE : Poly.symbol(EXPERTS_HIT);
                }
                TensorV out = new TensorV(s, t.dtype() == DType.WEIGHT ? DType.ACTIVATION : t.dtype(), true, null, null, null, nz, nz == null ? null : t.indexBound());
                basic(f, name, "reduction", FlopClass.VECTOR, t.numel(), bytes(t), bytes(out), "1 FLOP per input element; reads the input, writes " + ExprText.shape(s));
                return out;
            }
            case "pow", "rsqrt", "sqrt", "exp", "tanh", "sigmoid", "neg", "abs", "sin", "cos", "reciprocal", "log":
                return elementwise(f, name, t, 1, null);
            case "clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_max": {
                // one compare per bound given (min, max), as ReLU's max(x, 0) is 1
                int bounds = name.startsWith("clamp_m") ? 1 : 0;
                if (bounds == 0) {
                    Value lo = a0 != null ? a0 : kw.get("min"), hi = args.size() > 1 ? args.get(1) : kw.get("max");
                    bounds = (lo != null && !(lo instanceof NoneV) ? 1 : 0) + (hi != null && !(hi instanceof NoneV) ? 1 : 0);
                }
                Value out = elementwise(f, name, t, Math.max(1, bounds), null);
                return name.endsWith("_") && !name.startsWith("clamp_m") ? t : out;
            }
            case "add", "mul", "sub", "div", "add_", "mul_", "div_", "sub_":
                return tensorBinary(t, switch (name.replace("_", "")) { case "add" -> "+"; case "mul" -> "*"; case "sub" -> "-"; default -> "/"; }, a0, f, name.endsWith("_"));
            case "bitwise_or", "bitwise_or_", "logical_or", "bitwise_and", "bitwise_and_", "logical_and", "__or__", "__and__":
                return tensorBinary(t, name.contains("or") ? "|" : "&", a0, f, name.endsWith("_") && !name.startsWith("__"));
            case "logical_not", "bitwise_not": return tensorUnary("~", t, f);
            case "matmul": return matmul(t, a0, f, "matmul");
            case "copy_": {
                TensorV s = tensor(a0, "copy_");
                basic(f, "copy_", "copy (in place)", FlopClass.VECTOR, Poly.ZERO, bytes(s), bytes(t), "copies into an existing tensor");
                return t;
            }
            case "index_copy_", "index_copy": {
                TensorV s = tensor(args.get(2), name);
                basic(f, name, "indexed copy (in place)", FlopClass.VECTOR, Poly.ZERO, bytes(s).add(tensor(args.get(1), name).numel().multiply(Poly.constant(8))),
                        s.numel().multiply(t.dtype().size()), "writes the new rows into the pre-allocated tensor; reads them and their int64 indices");
                return t;
            }
            case "fill_", "zero_": {
                basic(f, name, "fill", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, bytes(t), "writes every element");
                return t;
            }
            case "clone": {
                basic(f, "clone", "copy", FlopClass.VECTOR, Poly.ZERO, bytes(t), bytes(t), "a full copy");
                return t.with(t.shape(), true);
            }
            case "detach", "requires_grad_", "cpu", "cuda": return t;
            case "new_zeros", "new_ones", "new_full", "new_empty": {
                // a size tuple, or the sizes as separate arguments (new_empty(*x.shape[:-1], d)); new_full's second is the fill
                List<Value> given = a0 == null && kw.get("size") != null ? List.of(kw.get("size")) : name.equals("new_full") ? args.subList(0, 1) : args;
                TensorV out = new TensorV(sizes(given), t.dtype(), true);
                basic(f, name, "tensor creation", FlopClass.VECTOR, Poly.ZERO, Poly.ZERO, name.equals("new_empty") ? Poly.ZERO : bytes(out), "writes every element");
                return out;
            }
            case "flatten": {
                int start = a0 == null ? 0 : axis(a0, t.rank());
                List<Poly> s = new ArrayList<>(t.shape().subList(0, start));
                s.add(prod(t.shape().subList(start, t.rank())));
                return t.with(s, t.contiguous());
            }
            case "cumsum": return elementwise(f, "cumsum", t, 1, null);
            case "all", "any":
                if (t.fill() != null && a0 == null && kw.isEmpty()) return new BoolV(t.fill() != 0); // every element is known
                return new UnknownV("`." + name + "()` reads tensor data: its value is not known statically");
            case "nonzero": {
                if (t.nonzeros() == null) return new UnknownV("`.nonzero()` reads tensor data: its size is not known statically");
                TensorV rows = nonzero(t, f);
                if (!Boolean.TRUE.equals(in.truth(kw.getOrDefault("as_tuple", new BoolV(false))))) return rows;
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < t.rank(); i++) out.add(new TensorV(List.of(t.nonzeros()), DType.INT64, true, null, null, null, null, t.shape().get(i)));
                return new TupleV(out);
            }
            case "tolist":
                // the indices nonzero() found, as Python ints: one symbolic index stands for all of them
                if (t.rank() == 1 && t.indexBound() != null) return new RepeatedV(new IntV(Poly.symbol("index")), t.shape().get(0));
                return new UnknownV("`.tolist()` reads tensor data: its value is not known statically");
            case "topk": {
                Poly k = dimOf(a0 != null ? a0 : kw.get("k"));
                int d = axis(args.size() > 1 ? args.get(1) : kw.getOrDefault("dim", IntV.of(-1)), t.rank());
                List<Poly> s = replace(t.shape(), d, k);
                // the indices point into dimension d: below its size (the experts a router picks)
                TensorV values = new TensorV(s, t.dtype() == DType.WEIGHT ? DType.ACTIVATION : t.dtype(), true),
                        indices = new TensorV(s, DType.INT64, true, null, null, null, null, t.shape().get(d));
                basic(f, "topk", "top-k selection", FlopClass.VECTOR, t.numel(), bytes(t), bytes(values).add(bytes(indices)),
                        "1 comparison per input element; writes the k largest values and their int64 indices");
                return new TupleV(List.of(values, indices));
            }
            case "sort", "argsort": {
                int d = axis(a0 != null ? a0 : kw.getOrDefault("dim", IntV.of(-1)), t.rank());
                TensorV values = new TensorV(t.shape(), t.dtype() == DType.WEIGHT ? DType.ACTIVATION : t.dtype(), true),
                        indices = new TensorV(t.shape(), DType.INT64, true, null, null, null, null, t.shape().get(d));
                boolean both = name.equals("sort");
                basic(f, name, "sort", FlopClass.VECTOR, t.numel(), bytes(t), both ? bytes(values).add(bytes(indices)) : bytes(indices),
                        "1 comparison per element, as for topk (docs/conventions.md); writes the " + (both ? "sorted values and their " : "") + "int64 indices");
                return both ? new TupleV(List.of(values, indices)) : indices;
            }
            case "histc": {
                Poly bins = dimOf(a0 != null ? a0 : kw.getOrDefault("bins", IntV.of(100)));
                TensorV out = new TensorV(List.of(bins), t.dtype(), true);
                basic(f, "histc", "histogram", FlopClass.VECTOR, t.numel(), bytes(t), bytes(out), "1 bin update per element; writes " + bins.toFormula() + " counts");
                return out;
            }
            case "index_add_", "index_add": {
                TensorV src = tensor(args.get(2), name), idx = tensor(args.get(1), name);
                Poly rows = src.numel().multiply(t.dtype().size());
                basic(f, name, "indexed add (in place)", FlopClass.VECTOR, src.numel(), bytes(src).add(idx.numel().multiply(Poly.constant(8))).add(rows), rows,
                        "adds " + ExprText.shape(src.shape()) + " into the rows the int64 indices select: reads them and the rows it updates, writes those rows");
                return t;
            }
            case "item", "argmax":
                return new UnknownV("`." + name + "()` reads tensor data: its value is not known statically");
            case "get_seq_length": return new UnknownV("get_seq_length of a tensor");
            default:
                if (!crossing) {
                    crossing = true;
                    try {
                        List<Value> all = new ArrayList<>();
                        all.add(t);
                        all.addAll(args);
                        return callExternal("torch." + name, all, kw, f);
                    } catch (NotModelled e) {
                        // neither form
                    } finally {
                        crossing = false;
                    }
                }
                throw new NotModelled("Tensor." + name + "() is not modelled");
        }
    }

    /** While one form of an op (torch.f or Tensor.f) tries the other: the other does not try back. */
    private boolean crossing;

    /** An op with neither a function nor a method form here. */
    static final class NotModelled extends Unanalysable {
        NotModelled(String message) { super(message); }
    }

    private static boolean isModelType(DType d) { return d == DType.ACTIVATION || d == DType.WEIGHT || d == DType.WEIGHT_COPY || d == DType.KV; }

    private static List<Poly> replace(List<Poly> s, int d, Poly v) { List<Poly> r = new ArrayList<>(s); r.set(d, v); return r; }

    /** view/reshape target shape with one -1 solved from the element count. */
    private static List<Poly> solveShape(TensorV t, List<Value> dims) {
        List<Poly> out = new ArrayList<>();
        int unknown = -1;
        Poly known = Poly.ONE;
        for (int i = 0; i < dims.size(); i++) {
            Poly d = dimOf(dims.get(i));
            if (d.equals(Poly.constant(-1))) { unknown = i; out.add(null); }
            else { out.add(d); known = known.multiply(d); }
        }
        if (unknown >= 0) {
            Poly solved = t.numel().divide(known);
            if (solved.terms().values().stream().anyMatch(c -> !c.isInteger()) && !solved.isConstant()) {
                // fine: a ratio of sizes that divide by construction
            }
            out.set(unknown, solved);
        }
        return out;
    }

}
