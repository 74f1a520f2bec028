package io.flopscope.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the formula language of analysis documents.
 *
 * <pre>
 * expr    := term (('+'|'-') term)*
 * term    := unary (('*'|'/'|'//'|'%') unary)*
 * unary   := '-' unary | '+' unary | power
 * power   := atom ('**' unary)?
 * atom    := number | name | '{' name '}' | name '(' exprs ')' | '${' class '}' '(' args ')' | '(' expr ')'
 * </pre>
 * '×' and '·' are read as '*'. True/False/None read as 1/0/0 (Python's meaning in arguments).
 */
public final class FormulaParser {
    public static final Set<String> FUNCTIONS = Set.of("min", "max", "ceil", "floor", "ceil_div", "attn_pairs", "positive");

    /** Deeper nesting or longer chains are refused: the tree is walked recursively, and no real formula comes near. */
    static final int MAX_DEPTH = 200, MAX_TERMS = 1_000;

    private final String src;
    private int pos;
    private int depth;
    private int terms;

    private FormulaParser(String src) { this.src = src; }

    public static Expr parse(String text) throws FormulaSyntaxError {
        FormulaParser p = new FormulaParser(text);
        p.skipWs();
        if (p.pos >= text.length()) throw new FormulaSyntaxError(0, "expected a formula, found nothing");
        Expr e = p.expr();
        p.skipWs();
        if (p.pos < text.length()) {
            throw new FormulaSyntaxError(p.pos, "expected an operator or the end of the formula, found '" + text.charAt(p.pos) + "'");
        }
        return e;
    }

    private Expr expr() throws FormulaSyntaxError {
        Expr left = term();
        while (true) {
            skipWs();
            int at = pos;
            if (eat("+")) left = new Expr.Binary(Expr.Op.ADD, left, term(), at);
            else if (peekMinus()) { pos++; left = new Expr.Binary(Expr.Op.SUB, left, term(), at); }
            else return left;
        }
    }

    private boolean peekMinus() { return pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '−'); }

    private Expr term() throws FormulaSyntaxError {
        Expr left = unary();
        while (true) {
            skipWs();
            int at = pos;
            Expr.Op op;
            if (src.startsWith("**", pos)) return left; // handled in power
            if (eat("//")) op = Expr.Op.FLOORDIV;
            else if (eat("*") || eat("×") || eat("·")) op = Expr.Op.MUL;
            else if (eat("/")) op = Expr.Op.DIV;
            else if (eat("%")) op = Expr.Op.MOD;
            else return left;
            left = new Expr.Binary(op, left, unary(), at);
        }
    }

    private Expr unary() throws FormulaSyntaxError {
        skipWs();
        int at = pos;
        if (++terms > MAX_TERMS) throw new FormulaSyntaxError(at, "the formula has more than " + MAX_TERMS + " terms");
        if (++depth > MAX_DEPTH) throw new FormulaSyntaxError(at, "the formula nests deeper than " + MAX_DEPTH + " levels");
        try {
            return unaryAt(at);
        } finally {
            depth--;
        }
    }

    private Expr unaryAt(int at) throws FormulaSyntaxError {
        if (peekMinus()) { pos++; return new Expr.Neg(unary(), at); }
        if (eat("+")) return unary();
        return power();
    }

    private Expr power() throws FormulaSyntaxError {
        Expr base = atom();
        skipWs();
        int at = pos;
        if (eat("**")) return new Expr.Binary(Expr.Op.POW, base, unary(), at);
        return base;
    }

    private Expr atom() throws FormulaSyntaxError {
        skipWs();
        int at = pos;
        if (pos >= src.length()) throw new FormulaSyntaxError(pos, "expected a number, a name, '(' or '${', found the end of the formula");
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            Expr e = expr();
            expect(")");
            return e;
        }
        if (src.startsWith("${", pos)) return ref();
        if (c == '{') {
            pos++;
            skipWs();
            String name = name();
            skipWs();
            expect("}");
            return new Expr.Var(name, at);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) return number();
        if (Character.isLetter(c) || c == '_') {
            String name = name();
            skipWs();
            if (pos < src.length() && src.charAt(pos) == '(' && !name.contains(".")) {
                if (!FUNCTIONS.contains(name)) {
                    throw new FormulaSyntaxError(at, "unknown function '" + name + "' (expected one of " + String.join(", ", FUNCTIONS.stream().sorted().toList()) + ")");
                }
                pos++;
                List<Expr> args = new ArrayList<>();
                skipWs();
                if (!eat(")")) {
                    do { args.add(expr()); skipWs(); } while (eat(","));
                    expect(")");
                }
                return new Expr.Call(name, List.copyOf(args), at);
            }
            return switch (name) {
                case "True" -> new Expr.Num(Rational.ONE, at);
                case "False", "None" -> new Expr.Num(Rational.ZERO, at);
                default -> new Expr.Var(name, at);
            };
        }
        throw new FormulaSyntaxError(pos, "expected a number, a name, '(' or '${', found '" + c + "'");
    }

    private Expr ref() throws FormulaSyntaxError {
        int at = pos;
        pos += 2;
        skipWs();
        String cls = name();
        skipWs();
        expect("}");
        skipWs();
        List<Expr.Arg> args = new ArrayList<>();
        if (pos < src.length() && src.charAt(pos) == '(') {
            pos++;
            skipWs();
            if (!eat(")")) {
                do {
                    skipWs();
                    String argName = null;
                    int save = pos;
                    if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
                        String n = name();
                        skipWs();
                        if (pos < src.length() && src.charAt(pos) == '=' && !src.startsWith("==", pos)) { pos++; argName = n; }
                        else pos = save;
                    }
                    args.add(new Expr.Arg(argName, expr()));
                    skipWs();
                } while (eat(","));
                expect(")");
            }
        }
        return new Expr.Ref(cls, List.copyOf(args), at, pos);
    }

    private Expr number() throws FormulaSyntaxError {
        int at = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.' || src.charAt(pos) == '_')) pos++;
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
            } else pos = save;
        }
        String text = src.substring(at, pos).replace("_", "");
        try {
            return new Expr.Num(Rational.parse(text), at);
        } catch (NumberFormatException e) {
            throw new FormulaSyntaxError(at, "malformed number '" + text + "'");
        }
    }

    private String name() throws FormulaSyntaxError {
        int at = pos;
        if (pos >= src.length() || !(Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
            throw new FormulaSyntaxError(pos, "expected a name" + (pos < src.length() ? ", found '" + src.charAt(pos) + "'" : ", found the end of the formula"));
        }
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_') pos++;
            else if (c == '.' && pos + 1 < src.length() && (Character.isLetter(src.charAt(pos + 1)) || src.charAt(pos + 1) == '_')) pos++;
            else break;
        }
        return src.substring(at, pos);
    }

    private void expect(String s) throws FormulaSyntaxError {
        skipWs();
        if (!eat(s)) {
            String found = pos < src.length() ? "'" + src.charAt(pos) + "'" : "the end of the formula";
            throw new FormulaSyntaxError(pos, "expected '" + s + "', found " + found);
        }
    }

    private boolean eat(String s) {
        if (src.startsWith(s, pos)) { pos += s.length(); return true; }
        return false;
    }

    private void skipWs() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
    }
}
