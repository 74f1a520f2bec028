package io.flopscope.formula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FormulaParserTest {
    static Poly poly(String f, Map<String, Long> vars) throws Exception {
        return new SymbolicEvaluator(n -> vars.containsKey(n) ? Poly.constant(vars.get(n)) : Poly.symbol(n), false).eval(FormulaParser.parse(f));
    }

    static Rational value(String f, Map<String, Long> vars) throws Exception { return poly(f, vars).constantValue(); }

    @Test void precedenceAndAssociativity() throws Exception {
        assertEquals(Rational.of(14), value("2 + 3 * 4", Map.of()));
        assertEquals(Rational.of(512), value("2 ** 3 ** 2", Map.of()));
        assertEquals(Rational.of(-4), value("-2 ** 2", Map.of()));
        assertEquals(Rational.of(1, 4), value("1 / 2 / 2", Map.of()));
        assertEquals(Rational.of(3), value("7 // 2", Map.of()));
        assertEquals(Rational.of(-4), value("-7 // 2", Map.of()));
        assertEquals(Rational.of(1), value("7 % 3", Map.of()));
        assertEquals(Rational.of(1, 100000), value("1e-5", Map.of()));
        assertEquals(Rational.of(1, 2), value("0.5", Map.of()));
    }

    @Test void functionsBracesDottedNamesAndBooleans() throws Exception {
        Map<String, Long> v = Map.of("config.n_embd", 768L, "h", 12L);
        assertEquals(Rational.of(64), value("{config.n_embd} // h", v));
        assertEquals(Rational.of(3), value("ceil_div(7, 3)", v));
        assertEquals(Rational.of(2), value("floor(7 / 3)", v));
        assertEquals(Rational.of(3), value("ceil(7 / 3)", v));
        assertEquals(Rational.of(5), value("max(2, 5, 3) * True + False", v));
        assertEquals(Rational.of(2), value("min(2, 5)", v));
        assertEquals(Rational.ONE, value("positive(3)", v));
        assertEquals(Rational.ZERO, value("positive(0)", v));
        assertEquals(Rational.of(36), value("3 × 3 · 4", v));
    }

    @Test void moduleReferenceWithNamedAndPositionalArguments() throws Exception {
        Expr e = FormulaParser.parse("${torch.nn.Linear}(config.n_embd, out_features=config.vocab_size, bias=False)");
        Expr.Ref r = assertInstanceOf(Expr.Ref.class, e);
        assertEquals("torch.nn.Linear", r.className());
        assertEquals(3, r.args().size());
        assertEquals(null, r.args().get(0).name());
        assertEquals("out_features", r.args().get(1).name());
        assertEquals(new Expr.Num(Rational.ZERO, 0).value(), ((Expr.Num) r.args().get(2).value()).value());
    }

    @Test void attentionPairsFullAndCausal() throws Exception {
        Expr e = FormulaParser.parse("attn_pairs(seq_len, seq_len + cache_len)");
        Poly full = new SymbolicEvaluator(Poly::symbol, false).eval(e);
        Poly causal = new SymbolicEvaluator(Poly::symbol, true).eval(e);
        Map<String, Rational> at = Map.of("seq_len", Rational.of(4), "cache_len", Rational.of(3));
        assertEquals(Rational.of(28), full.evaluate(at::get));
        // queries at positions 3,4,5,6 see 4,5,6,7 keys
        assertEquals(Rational.of(22), causal.evaluate(at::get));
    }

    @Test void errorsGiveColumnAndExpectation() {
        FormulaSyntaxError e = assertThrows(FormulaSyntaxError.class, () -> FormulaParser.parse("2 * (a + b"));
        assertEquals(10, e.column());
        assertTrue(e.getMessage().contains("expected ')'"), e.getMessage());
        e = assertThrows(FormulaSyntaxError.class, () -> FormulaParser.parse("a + * b"));
        assertEquals(4, e.column());
        e = assertThrows(FormulaSyntaxError.class, () -> FormulaParser.parse("sqrt(a)"));
        assertTrue(e.getMessage().contains("unknown function 'sqrt'"), e.getMessage());
        e = assertThrows(FormulaSyntaxError.class, () -> FormulaParser.parse("a b"));
        assertEquals(2, e.column());
        assertThrows(FormulaSyntaxError.class, () -> FormulaParser.parse(""));
    }

    @Test void symbolicErrors() {
        var ev = new SymbolicEvaluator(n -> null, false);
        var ex = assertThrows(SymbolicEvaluator.SymbolicException.class, () -> ev.eval(FormulaParser.parse("x + 1")));
        assertEquals("unbound variable 'x'", ex.getMessage());
        assertThrows(SymbolicEvaluator.SymbolicException.class, () -> new SymbolicEvaluator(Poly::symbol, false).eval(FormulaParser.parse("2 ** n")));
        assertThrows(SymbolicEvaluator.SymbolicException.class, () -> new SymbolicEvaluator(Poly::symbol, false).eval(FormulaParser.parse("n / 0")));
    }

    @Test void canonicalFormSimplifies() throws Exception {
        Poly a = poly("h / n * n", Map.of());
        assertEquals(Poly.symbol("h"), a);
        Poly b = poly("2 * b * s * (s + c) * (h / n) * n", Map.of());
        Poly c = poly("2 * b * s * s * h + 2 * b * s * c * h", Map.of());
        assertEquals(b, c);
        assertEquals(c, poly(c.toFormula(), Map.of()));
        assertEquals("2·b·c·h·s + 2·b·h·s²", c.toPretty());
    }
}
