package io.flopscope.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a reference-free {@link Expr} into a canonical {@link Poly}, looking names up in a scope.
 * Names the scope does not know raise {@link SymbolicException} with the offending node.
 */
public final class SymbolicEvaluator {
    private final Function<String, Poly> scope;
    private final boolean causal;

    /** @param scope returns the value of a name, or null when it is unbound
     *  @param causal whether attn_pairs counts only the unmasked (causal) query-key pairs */
    public SymbolicEvaluator(Function<String, Poly> scope, boolean causal) {
        this.scope = scope;
        this.causal = causal;
    }

    public Poly eval(Expr e) throws SymbolicException {
        if (e instanceof Expr.Num n) return Poly.constant(n.value());
        if (e instanceof Expr.Var v) {
            Poly p = scope.apply(v.name());
            if (p == null) throw new SymbolicException("unbound variable '" + v.name() + "'", e);
            return p;
        }
        if (e instanceof Expr.Neg n) return eval(n.operand()).negate();
        if (e instanceof Expr.Ref r) throw new SymbolicException("module reference ${" + r.className() + "} is not allowed here", e);
        if (e instanceof Expr.Binary b) return binary(b);
        return call((Expr.Call) e);
    }

    private Poly binary(Expr.Binary b) throws SymbolicException {
        if (b.op() == Expr.Op.ADD || b.op() == Expr.Op.SUB) {
            // a long sum is a left-deep chain: walked in a loop, not one stack frame per term
            java.util.ArrayDeque<Expr.Binary> chain = new java.util.ArrayDeque<>();
            Expr cur = b;
            while (cur instanceof Expr.Binary x && (x.op() == Expr.Op.ADD || x.op() == Expr.Op.SUB)) { chain.push(x); cur = x.left(); }
            Poly acc = eval(cur);
            while (!chain.isEmpty()) {
                Expr.Binary x = chain.pop();
                Poly r = eval(x.right());
                acc = x.op() == Expr.Op.ADD ? acc.add(r) : acc.subtract(r);
            }
            return acc;
        }
        Poly l = eval(b.left());
        Poly r = eval(b.right());
        return switch (b.op()) {
            case ADD -> l.add(r);
            case SUB -> l.subtract(r);
            case MUL -> l.multiply(r);
            case DIV -> divide(l, r, b);
            case FLOORDIV -> Poly.floor(divide(l, r, b));
            case MOD -> l.subtract(r.multiply(Poly.floor(divide(l, r, b))));
            case POW -> {
                if (!r.isConstant() || !r.constantValue().isInteger()) {
                    throw new SymbolicException("exponent must be an integer constant, got " + r.toFormula(), b.right());
                }
                int e = r.constantValue().num().intValueExact();
                if (Math.abs(e) > 64) throw new SymbolicException("exponent " + e + " is out of range", b.right());
                if (e < 0 && l.isZero()) throw new SymbolicException("zero to a negative power", b);
                yield l.pow(e);
            }
        };
    }

    private static Poly divide(Poly l, Poly r, Expr at) throws SymbolicException {
        if (r.isZero()) throw new SymbolicException("division by zero", at);
        return l.divide(r);
    }

    private Poly call(Expr.Call c) throws SymbolicException {
        List<Poly> args = new ArrayList<>();
        for (Expr a : c.args()) args.add(eval(a));
        int n = args.size();
        return switch (c.function()) {
            case "min", "max" -> {
                if (n < 1) throw new SymbolicException(c.function() + "() needs at least one argument", c);
                yield Poly.minMax(c.function(), args);
            }
            case "ceil" -> { arity(c, 1); yield Poly.ceil(args.get(0)); }
            case "positive" -> { arity(c, 1); yield Poly.positive(args.get(0)); }
            case "floor" -> { arity(c, 1); yield Poly.floor(args.get(0)); }
            case "ceil_div" -> { arity(c, 2); yield Poly.ceil(divide(args.get(0), args.get(1), c)); }
            case "attn_pairs" -> {
                // attn_pairs(q_len, kv_len): query-key products one attention head computes.
                arity(c, 2);
                Poly q = args.get(0), kv = args.get(1);
                if (!causal) yield q.multiply(kv);
                // queries sit at the last q_len positions of kv_len: query i sees kv_len - q_len + i + 1 keys
                Poly past = kv.subtract(q);
                yield q.multiply(past).add(q.multiply(q.add(Poly.ONE)).scale(Rational.of(1, 2)));
            }
            default -> throw new SymbolicException("unknown function '" + c.function() + "'", c);
        };
    }

    private static void arity(Expr.Call c, int n) throws SymbolicException {
        if (c.args().size() != n) {
            throw new SymbolicException(c.function() + "() takes " + n + " argument" + (n == 1 ? "" : "s") + ", got " + c.args().size(), c);
        }
    }

    /** A formula that has no polynomial meaning in its scope. */
    public static final class SymbolicException extends Exception {
        private final transient Expr at;
        public SymbolicException(String message, Expr at) { super(message); this.at = at; }
        public Expr at() { return at; }
    }
}
