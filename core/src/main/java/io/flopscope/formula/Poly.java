package io.flopscope.formula;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A canonical Laurent polynomial with exact rational coefficients over {@link Atom}s.
 * Two formulas that mean the same polynomial have equal {@code Poly}s, so equality is a semantic check.
 */
public final class Poly {
    public static final Poly ZERO = new Poly(new TreeMap<>());
    public static final Poly ONE = constant(Rational.ONE);

    /** monomial (atom -> nonzero exponent) -> nonzero coefficient. */
    private final SortedMap<Monomial, Rational> terms;

    private Poly(SortedMap<Monomial, Rational> terms) { this.terms = Collections.unmodifiableSortedMap(terms); }

    public static Poly constant(Rational r) {
        TreeMap<Monomial, Rational> t = new TreeMap<>();
        if (!r.isZero()) t.put(Monomial.ONE, r);
        return new Poly(t);
    }
    public static Poly constant(long v) { return constant(Rational.of(v)); }
    public static Poly symbol(String name) { return atom(new Atom.Sym(name)); }
    public static Poly atom(Atom a) {
        TreeMap<Monomial, Rational> t = new TreeMap<>();
        t.put(Monomial.of(a, 1), Rational.ONE);
        return new Poly(t);
    }

    /**
     * The polynomial with these terms, which must already be canonical as {@link #terms()} gives them (nonzero
     * coefficients, nonzero exponents): for reading back a stored polynomial without redoing its arithmetic.
     */
    public static Poly ofTerms(SortedMap<Monomial, Rational> terms) {
        for (var t : terms.entrySet()) {
            if (t.getValue().isZero()) throw new IllegalArgumentException("zero coefficient of " + t.getKey().key());
            for (int e : t.getKey().factors().values()) if (e == 0) throw new IllegalArgumentException("zero exponent in " + t.getKey().key());
        }
        return new Poly(new TreeMap<>(terms));
    }

    public SortedMap<Monomial, Rational> terms() { return terms; }
    public boolean isZero() { return terms.isEmpty(); }
    public boolean isConstant() { return terms.isEmpty() || (terms.size() == 1 && terms.containsKey(Monomial.ONE)); }
    public Rational constantValue() {
        if (!isConstant()) throw new IllegalStateException("not a constant: " + this);
        return terms.getOrDefault(Monomial.ONE, Rational.ZERO);
    }

    public Poly add(Poly o) {
        if (o.isZero()) return this;
        if (isZero()) return o;
        TreeMap<Monomial, Rational> t = new TreeMap<>(terms);
        for (var e : o.terms.entrySet()) addTerm(t, e.getKey(), e.getValue());
        return new Poly(t);
    }

    /**
     * Adds c·m to the terms, dropping a term that cancels. Loops here and below rather than lambdas: the arithmetic
     * runs at start-up (config defaults), where linking the first lambda costs milliseconds.
     */
    private static void addTerm(TreeMap<Monomial, Rational> t, Monomial m, Rational c) {
        Rational old = t.get(m);
        if (old == null) { t.put(m, c); return; }
        Rational s = old.add(c);
        if (s.isZero()) t.remove(m);
        else t.put(m, s);
    }
    public Poly negate() { return scale(Rational.ONE.negate()); }
    public Poly subtract(Poly o) { return add(o.negate()); }
    public Poly scale(Rational r) {
        if (r.isZero()) return ZERO;
        TreeMap<Monomial, Rational> t = new TreeMap<>();
        for (var e : terms.entrySet()) t.put(e.getKey(), e.getValue().multiply(r));
        return new Poly(t);
    }
    public Poly multiply(Poly o) {
        if (isZero() || o.isZero()) return ZERO;
        if (o.isConstant()) return scale(o.constantValue());
        if (isConstant()) return o.scale(constantValue());
        TreeMap<Monomial, Rational> t = new TreeMap<>();
        for (var a : terms.entrySet()) {
            for (var b : o.terms.entrySet()) {
                Monomial m = a.getKey().times(b.getKey());
                addTerm(t, m, a.getValue().multiply(b.getValue()));
            }
        }
        return new Poly(t);
    }
    public Poly pow(int e) {
        if (e < 0) return ONE.divide(this).pow(-e);
        Poly r = ONE;
        for (int i = 0; i < e; i++) r = r.multiply(this);
        return r;
    }
    /** Exact division: by a constant or a monomial it stays a Laurent polynomial, otherwise 1/q becomes an atom. */
    public Poly divide(Poly q) {
        if (q.isZero()) throw new ArithmeticException("division by zero");
        if (q.isConstant()) return scale(Rational.ONE.divide(q.constantValue()));
        if (q.terms.size() == 1) {
            var e = q.terms.entrySet().iterator().next();
            return multiply(new Poly(new TreeMap<>(Map.of(e.getKey().inverse(), Rational.ONE.divide(e.getValue())))));
        }
        if (this.equals(q)) return ONE;
        return multiply(atom(new Atom.Fn("inv", List.of(q))));
    }

