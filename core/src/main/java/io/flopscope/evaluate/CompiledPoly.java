package io.flopscope.evaluate;

import io.flopscope.formula.Atom;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A polynomial compiled for fast repeated evaluation over a fixed list of variables: coefficients
 * scaled to integers over one common denominator, evaluated in {@code long} with overflow checks,
 * falling back to exact {@link Poly#evaluate} when a value leaves the long range or is not an integer.
 */
public final class CompiledPoly {
    private final Poly source;
    private final String[] variables;
    private final long[] coefficients;      // numerators over denominator
    private final int[][] exponents;        // [term][variable]
    private final CompiledPoly[] atoms;     // function atoms, evaluated first (indices after the variables)
    private final String[] atomFunctions;
    private final long denominator;
    private final boolean exactOnly;

    public CompiledPoly(Poly p, List<String> variables) {
        this.source = p;
        List<String> vars = new ArrayList<>(variables);
        List<CompiledPoly> atomList = new ArrayList<>();
        List<String> atomFns = new ArrayList<>();
        List<Atom> atomKeys = new ArrayList<>();
        int n = p.terms().size();
        long[] coef = new long[n];
        int[][] exps = new int[n][];
        BigInteger lcd = BigInteger.ONE;
        for (Rational c : p.terms().values()) lcd = lcm(lcd, c.den());
        boolean ok = lcd.bitLength() < 62;
        int t = 0;
        List<int[]> rawExps = new ArrayList<>();
        for (Map.Entry<Poly.Monomial, Rational> e : p.terms().entrySet()) {
            BigInteger scaled = e.getValue().num().multiply(lcd.divide(e.getValue().den()));
            if (scaled.bitLength() >= 63) ok = false;
            coef[t] = ok ? scaled.longValue() : 0;
            List<int[]> pairs = new ArrayList<>();
            for (Map.Entry<Atom, Integer> f : e.getKey().factors().entrySet()) {
                if (f.getValue() < 0) ok = false;
                int idx;
                if (f.getKey() instanceof Atom.Sym s) {
                    idx = vars.indexOf(s.name());
                    if (idx < 0) throw new IllegalArgumentException("symbol '" + s.name() + "' is not a variable of the compiled form");
                } else {
                    Atom.Fn fn = (Atom.Fn) f.getKey();
                    int k = atomKeys.indexOf(fn);
                    if (k < 0) {
                        atomKeys.add(fn);
                        atomFns.add(fn.name());
                        atomList.add(fn.args().size() == 1 ? new CompiledPoly(fn.args().get(0), variables) : null);
                        if (fn.args().size() != 1 || !(fn.name().equals("positive") || fn.name().equals("floor") || fn.name().equals("ceil"))
                                || atomList.get(atomList.size() - 1).exactOnly) ok = false;
                        k = atomKeys.size() - 1;
                    }
                    idx = variables.size() + k;
                }
                pairs.add(new int[] {idx, f.getValue()});
            }
            int[] flat = new int[pairs.size() * 2];
            for (int i = 0; i < pairs.size(); i++) { flat[2 * i] = pairs.get(i)[0]; flat[2 * i + 1] = pairs.get(i)[1]; }
            exps[t++] = flat;
        }
        this.variables = variables.toArray(String[]::new);
        this.coefficients = coef;
        this.exponents = exps;
        this.atoms = atomList.toArray(CompiledPoly[]::new);
        this.atomFunctions = atomFns.toArray(String[]::new);
        this.denominator = ok ? lcd.longValue() : 1;
        this.exactOnly = !ok;
    }

    private static BigInteger lcm(BigInteger a, BigInteger b) { return a.divide(a.gcd(b)).multiply(b); }

    /** Exact value at integer arguments given in the order of the variable list. */
    public Rational evaluate(long[] values) {
        if (!exactOnly) {
            try {
                long sum = scaledSum(values);
                if (sum % denominator == 0) return Rational.of(sum / denominator);
                return Rational.of(sum, denominator);
            } catch (ArithmeticException overflow) {
                // exact fallback below
            }
        }
        return source.evaluate(name -> {
            for (int i = 0; i < variables.length; i++) if (variables[i].equals(name)) return Rational.of(values[i]);
            return null;
        });
    }

    /** The hot path: an integer value in long range without allocating; falls back to {@link #evaluate} otherwise. */
    public long evaluateLong(long[] values) {
        if (!exactOnly) {
            try {
                long sum = scaledSum(values);
                if (sum % denominator == 0) return sum / denominator;
            } catch (ArithmeticException overflow) {
                // exact fallback below
            }
        }
        Rational r = evaluate(values);
        if (!r.isInteger()) throw new ArithmeticException("not an integer: " + r);
        return r.num().longValueExact();
    }

    /** Σ coefficient·monomial over the common denominator; throws ArithmeticException on overflow. */
    private long scaledSum(long[] values) {
        long[] env = values;
        if (atoms.length > 0) {
            env = new long[values.length + atoms.length];
            System.arraycopy(values, 0, env, 0, values.length);
            for (int i = 0; i < atoms.length; i++) {
                long num = atoms[i].scaledSum(values);
                long den = atoms[i].denominator;
                env[values.length + i] = switch (atomFunctions[i]) {
                    case "positive" -> num > 0 ? 1 : 0;
                    case "floor" -> Math.floorDiv(num, den);
                    default -> -Math.floorDiv(-num, den);
                };
            }
        }
        long sum = 0;
        for (int t = 0; t < coefficients.length; t++) {
            long term = coefficients[t];
            int[] e = exponents[t];
            for (int i = 0; i < e.length; i += 2) {
                long v = env[e[i]];
                for (int k = e[i + 1]; k > 0; k--) term = Math.multiplyExact(term, v);
            }
            sum = Math.addExact(sum, term);
        }
        return sum;
    }

    public List<String> variables() { return List.of(variables); }
}
