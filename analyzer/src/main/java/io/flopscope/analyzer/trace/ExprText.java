package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.formula.Poly;
import java.util.List;
import java.util.stream.Collectors;

/** Short source-like text of an expression, for messages and branch reasons. */
public final class ExprText {
    private ExprText() {}

    public static String of(PyExpr e) {
        if (e == null) return "";
        if (e instanceof PyExpr.Name n) return n.id();
        if (e instanceof PyExpr.Attribute a) return of(a.value()) + "." + a.attr();
        if (e instanceof PyExpr.Constant c) return c.value() instanceof String s ? "\"" + s + "\"" : String.valueOf(c.value());
        if (e instanceof PyExpr.Call c) {
            String args = c.args().stream().map(ExprText::of).collect(Collectors.joining(", "));
            String kws = c.keywords().stream().map(k -> (k.name() == null ? "**" : k.name() + "=") + of(k.value())).collect(Collectors.joining(", "));
            return of(c.func()) + "(" + args + (!args.isEmpty() && !kws.isEmpty() ? ", " : "") + kws + ")";
        }
        if (e instanceof PyExpr.BinOp b) {
            int p = precedence(e);
            // left-associative: a right operand of equal precedence keeps its parentheses too ((a - (b - c)))
            return operand(b.left(), p, false) + " " + b.op() + " " + operand(b.right(), p, true);
        }
        if (e instanceof PyExpr.UnaryOp u) return u.op() + (u.op().equals("not") ? " " : "") + operand(u.operand(), precedence(e), false);
        if (e instanceof PyExpr.BoolOp b) return b.values().stream().map(x -> operand(x, precedence(e), true)).collect(Collectors.joining(" " + b.op() + " "));
        if (e instanceof PyExpr.Compare c) {
            StringBuilder sb = new StringBuilder(operand(c.left(), precedence(e), true));
            for (int i = 0; i < c.ops().size(); i++) sb.append(' ').append(c.ops().get(i)).append(' ').append(operand(c.comparators().get(i), precedence(e), true));
            return sb.toString();
        }
        if (e instanceof PyExpr.Subscript s) return of(s.value()) + "[" + of(s.index()) + "]";
        if (e instanceof PyExpr.Slice s) return of(s.lower()) + ":" + of(s.upper()) + (s.step() == null ? "" : ":" + of(s.step()));
        if (e instanceof PyExpr.TupleExpr t) return t.elts().stream().map(ExprText::of).collect(Collectors.joining(", "));
        if (e instanceof PyExpr.ListExpr l) return "[" + l.elts().stream().map(ExprText::of).collect(Collectors.joining(", ")) + "]";
        if (e instanceof PyExpr.IfExp i) return of(i.body()) + " if " + of(i.test()) + " else " + of(i.orelse());
        if (e instanceof PyExpr.Ellipsis) return "...";
        if (e instanceof PyExpr.Starred s) return "*" + of(s.value());
        if (e instanceof PyExpr.Unsupported u) return u.text();
        if (e instanceof PyExpr.FString f) return f.text();
        return e.getClass().getSimpleName();
    }

    /** An operand in parentheses where Python would need them to mean the same. */
    private static String operand(PyExpr x, int parent, boolean strict) {
        int p = precedence(x);
        return p < parent || (strict && p == parent && p < 100) ? "(" + of(x) + ")" : of(x);
    }

    /** Python's binding strength, higher binds tighter; 100 for atoms. */
    private static int precedence(PyExpr e) {
        if (e instanceof PyExpr.IfExp) return 1;
        if (e instanceof PyExpr.BoolOp b) return b.op().equals("or") ? 2 : 3;
        if (e instanceof PyExpr.UnaryOp u && u.op().equals("not")) return 4;
        if (e instanceof PyExpr.Compare) return 5;
        if (e instanceof PyExpr.BinOp b) {
            switch (b.op()) {
                case "|": return 6;
                case "^": return 7;
                case "&": return 8;
                case "<<", ">>": return 9;
                case "+", "-": return 10;
                case "**": return 13;
                default: return 11; // * / // % @
            }
        }
        if (e instanceof PyExpr.UnaryOp) return 12;
        return 100;
    }

    static String shape(List<Poly> shape) {
        return "[" + shape.stream().map(Poly::toFormula).collect(Collectors.joining(", ")) + "]";
    }
}
