package io.flopscope.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.formula.Atom;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.formula.SymbolicEvaluator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UPolyTest {
    static UPoly p(long... c) {
        Rational[] r = new Rational[c.length];
        for (int i = 0; i < c.length; i++) r[i] = Rational.of(c[i]);
        return UPoly.of(r);
    }

    @Test void faulhaberSumsEqualBruteForce() {
        UPoly q = UPoly.of(Rational.of(3), Rational.of(-1, 2), Rational.of(7), Rational.ZERO, Rational.of(2), Rational.of(-1), Rational.of(1, 3));
        for (long[] ab : new long[][] {{0, 0}, {0, 10}, {1, 1}, {5, 63}, {-7, 4}, {-20, -3}, {100, 99}, {1000, 1300}}) {
            Rational brute = Rational.ZERO;
            for (long x = ab[0]; x <= ab[1]; x++) brute = brute.add(q.evaluate(x));
            assertEquals(brute, q.sum(ab[0], ab[1]), "Σ from " + ab[0] + " to " + ab[1]);
        }
        assertEquals(Rational.of(5050), p(0, 1).sum(1, 100));
        assertEquals(Rational.of(338350), p(0, 0, 1).sum(1, 100));
        assertEquals(Rational.of(11), p(1).sum(0, 10), "a constant counts the terms");
    }

    @Test void bernsteinCertificates() {
        UPoly roots = p(600, -50, 1); // (x − 20)(x − 30)
        assertTrue(roots.nonNegativeOn(0, 20));
        assertTrue(roots.positiveOn(0, 19));
        assertFalse(roots.positiveOn(0, 20), "zero at 20");
        assertFalse(roots.nonNegativeOn(0, 25));
        assertTrue(roots.nonNegativeOn(30, 1_000_000));
        assertTrue(roots.scale(Rational.ONE.negate()).nonNegativeOn(20, 30));
        assertArrayEquals(new Rational[] {Rational.of(600), Rational.of(100), Rational.of(0)}, roots.bernstein(0, 20));
        assertTrue(p(5).positiveOn(-3, 3));
        assertTrue(UPoly.ZERO.nonNegativeOn(0, 9) && !UPoly.ZERO.positiveOn(0, 9));
    }

    @Test void signPiecesSplitWhereTheSignChanges() {
        List<long[]> pieces = Generation.signPieces(p(600, -50, 1), 0, 100);
        assertEquals(3, pieces.size());
        assertArrayEquals(new long[] {0, 19, 1}, pieces.get(0));
        assertArrayEquals(new long[] {20, 30, 0}, pieces.get(1));
        assertArrayEquals(new long[] {31, 100, 1}, pieces.get(2));
        List<long[]> linear = Generation.signPieces(p(-20, 1), 5, 1_000_000_000L);
        assertEquals(2, linear.size());
        assertArrayEquals(new long[] {21, 1_000_000_000L, 1}, linear.get(1));
    }

    @Test void fromPolyBindsAtomsOrRefuses() throws Exception {
        Poly f = new SymbolicEvaluator(Poly::symbol, false).eval(FormulaParser.parse("3 * positive(cache_len - 2) * cache_len ** 2 + 4"));
        Atom pos = f.terms().keySet().stream().flatMap(m -> m.factors().keySet().stream()).filter(a -> a instanceof Atom.Fn).findFirst().orElseThrow();
        assertEquals("3·x^2 + 4", UPoly.of(f, "cache_len", Map.of(pos, Rational.ONE)).toString());
        assertEquals("4", UPoly.of(f, "cache_len", Map.of(pos, Rational.ZERO)).toString());
        assertNull(UPoly.of(f, "cache_len", Map.of()), "an unbound atom");
        assertNull(UPoly.of(Poly.symbol("seq_len"), "cache_len", Map.of()), "another symbol");
        assertNull(UPoly.of(Poly.ONE.divide(Poly.symbol("cache_len")), "cache_len", Map.of()), "a negative power");
    }
}
