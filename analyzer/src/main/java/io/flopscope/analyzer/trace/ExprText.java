package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.formula.Poly;
import java.util.List;
import java.util.stream.Collectors;

/** Short source-like text of an expression, for messages and branch reasons. */
final class ExprText {
    private ExprText() {}

    static String of(PyExpr e) {
        if (e == null) return "";
        if (e instanceof PyExpr.Name n) return n.id();
        if (e instanceof PyExpr.Attribute a) return of(a.value()) + "." + a.attr();
        if (e instanceof PyExpr.Constant c) return c.value() instanceof String s ? "\"" + s + "\"" : String.valueOf(c.value());
        if (e instanceof PyExpr.Call c) {
            String args = c.args().stream().map(ExprText::of).collect(Collectors.joining(", "));
            String kws = c.keywords().stream().map(k -> (k.name() == null ? "**" : k.name() + "=") + of(k.value())).collect(Collectors.joining(", "));
            return of(c.func()) + "(" + args + (!args.isEmpty() && !kws.isEmpty() ? ", " : "") + kws + ")";
        }
        if (e instanceof PyExpr.BinOp b) return of(b.left()) + " " + b.op() + " " + of(b.right());
        if (e instanceof PyExpr.UnaryOp u) return u.op() + (u.op().equals("not") ? " " : "") + of(u.operand());
        if (e instanceof PyExpr.BoolOp b) return b.values().stream().map(ExprText::of).collect(Collectors.joining(" " + b.op() + " "));
        if (e instanceof PyExpr.Compare c) {
            StringBuilder sb = new StringBuilder(of(c.left()));
            for (int i = 0; i < c.ops().size(); i++) sb.append(' ').append(c.ops().get(i)).append(' ').append(of(c.comparators().get(i)));
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

    static String shape(List<Poly> shape) {
        return "[" + shape.stream().map(Poly::toFormula).collect(Collectors.joining(", ")) + "]";
    }
}
