package io.flopscope.formula;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Text forms of a {@link Poly}: parseable formula and pretty mathematical notation. */
final class PolyFormat {
    private PolyFormat() {}

    static String formula(Poly p) {
        if (p.isZero()) return "0";
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Poly.Monomial, Rational> t : p.orderedTerms()) {
            Rational c = t.getValue();
            boolean neg = c.signum() < 0;
            Rational abs = neg ? c.negate() : c;
            if (sb.length() == 0) { if (neg) sb.append("-"); }
            else sb.append(neg ? " - " : " + ");
            StringBuilder num = new StringBuilder();
            StringBuilder den = new StringBuilder();
            boolean coefShown = !abs.num().equals(java.math.BigInteger.ONE) || t.getKey().factors().isEmpty();
            if (coefShown) num.append(abs.num());
            for (var f : t.getKey().factors().entrySet()) {
                String base = atomFormula(f.getKey());
                int e = f.getValue();
                StringBuilder target = e > 0 ? num : den;
                if (target.length() > 0) target.append(" * ");
                target.append(base);
                if (Math.abs(e) != 1) target.append(" ** ").append(Math.abs(e));
            }
            if (num.length() == 0) num.append("1");
            sb.append(num);
            if (!abs.isInteger()) den.insert(0, abs.den() + (den.length() > 0 ? " * " : ""));
            if (den.length() > 0) {
                // divide by each factor in turn so that the reading stays unambiguous
                sb.append(" / ").append(den.toString().replace(" * ", " / "));
            }
        }
        return sb.toString();
    }

    private static String atomFormula(Atom a) {
        if (a instanceof Atom.Sym s) return s.name();
        Atom.Fn fn = (Atom.Fn) a;
        return fn.name().equals("inv")
                ? "(1 / (" + fn.args().get(0).toFormula() + "))"
                : fn.name() + "(" + fn.args().stream().map(Poly::toFormula).collect(Collectors.joining(", ")) + ")";
    }

    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    static String pretty(Poly p, Function<String, String> names) {
        if (p.isZero()) return "0";
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Poly.Monomial, Rational> t : p.orderedTerms()) {
            Rational c = t.getValue();
            boolean neg = c.signum() < 0;
            Rational abs = neg ? c.negate() : c;
            if (sb.length() == 0) { if (neg) sb.append("−"); }
            else sb.append(neg ? " − " : " + ");
            StringBuilder term = new StringBuilder();
            if (!abs.equals(Rational.ONE) || t.getKey().factors().isEmpty()) term.append(abs);
            for (var f : t.getKey().factors().entrySet()) {
                if (term.length() > 0) term.append('·');
                String base;
                if (f.getKey() instanceof Atom.Sym s) base = names.apply(s.name());
                else {
                    Atom.Fn fn = (Atom.Fn) f.getKey();
                    base = fn.name().equals("inv") ? "1/(" + pretty(fn.args().get(0), names) + ")"
                            : fn.name() + "(" + fn.args().stream().map(x -> pretty(x, names)).collect(Collectors.joining(", ")) + ")";
                }
                term.append(base);
                int e = f.getValue();
                if (e != 1) term.append(superscript(e));
            }
            sb.append(term);
        }
        return sb.toString();
    }

    private static String superscript(int e) {
        StringBuilder sb = new StringBuilder();
        if (e < 0) sb.append('⁻');
        for (char ch : Integer.toString(Math.abs(e)).toCharArray()) sb.append(SUPERSCRIPTS.charAt(ch - '0'));
        return sb.toString();
    }
}
