package io.flopscope.predict;

import io.flopscope.formula.Atom;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A polynomial in one integer variable with exact rational coefficients (lowest degree first), with
 * what the generation sum needs: exact sums over integer ranges (Faulhaber), and certificates that
 * it is non-negative or positive on an interval (Bernstein coefficients).
 */
final class UPoly {
    static final UPoly ZERO = new UPoly(new Rational[0]);

    private final Rational[] c;

    private UPoly(Rational[] coefficients) {
        int n = coefficients.length;
        while (n > 0 && coefficients[n - 1].isZero()) n--;
        this.c = Arrays.copyOf(coefficients, n);
    }

    static UPoly constant(Rational r) { return new UPoly(new Rational[] {r}); }

    static UPoly of(Rational... coefficients) { return new UPoly(coefficients.clone()); }

    /**
     * {@code p} as a polynomial in {@code variable}, with the function atoms in {@code atomValues} replaced by
     * their values; null when p has another symbol, another atom, or a negative power of the variable.
     */
    static UPoly of(Poly p, String variable, Map<Atom, Rational> atomValues) {
        Rational[] out = new Rational[0];
        for (var term : p.terms().entrySet()) {
            Rational coef = term.getValue();
            int power = 0;
            for (var f : term.getKey().factors().entrySet()) {
                Atom a = f.getKey();
                int e = f.getValue();
                if (a instanceof Atom.Sym s && s.name().equals(variable)) {
                    if (e < 0) return null;
                    power += e;
                } else {
                    Rational v = atomValues.get(a);
                    if (v == null) return null;
                    if (v.isZero() && e < 0) return null;
                    coef = coef.multiply(v.pow(e));
                }
            }
            if (out.length <= power) {
                int old = out.length;
                out = Arrays.copyOf(out, power + 1);
                Arrays.fill(out, old, out.length, Rational.ZERO);
            }
            out[power] = out[power].add(coef);
        }
        return new UPoly(out);
    }

    int degree() { return c.length - 1; }

    boolean isZero() { return c.length == 0; }

    Rational coefficient(int k) { return k < c.length ? c[k] : Rational.ZERO; }

    UPoly add(UPoly o) {
        Rational[] r = new Rational[Math.max(c.length, o.c.length)];
        for (int i = 0; i < r.length; i++) r[i] = coefficient(i).add(o.coefficient(i));
        return new UPoly(r);
    }

    UPoly subtract(UPoly o) { return add(o.scale(Rational.ONE.negate())); }

    UPoly scale(Rational k) {
        if (k.isZero()) return ZERO;
        Rational[] r = new Rational[c.length];
        for (int i = 0; i < c.length; i++) r[i] = c[i].multiply(k);
        return new UPoly(r);
    }

    UPoly multiply(UPoly o) {
        if (isZero() || o.isZero()) return ZERO;
        Rational[] r = new Rational[c.length + o.c.length - 1];
        Arrays.fill(r, Rational.ZERO);
        for (int i = 0; i < c.length; i++) for (int j = 0; j < o.c.length; j++) r[i + j] = r[i + j].add(c[i].multiply(o.c[j]));
        return new UPoly(r);
    }

    Rational evaluate(Rational x) {
        Rational r = Rational.ZERO;
        for (int i = c.length - 1; i >= 0; i--) r = r.multiply(x).add(c[i]);
        return r;
    }

    Rational evaluate(long x) { return evaluate(Rational.of(x)); }

    /** Σ_{x=a}^{b} p(x), exactly: Σ_k c_k (S_k(b) − S_k(a−1)) with Faulhaber's S_k(n) = Σ_{i=1}^{n} i^k. */
    Rational sum(long a, long b) {
        if (b < a) return Rational.ZERO;
        Rational s = Rational.ZERO;
        for (int k = 0; k < c.length; k++) {
            if (c[k].isZero()) continue;
            UPoly f = faulhaber(k);
            s = s.add(c[k].multiply(f.evaluate(b).subtract(f.evaluate(a - 1))));
        }
        return s;
    }

    private static final List<UPoly> FAULHABER = new ArrayList<>();

    /**
     * S_k as a polynomial in n, from (n+1)^{k+1} − 1 = Σ_{j=0}^{k} C(k+1, j)·S_j(n). It satisfies
     * S_k(n) − S_k(n−1) = n^k identically, so Σ_{x=a}^{b} x^k = S_k(b) − S_k(a−1) for all integers a ≤ b + 1.
     */
    static synchronized UPoly faulhaber(int k) {
        while (FAULHABER.size() <= k) {
            int m = FAULHABER.size();
            // (n+1)^{m+1} - 1
            UPoly p = binomialPower(m + 1).subtract(constant(Rational.ONE));
            for (int j = 0; j < m; j++) p = p.subtract(FAULHABER.get(j).scale(Rational.of(binomial(m + 1, j))));
            FAULHABER.add(p.scale(Rational.of(1, m + 1)));
        }
        return FAULHABER.get(k);
    }

    /** (n + 1)^e. */
    private static UPoly binomialPower(int e) {
        Rational[] r = new Rational[e + 1];
        for (int i = 0; i <= e; i++) r[i] = Rational.of(binomial(e, i));
        return new UPoly(r);
    }

    static BigInteger binomial(int n, int k) {
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        return r;
    }

    /**
     * The Bernstein coefficients of p on [a, b] (a &lt; b): p(a + (b−a)t) = Σ_i β_i C(n,i) t^i (1−t)^{n−i}.
     * Since the basis is non-negative and sums to one, p ≥ min β_i and p ≤ max β_i on [a, b].
     */
    Rational[] bernstein(long a, long b) {
        int n = Math.max(degree(), 0);
        Rational[] q = new Rational[n + 1];
        Rational A = Rational.of(a);
        Rational h = Rational.of(b - a);
        // Taylor shift to a, then scale by h^k: q_k = h^k Σ_{i≥k} c_i C(i,k) a^{i−k}
        for (int k = 0; k <= n; k++) {
            Rational s = Rational.ZERO;
            for (int i = k; i < c.length; i++) s = s.add(c[i].multiply(Rational.of(binomial(i, k))).multiply(A.pow(i - k)));
            q[k] = s.multiply(h.pow(k));
        }
        Rational[] beta = new Rational[n + 1];
        for (int i = 0; i <= n; i++) {
            Rational s = Rational.ZERO;
            for (int k = 0; k <= i; k++) s = s.add(q[k].multiply(Rational.of(binomial(i, k))).divide(Rational.of(binomial(n, k))));
            beta[i] = s;
        }
        return beta;
    }

    /** A certificate that p ≥ 0 on every real x in [a, b] (false means "not shown", not "negative"). */
    boolean nonNegativeOn(long a, long b) {
        if (isZero()) return true;
        if (a == b) return evaluate(a).signum() >= 0;
        for (Rational r : bernstein(a, b)) if (r.signum() < 0) return false;
        return true;
    }

    /** A certificate that p &gt; 0 on every real x in [a, b]. */
    boolean positiveOn(long a, long b) {
        if (isZero()) return false;
        if (a == b) return evaluate(a).signum() > 0;
        for (Rational r : bernstein(a, b)) if (r.signum() <= 0) return false;
        return true;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = c.length - 1; i >= 0; i--) {
            if (c[i].isZero()) continue;
            if (sb.length() > 0) sb.append(" + ");
            sb.append(c[i]).append(i == 0 ? "" : i == 1 ? "·x" : "·x^" + i);
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
