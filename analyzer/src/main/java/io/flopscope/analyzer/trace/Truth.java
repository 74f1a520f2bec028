package io.flopscope.analyzer.trace;

import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.formula.Atom;
import java.util.Map;

/**
 * Deciding conditions on symbolic sizes: every symbol is a size of at least 1 (a decode trace has a cache,
 * so cache_len ≥ 1 there; a prefill trace has none and no cache_len symbol).
 */
final class Truth {
    enum Sign { POSITIVE, NONNEGATIVE, ZERO, NEGATIVE, NONPOSITIVE, UNKNOWN }

    private Truth() {}

    static Sign sign(Poly p) {
        if (p.isConstant()) {
            int s = p.constantValue().signum();
            return s > 0 ? Sign.POSITIVE : s < 0 ? Sign.NEGATIVE : Sign.ZERO;
        }
        Sign pos = positiveSign(p);
        if (pos != Sign.UNKNOWN) return pos;
        Sign neg = positiveSign(p.negate());
        if (neg == Sign.POSITIVE) return Sign.NEGATIVE;
        if (neg == Sign.NONNEGATIVE) return Sign.NONPOSITIVE;
        return Sign.UNKNOWN;
    }

    /** With all symbols ≥ 1: nonnegative coefficients and exponents make a polynomial ≥ 0, and > 0 with a nonzero term. */
    private static Sign positiveSign(Poly p) {
        boolean strictly = false;
        for (Map.Entry<Poly.Monomial, Rational> t : p.terms().entrySet()) {
            if (t.getValue().signum() < 0) return Sign.UNKNOWN;
            for (Map.Entry<Atom, Integer> f : t.getKey().factors().entrySet()) {
                if (f.getValue() < 0) return Sign.UNKNOWN;
                if (!(f.getKey() instanceof Atom.Sym)) return Sign.UNKNOWN;
            }
            strictly = true;
        }
        return strictly ? Sign.POSITIVE : Sign.NONNEGATIVE;
    }

    /** a OP b for ints: TRUE/FALSE, or null when undecidable. */
    static Boolean compare(Poly a, String op, Poly b) {
        Sign s = sign(a.subtract(b));
        switch (op) {
            case "==": if (s == Sign.ZERO) return true; if (s == Sign.POSITIVE || s == Sign.NEGATIVE) return false; return null;
            case "!=": if (s == Sign.ZERO) return false; if (s == Sign.POSITIVE || s == Sign.NEGATIVE) return true; return null;
            case ">": if (s == Sign.POSITIVE) return true; if (s == Sign.ZERO || s == Sign.NEGATIVE || s == Sign.NONPOSITIVE) return false; return null;
            case ">=": if (s == Sign.POSITIVE || s == Sign.ZERO || s == Sign.NONNEGATIVE) return true; if (s == Sign.NEGATIVE) return false; return null;
            case "<": return compare(b, ">", a);
            case "<=": return compare(b, ">=", a);
            default: return null;
        }
    }
}