    public static Poly floor(Poly p) {
        if (p.isConstant()) return constant(Rational.of(p.constantValue().floor()));
        return atom(new Atom.Fn("floor", List.of(p)));
    }
    public static Poly ceil(Poly p) {
        if (p.isConstant()) return constant(Rational.of(p.constantValue().ceil()));
        return atom(new Atom.Fn("ceil", List.of(p)));
    }
    /** 1 when p &gt; 0, else 0: a cost that exists only on one side of a branch (a cache that is present). */
    public static Poly positive(Poly p) {
        if (p.isConstant()) return p.constantValue().signum() > 0 ? ONE : ZERO;
        return atom(new Atom.Fn("positive", List.of(p)));
    }

    public static Poly minMax(String fn, List<Poly> args) {
        List<Poly> distinct = new ArrayList<>(new TreeSet<>(Comparator.comparing(Poly::toFormula)) {{ addAll(args); }});
        if (distinct.size() == 1) return distinct.get(0);
        if (distinct.stream().allMatch(Poly::isConstant)) {
            Rational best = null;
            for (Poly p : distinct) {
                Rational v = p.constantValue();
                if (best == null || (fn.equals("min") ? v.compareTo(best) < 0 : v.compareTo(best) > 0)) best = v;
            }
            return constant(best);
        }
        return atom(new Atom.Fn(fn, distinct));
    }

    /** Replaces symbols by polynomials (symbols not in the map stay). */
    public Poly substitute(Function<String, Poly> binding) {
        Poly out = ZERO;
        for (var e : terms.entrySet()) {
            Poly term = constant(e.getValue());
            for (var f : e.getKey().factors().entrySet()) {
                Poly base;
                if (f.getKey() instanceof Atom.Sym s) {
                    Poly b = binding.apply(s.name());
                    base = b == null ? atom(s) : b;
                } else {
                    Atom.Fn fn = (Atom.Fn) f.getKey();
                    base = applyFn(fn.name(), fn.args().stream().map(a -> a.substitute(binding)).toList());
                }
                term = term.multiply(base.pow(f.getValue()));
            }
            out = out.add(term);
        }
        return out;
    }

    /** Replaces one atom (a symbol or a function term such as positive(cache_len)) by a polynomial. */
    public Poly replaceAtom(Atom atom, Poly by) {
        Poly out = ZERO;
        for (var e : terms.entrySet()) {
            Poly term = constant(e.getValue());
            for (var f : e.getKey().factors().entrySet()) term = term.multiply((f.getKey().equals(atom) ? by : atom(f.getKey())).pow(f.getValue()));
            out = out.add(term);
        }
        return out;
    }

    static Poly applyFn(String name, List<Poly> args) {
        return switch (name) {
            case "floor" -> floor(args.get(0));
            case "ceil" -> ceil(args.get(0));
            case "min", "max" -> minMax(name, args);
            case "inv" -> ONE.divide(args.get(0));
            case "positive" -> positive(args.get(0));
            default -> throw new IllegalArgumentException("unknown function " + name);
        };
    }

    /** Exact value; every symbol must be bound. */
    public Rational evaluate(Function<String, Rational> values) {
        Rational sum = Rational.ZERO;
        for (var e : terms.entrySet()) {
            Rational term = e.getValue();
            for (var f : e.getKey().factors().entrySet()) term = term.multiply(evalAtom(f.getKey(), values).pow(f.getValue()));
            sum = sum.add(term);
        }
        return sum;
    }

