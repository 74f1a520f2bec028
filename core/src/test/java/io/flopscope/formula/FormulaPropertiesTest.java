package io.flopscope.formula;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The formula engine's algebra: canonical equality agrees with numeric equality, printing round-trips. */
class FormulaPropertiesTest {
    private static final List<String> VARS = List.of("batch_size", "seq_len", "cache_len", "config.n_embd");

    @Provide Arbitrary<String> formulas() { return expr(3); }

    private Arbitrary<String> expr(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(
                Arbitraries.of(VARS),
                Arbitraries.integers().between(0, 9).map(Object::toString),
                Arbitraries.of("1/2", "3/4", "0.25"));
        if (depth == 0) return leaf;
        Arbitrary<String> sub = expr(depth - 1);
        return Arbitraries.oneOf(leaf,
                Combinators.combine(sub, Arbitraries.of("+", "-", "*"), sub).as((a, op, b) -> "(" + a + ") " + op + " (" + b + ")"),
                Combinators.combine(sub, Arbitraries.integers().between(1, 7)).as((a, d) -> "(" + a + ") / " + d),
                Combinators.combine(sub, Arbitraries.integers().between(0, 3)).as((a, e) -> "(" + a + ") ** " + e),
                sub.map(a -> "-(" + a + ")"));
    }

    static Poly poly(String f) throws Exception { return new SymbolicEvaluator(Poly::symbol, false).eval(FormulaParser.parse(f)); }

    static Map<String, Rational> point(long seed) {
        java.util.Random r = new java.util.Random(seed);
        return Map.of("batch_size", Rational.of(r.nextInt(1_000_003) + 1), "seq_len", Rational.of(r.nextInt(1_000_033) + 1),
                "cache_len", Rational.of(r.nextInt(999_983)), "config.n_embd", Rational.of(r.nextInt(1_000_037) + 1));
    }

    @Property(tries = 300)
    void canonicalEqualIffValuesEqual(@ForAll("formulas") String a, @ForAll("formulas") String b) throws Exception {
        Poly pa = poly(a), pb = poly(b);
        boolean valuesEqual = true;
        for (long seed = 1; seed <= 3; seed++) {
            Map<String, Rational> p = point(seed * 7919 + a.hashCode());
            if (!pa.evaluate(p::get).equals(pb.evaluate(p::get))) valuesEqual = false;
        }
        assertEquals(valuesEqual, pa.equals(pb), a + "  vs  " + b);
    }

    @Property(tries = 300)
    void rewritesKeepTheCanonicalForm(@ForAll("formulas") String a, @ForAll("formulas") String b, @ForAll("formulas") String c) throws Exception {
        // distributivity and commutativity written out differently must give the same polynomial
        assertEquals(poly("(" + a + ") * ((" + b + ") + (" + c + "))"), poly("(" + c + ") * (" + a + ") + (" + a + ") * (" + b + ")"));
        assertEquals(poly("(" + a + ") - (" + a + ")"), Poly.ZERO);
    }

    @Property(tries = 300)
    void printingThenParsingGivesTheSameFormula(@ForAll("formulas") String a) throws Exception {
        Expr e = FormulaParser.parse(a);
        String printed = FormulaPrinter.print(e);
        Expr back = FormulaParser.parse(printed);
        assertEquals(printed, FormulaPrinter.print(back));
        assertEquals(poly(a), poly(printed));
        Poly p = poly(a);
        assertEquals(p, poly(p.toFormula()), p.toFormula());
    }

    @Property(tries = 200)
    void compiledEvaluationIsExact(@ForAll("formulas") String a) throws Exception {
        Poly p = poly(a);
        var compiled = new io.flopscope.evaluate.CompiledPoly(p, VARS);
        Map<String, Rational> pt = point(a.hashCode());
        long[] values = VARS.stream().mapToLong(v -> pt.get(v).num().longValue()).toArray();
        assertEquals(p.evaluate(pt::get), compiled.evaluate(values), a);
    }

    @Property(tries = 200)
    void storedTermsReadBackToTheSamePolynomial(@ForAll("formulas") String a) throws Exception {
        Poly p = poly(a);
        assertEquals(p, Poly.ofTerms(p.terms()), a);
    }

    @net.jqwik.api.Example
    void termsThatAreNotCanonicalAreRefused() throws Exception {
        var terms = new java.util.TreeMap<>(poly("2 * seq_len + 3").terms());
        terms.put(terms.firstKey(), Rational.ZERO);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Poly.ofTerms(terms));
        var zeroPower = new java.util.TreeMap<Atom, Integer>();
        zeroPower.put(new Atom.Sym("seq_len"), 0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Poly.ofTerms(new java.util.TreeMap<>(Map.of(new Poly.Monomial(zeroPower), Rational.ONE))));
    }

    @Property(tries = 300)
    void rationalsStayNormalised(@ForAll long n, @ForAll long d, @ForAll long m) {
        net.jqwik.api.Assume.that(d != 0);
        Rational r = Rational.of(n, d);
        java.math.BigInteger g = java.math.BigInteger.valueOf(n).gcd(java.math.BigInteger.valueOf(d));
        assertEquals(java.math.BigInteger.ONE, r.num().gcd(r.den()));
        assertEquals(1, r.den().signum());
        if (n != 0) assertEquals(java.math.BigInteger.valueOf(d).abs().divide(g), r.den());
        // integers multiply and add to integers with denominator 1, as BigInteger arithmetic says
        Rational k = Rational.of(m).multiply(Rational.of(n)).add(Rational.of(m));
        assertEquals(java.math.BigInteger.valueOf(m).multiply(java.math.BigInteger.valueOf(n)).add(java.math.BigInteger.valueOf(m)), k.num());
        assertEquals(java.math.BigInteger.ONE, k.den());
        assertEquals(r, r.pow(1));
        assertEquals(r.multiply(r), r.pow(2));
    }
}
