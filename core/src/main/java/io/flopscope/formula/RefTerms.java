package io.flopscope.formula;

import java.util.ArrayList;
import java.util.List;

/**
 * A formula split into module references, each with its multiplier, and the residual basic cost:
 * {@code num_layers * ${Block}(...) + b*s*h} → [(num_layers, ${Block}(...))] + b*s*h.
 * A cost formula must be linear in its references; anything else is reported.
 */
public record RefTerms(List<Term> refs, Expr residual) {
    public record Term(Expr multiplier, Expr.Ref ref) {}

    public static boolean containsRef(Expr e) {
        if (e instanceof Expr.Ref) return true;
        if (e instanceof Expr.Neg n) return containsRef(n.operand());
        if (e instanceof Expr.Binary b) return containsRef(b.left()) || containsRef(b.right());
        if (e instanceof Expr.Call c) return c.args().stream().anyMatch(RefTerms::containsRef);
        return false;
    }

    public static RefTerms split(Expr e) throws SymbolicEvaluator.SymbolicException {
        if (e instanceof Expr.Ref r) return new RefTerms(List.of(new Term(Expr.num(1), r)), Expr.num(0));
        if (e instanceof Expr.Call c) {
            if (containsRef(c)) throw new SymbolicEvaluator.SymbolicException("a module reference cannot be an argument of " + c.function() + "()", c);
            return new RefTerms(List.of(), e);
        }
        if (e instanceof Expr.Neg n) return split(n.operand()).scaled(m -> new Expr.Neg(m, -1), r -> new Expr.Neg(r, -1));
        if (!(e instanceof Expr.Binary b)) return new RefTerms(List.of(), e);
        return switch (b.op()) {
                case ADD, SUB -> {
                    RefTerms l = split(b.left());
                    RefTerms r = split(b.right());
                    if (b.op() == Expr.Op.SUB) r = r.scaled(m -> new Expr.Neg(m, -1), x -> new Expr.Neg(x, -1));
                    List<Term> all = new ArrayList<>(l.refs);
                    all.addAll(r.refs);
                    yield new RefTerms(all, new Expr.Binary(Expr.Op.ADD, l.residual, r.residual, -1));
                }
                case MUL -> {
                    boolean lr = containsRef(b.left()), rr = containsRef(b.right());
                    if (lr && rr) throw new SymbolicEvaluator.SymbolicException("a product of two module references has no meaning", b);
                    if (!lr && !rr) yield new RefTerms(List.of(), e);
                    Expr factor = lr ? b.right() : b.left();
                    RefTerms inner = split(lr ? b.left() : b.right());
                    yield inner.scaled(m -> new Expr.Binary(Expr.Op.MUL, factor, m, -1), x -> new Expr.Binary(Expr.Op.MUL, factor, x, -1));
                }
                case DIV -> {
                    if (containsRef(b.right())) throw new SymbolicEvaluator.SymbolicException("cannot divide by a module reference", b);
                    if (!containsRef(b.left())) yield new RefTerms(List.of(), e);
                    Expr d = b.right();
                    yield split(b.left()).scaled(m -> new Expr.Binary(Expr.Op.DIV, m, d, -1), x -> new Expr.Binary(Expr.Op.DIV, x, d, -1));
                }
                default -> {
                    if (containsRef(e)) throw new SymbolicEvaluator.SymbolicException("operator '" + b.op().symbol + "' cannot apply to a module reference", b);
                    yield new RefTerms(List.of(), e);
                }
        };
    }

    private RefTerms scaled(java.util.function.UnaryOperator<Expr> onMultiplier, java.util.function.UnaryOperator<Expr> onResidual) {
        List<Term> t = refs.stream().map(x -> new Term(onMultiplier.apply(x.multiplier()), x.ref())).toList();
        return new RefTerms(t, onResidual.apply(residual));
    }
}
