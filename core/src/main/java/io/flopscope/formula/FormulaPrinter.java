package io.flopscope.formula;

import java.util.stream.Collectors;

/** Prints an {@link Expr} so that {@link FormulaParser} reads back the same tree (minimal parentheses). */
public final class FormulaPrinter {
    private FormulaPrinter() {}

    public static String print(Expr e) { return print(e, 0); }

    private static String print(Expr e, int outer) {
        if (e instanceof Expr.Num n) {
            // print negative and fractional constants exactly as their parse (a negation, a division) prints
            Rational v = n.value();
            if (v.signum() < 0) return print(new Expr.Neg(new Expr.Num(v.negate(), -1), -1), outer);
            if (!v.isInteger()) {
                return print(new Expr.Binary(Expr.Op.DIV, new Expr.Num(Rational.of(v.num()), -1), new Expr.Num(Rational.of(v.den()), -1), -1), outer);
            }
            return v.toString();
        }
        if (e instanceof Expr.Var v) return v.name();
        if (e instanceof Expr.Neg n) return wrap("-" + print(n.operand(), 3), outer > 3);
        if (e instanceof Expr.Call c) {
            return c.function() + "(" + c.args().stream().map(FormulaPrinter::print).collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof Expr.Ref r) {
            return "${" + r.className() + "}(" + r.args().stream()
                    .map(a -> (a.name() == null ? "" : a.name() + "=") + print(a.value()))
                    .collect(Collectors.joining(", ")) + ")";
        }
        Expr.Binary b = (Expr.Binary) e;
        int p = b.op().precedence;
        String s;
        if (b.op() == Expr.Op.POW) {
            // right-associative: the base needs parens at equal precedence, the exponent binds as a unary
            s = print(b.left(), p + 1) + " ** " + print(b.right(), 3);
        } else {
            s = print(b.left(), p) + " " + b.op().symbol + " " + print(b.right(), p + 1);
        }
        return wrap(s, outer > p);
    }

    private static String wrap(String s, boolean paren) { return paren ? "(" + s + ")" : s; }
}