    private static Rational evalAtom(Atom a, Function<String, Rational> values) {
        if (a instanceof Atom.Sym s) {
            Rational v = values.apply(s.name());
            if (v == null) throw new UnboundSymbolException(s.name());
            return v;
        }
        Atom.Fn fn = (Atom.Fn) a;
        List<Rational> args = new ArrayList<>(fn.args().size());
        for (Poly p : fn.args()) args.add(p.evaluate(values)); // a loop, not a stream: no lambda linked at start-up
        return switch (fn.name()) {
            case "floor" -> Rational.of(args.get(0).floor());
            case "ceil" -> Rational.of(args.get(0).ceil());
            case "min" -> Collections.min(args);
            case "max" -> Collections.max(args);
            case "inv" -> Rational.ONE.divide(args.get(0));
            case "positive" -> args.get(0).signum() > 0 ? Rational.ONE : Rational.ZERO;
            default -> throw new IllegalArgumentException(fn.name());
        };
    }

    /** Every symbol name, including those inside function atoms. */
    public Set<String> symbols() {
        Set<String> out = new TreeSet<>();
        for (Monomial m : terms.keySet()) {
            for (Atom a : m.factors().keySet()) {
                if (a instanceof Atom.Sym s) out.add(s.name());
                else for (Poly p : ((Atom.Fn) a).args()) out.addAll(p.symbols());
            }
        }
        return out;
    }

    /** Terms, highest degree first. */
    public List<Map.Entry<Monomial, Rational>> orderedTerms() {
        List<Map.Entry<Monomial, Rational>> list = new ArrayList<>(terms.entrySet());
        list.sort(Comparator.comparingInt((Map.Entry<Monomial, Rational> e) -> -e.getKey().degree()).thenComparing(Map.Entry::getKey));
        return list;
    }

    /** A formula the parser reads back to an equal polynomial. */
    public String toFormula() { return PolyFormat.formula(this); }

    /** Mathematical notation with '·' and superscripts, for people. */
    public String toPretty() { return PolyFormat.pretty(this, Function.identity()); }

    /** Like {@link #toPretty()}, with symbol names shortened by {@code names}. */
    public String toPretty(Function<String, String> names) { return PolyFormat.pretty(this, names); }

    @Override public boolean equals(Object o) { return o instanceof Poly p && p.terms.equals(terms); }
    @Override public int hashCode() { return terms.hashCode(); }
    @Override public String toString() { return toFormula(); }

    /** A product of atoms with nonzero integer exponents. */
    public record Monomial(SortedMap<Atom, Integer> factors, String key) implements Comparable<Monomial> {
        public static final Monomial ONE = new Monomial(new TreeMap<>());

        public Monomial(SortedMap<Atom, Integer> factors) {
            this(Collections.unmodifiableSortedMap(new TreeMap<>(factors)), keyOf(factors));
        }
        static Monomial of(Atom a, int e) {
            TreeMap<Atom, Integer> f = new TreeMap<>();
            f.put(a, e);
            return new Monomial(f);
        }
        private static String keyOf(SortedMap<Atom, Integer> f) {
            StringBuilder sb = new StringBuilder();
            for (var e : f.entrySet()) sb.append(e.getKey().key()).append('^').append(e.getValue()).append(';');
            return sb.toString();
        }
        Monomial times(Monomial o) {
            if (o.factors.isEmpty()) return this;
            if (factors.isEmpty()) return o;
            TreeMap<Atom, Integer> f = new TreeMap<>(factors);
            for (var e : o.factors.entrySet()) {
                Integer old = f.get(e.getKey());
                int sum = old == null ? e.getValue() : old + e.getValue();
                if (sum == 0) f.remove(e.getKey());
                else f.put(e.getKey(), sum);
            }
            return new Monomial(f);
        }
        Monomial inverse() {
            TreeMap<Atom, Integer> f = new TreeMap<>();
            for (var e : factors.entrySet()) f.put(e.getKey(), -e.getValue());
            return new Monomial(f);
        }
        public int degree() { return factors.values().stream().mapToInt(Integer::intValue).sum(); }
        @Override public int compareTo(Monomial o) { return key.compareTo(o.key); }
        @Override public boolean equals(Object o) { return o instanceof Monomial m && m.key.equals(key); }
        @Override public int hashCode() { return key.hashCode(); }
    }

    /** Raised when {@link #evaluate} meets a symbol with no value. */
    public static final class UnboundSymbolException extends RuntimeException {
        private final String symbol;
        public UnboundSymbolException(String symbol) { super("no value for '" + symbol + "'"); this.symbol = symbol; }
        public String symbol() { return symbol; }
    }

}
