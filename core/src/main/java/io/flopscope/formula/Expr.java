package io.flopscope.formula;

import java.util.List;

/** The syntax tree of a cost formula, as written in an analysis document. */
public sealed interface Expr {
    /** Column range (0-based, end exclusive) in the formula text; -1 when synthesised. */
    int start();

    record Num(Rational value, int start) implements Expr {}

    /** An identifier, possibly dotted (config.n_embd). */
    record Var(String name, int start) implements Expr {}

    record Neg(Expr operand, int start) implements Expr {}

    record Binary(Op op, Expr left, Expr right, int start) implements Expr {}

    /** A built-in function: min, max, ceil, floor, ceil_div, attn_pairs. */
    record Call(String function, List<Expr> args, int start) implements Expr {}

    /** A reference to another module's analysis: ${fully.qualified.Class}(args). */
    record Ref(String className, List<Arg> args, int start, int end) implements Expr {}

    /** One argument of a reference: name is null for a positional argument. */
    record Arg(String name, Expr value) {}

    enum Op {
        ADD("+", 1), SUB("-", 1), MUL("*", 2), DIV("/", 2), FLOORDIV("//", 2), MOD("%", 2), POW("**", 4);
        public final String symbol;
        public final int precedence;
        Op(String symbol, int precedence) { this.symbol = symbol; this.precedence = precedence; }
    }

    static Num num(long v) { return new Num(Rational.of(v), -1); }
    static Var var(String n) { return new Var(n, -1); }
}
