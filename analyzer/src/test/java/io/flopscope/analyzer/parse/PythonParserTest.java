package io.flopscope.analyzer.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.ast.Params;
import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.diag.Diagnostic;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PythonParserTest {
    private static final PythonParser PARSER = new PythonParser();
    private static PyModule constructs;

    static String resource(String name) {
        try (InputStream in = PythonParserTest.class.getResourceAsStream("/io/flopscope/analyzer/parse/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void parseFixture() {
        constructs = PARSER.parse("fixtures.constructs", "constructs.py", resource("constructs.py"), false);
    }

    private static PyModule parse(String src) { return PARSER.parse("m", "m.py", src, false); }

    /** The top-level statement that starts on a line. */
    private static PyStmt at(int line) {
        for (PyStmt s : constructs.body()) if (s.span().startLine() == line) return s;
        throw new AssertionError("no statement on line " + line + ": " + constructs.line(line));
    }

    private static PyExpr value(int line) {
        PyStmt s = at(line);
        if (s instanceof PyStmt.Assign) return ((PyStmt.Assign) s).value();
        if (s instanceof PyStmt.AnnAssign) return ((PyStmt.AnnAssign) s).value();
        if (s instanceof PyStmt.AugAssign) return ((PyStmt.AugAssign) s).value();
        throw new AssertionError(s.toString());
    }

    private static String id(PyExpr e) { return assertInstanceOf(PyExpr.Name.class, e).id(); }

    private static Object constant(PyExpr e) { return assertInstanceOf(PyExpr.Constant.class, e).value(); }

    @Test
    void fixtureHasNoProblemsAndKeepsLines() {
        assertEquals(List.of(), constructs.problems());
        assertEquals("fixtures.constructs", constructs.name());
        assertEquals("x = y = 1_000", constructs.line(6));
        assertEquals("", constructs.line(0));
        assertEquals("", constructs.line(10_000));
        assertInstanceOf(PyStmt.ExprStmt.class, at(1)); // docstring
    }

    @Test
    void imports() {
        PyStmt.Import imp = assertInstanceOf(PyStmt.Import.class, at(2));
        assertEquals(List.of(new PyStmt.Alias("torch.nn", "nn"), new PyStmt.Alias("math", null)), imp.names());
        PyStmt.ImportFrom rel = assertInstanceOf(PyStmt.ImportFrom.class, at(3));
        assertEquals("pkg.sub", rel.module());
        assertEquals(2, rel.level());
        assertEquals(List.of(new PyStmt.Alias("helper", "h"), new PyStmt.Alias("other", null)), rel.names());
        PyStmt.ImportFrom dot = assertInstanceOf(PyStmt.ImportFrom.class, at(4));
        assertEquals("", dot.module());
        assertEquals(1, dot.level());
        PyStmt.ImportFrom star = assertInstanceOf(PyStmt.ImportFrom.class, at(5));
        assertEquals(List.of(new PyStmt.Alias("*", null)), star.names());
        assertEquals(0, star.level());
        PyStmt.ImportFrom fut = assertInstanceOf(PyStmt.ImportFrom.class,
                parse("from __future__ import annotations\n").body().get(0));
        assertEquals("__future__", fut.module());
    }

    @Test
    void assignmentsAndTargets() {
        PyStmt.Assign chained = assertInstanceOf(PyStmt.Assign.class, at(6));
        assertEquals(List.of("x", "y"), chained.targets().stream().map(PythonParserTest::id).collect(Collectors.toList()));
        assertEquals(1000L, constant(chained.value()));
        assertEquals(new Span(6, 0, 6, 13), chained.span());

        PyStmt.Assign tuple = assertInstanceOf(PyStmt.Assign.class, at(7));
        PyExpr.TupleExpr t = assertInstanceOf(PyExpr.TupleExpr.class, tuple.targets().get(0));
        assertEquals(List.of("a", "b"), t.elts().stream().map(PythonParserTest::id).collect(Collectors.toList()));
        PyExpr.Call call = assertInstanceOf(PyExpr.Call.class, tuple.value());
        assertEquals("args", id(assertInstanceOf(PyExpr.Starred.class, call.args().get(0)).value()));
        assertEquals("k", call.keywords().get(0).name());
        assertEquals(31L, constant(call.keywords().get(0).value()));
        assertNull(call.keywords().get(1).name(), "**kw is a keyword with a null name");
        assertEquals("kw", id(call.keywords().get(1).value()));

        PyStmt.Assign nested = assertInstanceOf(PyStmt.Assign.class, at(8));
        PyExpr.TupleExpr outer = assertInstanceOf(PyExpr.TupleExpr.class, nested.targets().get(0));
        assertInstanceOf(PyExpr.TupleExpr.class, outer.elts().get(0));
        assertEquals("rest", id(assertInstanceOf(PyExpr.Starred.class, outer.elts().get(1)).value()));

        PyStmt.AnnAssign ann = assertInstanceOf(PyStmt.AnnAssign.class, at(9));
        assertEquals("int", id(ann.annotation()));
        assertEquals(3L, constant(ann.value()));
        PyStmt.AnnAssign bare = assertInstanceOf(PyStmt.AnnAssign.class, at(10));
        assertNull(bare.value());
        PyExpr.Subscript opt = assertInstanceOf(PyExpr.Subscript.class, bare.annotation());
        assertEquals("Optional", id(opt.value()));
        PyExpr.Subscript tup = assertInstanceOf(PyExpr.Subscript.class, opt.index());
        PyExpr.TupleExpr args = assertInstanceOf(PyExpr.TupleExpr.class, tup.index());
        assertInstanceOf(PyExpr.Attribute.class, args.elts().get(0));
        assertInstanceOf(PyExpr.Ellipsis.class, args.elts().get(1));

        PyStmt.AugAssign aug = assertInstanceOf(PyStmt.AugAssign.class, at(11));
        assertEquals("+", aug.op());
        assertEquals(2.5e-5, constant(aug.value()));
    }

    @Test
    void subscriptsAndSlices() {
        // h[:, [-1], :]
        PyExpr.Subscript last = assertInstanceOf(PyExpr.Subscript.class, value(12));
        PyExpr.TupleExpr idx = assertInstanceOf(PyExpr.TupleExpr.class, last.index());
        assertEquals(3, idx.elts().size());
        PyExpr.Slice all = assertInstanceOf(PyExpr.Slice.class, idx.elts().get(0));
        assertNull(all.lower());
        assertNull(all.upper());
        assertNull(all.step());
        PyExpr.ListExpr keep = assertInstanceOf(PyExpr.ListExpr.class, idx.elts().get(1));
        PyExpr.UnaryOp neg = assertInstanceOf(PyExpr.UnaryOp.class, keep.elts().get(0));
        assertEquals("-", neg.op());
        assertEquals(1L, constant(neg.operand()));
        assertInstanceOf(PyExpr.Slice.class, idx.elts().get(2));
        assertEquals(new Span(12, 7, 12, 20), last.span());

        // h[..., :n]
        PyExpr.Subscript tail = assertInstanceOf(PyExpr.Subscript.class, value(13));
        PyExpr.TupleExpr ti = assertInstanceOf(PyExpr.TupleExpr.class, tail.index());
        assertInstanceOf(PyExpr.Ellipsis.class, ti.elts().get(0));
        PyExpr.Slice upTo = assertInstanceOf(PyExpr.Slice.class, ti.elts().get(1));
        assertNull(upTo.lower());
        assertEquals("n", id(upTo.upper()));

        // h[1:2:3], h[::2], h[i], h[1,]
        List<PyExpr> four = assertInstanceOf(PyExpr.TupleExpr.class, value(14)).elts();
        PyExpr.Slice s123 = assertInstanceOf(PyExpr.Slice.class, ((PyExpr.Subscript) four.get(0)).index());
        assertEquals(List.of(1L, 2L, 3L), List.of(constant(s123.lower()), constant(s123.upper()), constant(s123.step())));
        PyExpr.Slice s2 = assertInstanceOf(PyExpr.Slice.class, ((PyExpr.Subscript) four.get(1)).index());
        assertNull(s2.lower());
        assertNull(s2.upper());
        assertEquals(2L, constant(s2.step()));
        assertEquals("i", id(((PyExpr.Subscript) four.get(2)).index()));
        PyExpr.TupleExpr oneTuple = assertInstanceOf(PyExpr.TupleExpr.class, ((PyExpr.Subscript) four.get(3)).index());
        assertEquals(1, oneTuple.elts().size(), "h[1,] indexes with a one-element tuple");
    }

    @Test
    void comparisonsAndBooleans() {
        PyExpr.BoolOp and = assertInstanceOf(PyExpr.BoolOp.class, value(15));
        assertEquals("and", and.op());
        assertEquals(3, and.values().size(), "a and b and c is one flat BoolOp");
        PyExpr.Compare isNot = assertInstanceOf(PyExpr.Compare.class, and.values().get(0));
        assertEquals(List.of("is not"), isNot.ops());
        PyExpr.Compare notIn = assertInstanceOf(PyExpr.Compare.class, and.values().get(1));
        assertEquals(List.of("not in"), notIn.ops());
        PyExpr.Compare chain = assertInstanceOf(PyExpr.Compare.class, and.values().get(2));
        assertEquals(List.of("<", "<="), chain.ops());
        assertEquals(2, chain.comparators().size());
        PyExpr.BoolOp or = assertInstanceOf(PyExpr.BoolOp.class, parse("v = a or (b or c)\n").body().stream()
                .map(s -> ((PyStmt.Assign) s).value()).findFirst().orElseThrow());
        assertEquals(2, or.values().size(), "a parenthesized operand is not flattened");
    }

    @Test
    void literals() {
        List<PyExpr> flags = assertInstanceOf(PyExpr.TupleExpr.class, value(16)).elts();
        assertEquals(Boolean.TRUE, constant(flags.get(0)));
        assertEquals(Boolean.FALSE, constant(flags.get(1)));
        assertEquals(PyExpr.Constant.NONE, constant(flags.get(2)));
        assertEquals("a\tbc\\d", constant(value(17)), "escapes decoded, raw string kept, concatenated");
        PyExpr.FString fs = assertInstanceOf(PyExpr.FString.class, value(18));
        assertEquals("f\"{x!r:>3}\" \"tail\"", fs.text());
        PyExpr.BinOp big = assertInstanceOf(PyExpr.BinOp.class, value(19));
        PyExpr.BinOp inner = assertInstanceOf(PyExpr.BinOp.class, big.left());
        PyExpr.BinOp inner2 = assertInstanceOf(PyExpr.BinOp.class, inner.left());
        assertEquals(new BigInteger("123456789012345678901234567890"), constant(inner2.left()));
        assertEquals(15L, constant(inner2.right()));
        assertEquals(5L, constant(inner.right()));
        assertEquals(1e-5, constant(big.right()));
        assertEquals(0.5, constant(((PyStmt.Assign) parse("h = .5\n").body().get(0)).value()));
        assertEquals("\u00e9\n", constant(((PyStmt.Assign) parse("s = '\\xe9\\n'\n").body().get(0)).value()));
    }

    @Test
    void operators() {
        // -a + +b * ~c // d ** 2 @ w % 3 - (not e)
        PyExpr.BinOp top = assertInstanceOf(PyExpr.BinOp.class, value(20));
        assertEquals("-", top.op());
        PyExpr.UnaryOp not = assertInstanceOf(PyExpr.UnaryOp.class, top.right());
        assertEquals("not", not.op());
        PyExpr.BinOp plus = assertInstanceOf(PyExpr.BinOp.class, top.left());
        assertEquals("+", plus.op());
        assertEquals("-", assertInstanceOf(PyExpr.UnaryOp.class, plus.left()).op());
        PyExpr.BinOp mod = assertInstanceOf(PyExpr.BinOp.class, plus.right());
        assertEquals("%", mod.op());
        PyExpr.BinOp matmul = assertInstanceOf(PyExpr.BinOp.class, mod.left());
        assertEquals("@", matmul.op());
        PyExpr.BinOp floordiv = assertInstanceOf(PyExpr.BinOp.class, matmul.left());
        assertEquals("//", floordiv.op());
        assertEquals("**", assertInstanceOf(PyExpr.BinOp.class, floordiv.right()).op());
        PyExpr.BinOp mul = assertInstanceOf(PyExpr.BinOp.class, floordiv.left());
        assertEquals("*", mul.op());
        assertEquals("+", assertInstanceOf(PyExpr.UnaryOp.class, mul.left()).op());
        assertEquals("~", assertInstanceOf(PyExpr.UnaryOp.class, mul.right()).op());
    }

    @Test
    void comprehensionsLambdasConditionals() {
        PyExpr.Comprehension list = assertInstanceOf(PyExpr.Comprehension.class, value(21));
        assertEquals("list", list.kind());
        assertEquals(2, list.generators().size());
        assertEquals("i", id(list.generators().get(0).target()));
        assertEquals(1, list.generators().get(0).ifs().size());
        assertInstanceOf(PyExpr.Compare.class, list.generators().get(1).ifs().get(0));
        PyExpr.Call sum = assertInstanceOf(PyExpr.Call.class, value(22));
        assertEquals("generator", assertInstanceOf(PyExpr.Comprehension.class, sum.args().get(0)).kind());
        PyExpr.Comprehension dict = assertInstanceOf(PyExpr.Comprehension.class, value(23));
        assertEquals("dict", dict.kind());
        assertEquals("k", id(dict.elt()));
        assertEquals("v", id(dict.value()));
        assertInstanceOf(PyExpr.TupleExpr.class, dict.generators().get(0).target());
        assertEquals("set", assertInstanceOf(PyExpr.Comprehension.class, value(24)).kind());
        PyExpr.DictExpr dd = assertInstanceOf(PyExpr.DictExpr.class, value(25));
        assertEquals("a", constant(dd.keys().get(0)));
        assertNull(dd.keys().get(1), "**extra has a null key");
        assertEquals("extra", id(dd.values().get(1)));
        PyExpr.Lambda lam = assertInstanceOf(PyExpr.Lambda.class, value(26));
        assertEquals(List.of(Params.Kind.POSITIONAL, Params.Kind.VAR_POSITIONAL, Params.Kind.KEYWORD_ONLY, Params.Kind.VAR_KEYWORD),
                lam.params().params().stream().map(Params.Param::kind).collect(Collectors.toList()));
        assertEquals("u", id(lam.body()));
        PyExpr.IfExp cond = assertInstanceOf(PyExpr.IfExp.class, value(27));
        assertEquals("b", id(cond.test()));
        assertEquals("a", id(cond.body()));
        assertEquals("c", id(cond.orelse()));
    }

    @Test
    void ifElifChainsNestAndWalrus() {
        PyStmt.If top = assertInstanceOf(PyStmt.If.class, at(28));
        PyExpr.Compare test = assertInstanceOf(PyExpr.Compare.class, top.test());
        PyExpr.NamedExpr walrus = assertInstanceOf(PyExpr.NamedExpr.class, test.left());
        assertEquals("walrus", id(walrus.target()));
        assertEquals(new Span(28, 0, 35, 9), top.span());
        PyStmt.If elif1 = assertInstanceOf(PyStmt.If.class, top.orelse().get(0));
        assertEquals(30, elif1.span().startLine());
        assertEquals("x", id(elif1.test()));
        PyStmt.If elif2 = assertInstanceOf(PyStmt.If.class, elif1.orelse().get(0));
        assertEquals("y", id(elif2.test()));
        assertEquals(1, elif2.orelse().size());
        assertEquals(35, elif2.orelse().get(0).span().startLine(), "else body of the innermost elif");
    }

    @Test
    void loopsWithTryAssertDelGlobal() {
        PyStmt.For f = assertInstanceOf(PyStmt.For.class, at(36));
        assertInstanceOf(PyExpr.TupleExpr.class, f.target());
        assertInstanceOf(PyStmt.Continue.class, f.body().get(0));
        assertInstanceOf(PyStmt.Pass.class, f.orelse().get(0));
        PyStmt.While w = assertInstanceOf(PyStmt.While.class, at(40));
        assertInstanceOf(PyStmt.Break.class, w.body().get(0));
        assertEquals(1, w.orelse().size());
        PyStmt.With with = assertInstanceOf(PyStmt.With.class, at(44));
        assertEquals(2, with.items().size());
        assertEquals("fh", id(with.items().get(0).optionalVars()));
        assertNull(with.items().get(1).optionalVars());
        PyStmt.Try t = assertInstanceOf(PyStmt.Try.class, at(46));
        assertEquals(2, t.handlers().size());
        assertEquals("err", t.handlers().get(0).name());
        assertInstanceOf(PyExpr.TupleExpr.class, t.handlers().get(0).type());
        PyStmt.Raise r = assertInstanceOf(PyStmt.Raise.class, t.handlers().get(0).body().get(0));
        assertInstanceOf(PyExpr.Call.class, r.exc());
        assertNull(assertInstanceOf(PyStmt.Raise.class, t.handlers().get(1).body().get(0)).exc());
        assertEquals(1, t.orelse().size());
        assertEquals(1, t.finalbody().size());
        PyStmt.Assert a = assertInstanceOf(PyStmt.Assert.class, at(56));
        assertEquals("positive", constant(a.msg()));
        PyStmt.Delete d = assertInstanceOf(PyStmt.Delete.class, at(57));
        assertEquals(2, d.targets().size());
        assertEquals(List.of("gg"), assertInstanceOf(PyStmt.Global.class, at(58)).names());
    }

    @Test
    void decoratedFunctionKeepsParamsAnnotationsAndLines() {
        PyStmt.FunctionDef f = assertInstanceOf(PyStmt.FunctionDef.class, at(61));
        assertEquals("func", f.name());
        assertEquals(63, f.defLine(), "defLine is the 'def' line, the span starts at the first decorator");
        assertEquals(new Span(61, 0, 65, 15), f.span());
        assertEquals(2, f.decorators().size());
        assertInstanceOf(PyExpr.Call.class, f.decorators().get(0));
        assertInstanceOf(PyExpr.Attribute.class, f.decorators().get(1));
        List<Params.Param> ps = f.params().params();
        assertEquals(List.of("self", "a", "b", "args", "c", "d", "kwargs"),
                ps.stream().map(Params.Param::name).collect(Collectors.toList()));
        assertEquals(List.of(Params.Kind.POSITIONAL_ONLY, Params.Kind.POSITIONAL_ONLY, Params.Kind.POSITIONAL,
                        Params.Kind.VAR_POSITIONAL, Params.Kind.KEYWORD_ONLY, Params.Kind.KEYWORD_ONLY, Params.Kind.VAR_KEYWORD),
                ps.stream().map(Params.Param::kind).collect(Collectors.toList()));
        assertEquals("int", id(ps.get(1).annotation()));
        assertEquals(2L, constant(ps.get(2).defaultValue()));
        assertEquals("str", id(ps.get(3).annotation()));
        assertEquals(1.0, constant(ps.get(5).defaultValue()));
        assertEquals("Out", constant(f.returns()));
        assertInstanceOf(PyStmt.ExprStmt.class, f.body().get(0));
        assertInstanceOf(PyStmt.Return.class, f.body().get(1));
    }

    @Test
    void classDefinition() {
        PyStmt.ClassDef c = assertInstanceOf(PyStmt.ClassDef.class, at(68));
        assertEquals("Model", c.name());
        assertEquals(68, c.classLine());
        PyExpr.Attribute base = assertInstanceOf(PyExpr.Attribute.class, c.bases().get(0));
        assertEquals("Module", base.attr());
        assertEquals("nn", id(base.value()));
        assertEquals("metaclass", c.keywords().get(0).name());
        assertInstanceOf(PyStmt.AnnAssign.class, c.body().get(0));
        assertInstanceOf(PyStmt.Assign.class, c.body().get(1));
        PyStmt.FunctionDef fwd = assertInstanceOf(PyStmt.FunctionDef.class, c.body().get(2));
        assertEquals(72, fwd.defLine());
        PyStmt.Return ret = assertInstanceOf(PyStmt.Return.class, fwd.body().get(0));
        PyExpr.Call call = assertInstanceOf(PyExpr.Call.class, ret.value());
        assertEquals(new Span(73, 15, 73, 27), call.span());
    }

    @Test
    void unsupportedConstructsCarryKindAndText() {
        PyModule m = PARSER.parse("u", "unsupported.py", resource("unsupported.py"), false);
        assertEquals(List.of(), m.problems());
        PyStmt.Unsupported match = assertInstanceOf(PyStmt.Unsupported.class, m.body().get(0));
        assertEquals("match_statement", match.kind());
        assertTrue(match.text().startsWith("match command:"));
        PyStmt.FunctionDef fetch = assertInstanceOf(PyStmt.FunctionDef.class, m.body().get(1));
        assertEquals("async_for_statement", assertInstanceOf(PyStmt.Unsupported.class, fetch.body().get(0)).kind());
        assertEquals("async_with_statement", assertInstanceOf(PyStmt.Unsupported.class, fetch.body().get(1)).kind());
        PyStmt.FunctionDef gen = assertInstanceOf(PyStmt.FunctionDef.class, m.body().get(2));
        PyExpr.Unsupported yield = assertInstanceOf(PyExpr.Unsupported.class, ((PyStmt.Assign) gen.body().get(0)).value());
        assertEquals("yield", yield.kind());
        assertEquals("yield 1", yield.text());
        assertEquals("nonlocal_statement", assertInstanceOf(PyStmt.Unsupported.class, gen.body().get(1)).kind());
        assertEquals("set", assertInstanceOf(PyExpr.Unsupported.class, ((PyStmt.Assign) m.body().get(3)).value()).kind());
        assertEquals("complex", assertInstanceOf(PyExpr.Unsupported.class, ((PyStmt.Assign) m.body().get(4)).value()).kind());
        assertEquals("bytes", assertInstanceOf(PyExpr.Unsupported.class, ((PyStmt.Assign) m.body().get(5)).value()).kind());
        PyStmt.Unsupported print = assertInstanceOf(PyStmt.Unsupported.class, m.body().get(6));
        assertEquals(new Span(15, 0, 15, 26), print.span());
    }

    @Test
    void syntaxErrorsAreDiagnosedAndTheRestIsConverted() {
        PyModule m = PARSER.parse("bad", "pkg/syntax_error.py", resource("syntax_error.py"), false);
        List<String> shown = m.problems().stream().map(Diagnostic::toString).collect(Collectors.toList());
        assertEquals(List.of("pkg/syntax_error.py:7:9: error: syntax error: unexpected 'return'",
                "pkg/syntax_error.py:10:9: error: syntax error: unexpected 'z = foo(1, 2'"), shown);
        assertTrue(m.problems().stream().allMatch(Diagnostic::isError));
        PyStmt.ClassDef net = assertInstanceOf(PyStmt.ClassDef.class, m.body().get(1));
        assertEquals(2, net.body().size());
        PyStmt.FunctionDef broken = assertInstanceOf(PyStmt.FunctionDef.class, net.body().get(1));
        PyStmt.Unsupported region = assertInstanceOf(PyStmt.Unsupported.class, broken.body().get(0));
        assertEquals("ERROR", region.kind());
        assertEquals(10, region.span().startLine());
        PyStmt.FunctionDef good = assertInstanceOf(PyStmt.FunctionDef.class, m.body().get(2));
        assertEquals("good", good.name());
        assertEquals(14, good.defLine());
        assertInstanceOf(PyExpr.BinOp.class, assertInstanceOf(PyStmt.Return.class, good.body().get(0)).value());
        assertEquals("After", assertInstanceOf(PyStmt.ClassDef.class, m.body().get(3)).name());
    }

    @Test
    void anUnclosedBracketDoesNotSwallowTheStatementsAfterIt() {
        PyModule m = PARSER.parse("rec", "unclosed_bracket.py", resource("unclosed_bracket.py"), false);
        assertEquals(List.of("unclosed_bracket.py:6:9: error: syntax error: unexpected 'y = self.proj(x,'",
                        "unclosed_bracket.py:21:5: error: syntax error: unexpected 'return [1, 2'"),
                m.problems().stream().map(Diagnostic::toString).collect(Collectors.toList()));
        PyStmt.ClassDef a = assertInstanceOf(PyStmt.ClassDef.class, m.body().get(1));
        PyStmt.FunctionDef fwd = assertInstanceOf(PyStmt.FunctionDef.class, a.body().get(0));
        PyStmt.Unsupported region = assertInstanceOf(PyStmt.Unsupported.class, fwd.body().get(0));
        assertEquals("ERROR", region.kind());
        assertEquals(6, region.span().startLine());
        assertEquals(7, region.span().endLine());
        assertTrue(region.text().contains("self.proj(x,"), region.text());
        assertInstanceOf(PyStmt.Assign.class, fwd.body().get(1), "z = y + 1 on line 8 is converted");
        assertInstanceOf(PyStmt.Return.class, fwd.body().get(2));
        assertEquals(2, a.body().size(), "method 'other' is still in class A");
        assertEquals("B", assertInstanceOf(PyStmt.ClassDef.class, m.body().get(2)).name());
        assertEquals("tail", assertInstanceOf(PyStmt.FunctionDef.class, m.body().get(3)).name());
        assertEquals(m.lines(), List.of(resource("unclosed_bracket.py").split("\n", -1)).subList(0, m.lines().size()),
                "lines are the original text, not the re-parsed one");
    }

    @Test
    void missingTokensAreReported() {
        PyModule m = parse("def f(a, b:\n    return a\n\nx = 1\n");
        assertFalse(m.problems().isEmpty());
        assertTrue(m.problems().get(0).message().startsWith("syntax error"), m.problems().toString());
        assertTrue(m.problems().get(0).line() >= 1 && m.problems().get(0).column() >= 1);
        assertTrue(m.body().stream().anyMatch(s -> s.span().startLine() == 4), "x = 1 survives: " + m.body());
    }

    @Test
    void columnsCountCharactersNotBytes() {
        PyModule m = parse("s = 'é€😀' + tail\n");
        PyExpr.BinOp b = assertInstanceOf(PyExpr.BinOp.class, ((PyStmt.Assign) m.body().get(0)).value());
        assertEquals("é€😀", constant(b.left()));
        assertEquals(new Span(1, 4, 1, 10), b.left().span(), "😀 is two UTF-16 chars, é and € one each");
        assertEquals(new Span(1, 13, 1, 17), b.right().span());
    }

    @Test
    void crlfAndTabsAndEmptyInputs() {
        PyModule crlf = parse("a = 1\r\nb = 2\r\n");
        assertEquals(List.of("a = 1", "b = 2"), crlf.lines());
        assertEquals(2, crlf.body().get(1).span().startLine());
        assertEquals(List.of(), parse("").body());
        assertEquals(List.of(), parse("").problems());
        assertEquals(List.of(), PARSER.parse("m", "m.py", null, false).body());
        assertEquals(List.of(), parse("# only a comment\n\n").body());
    }

    @Test
    void pathologicalInputsNeverThrow() {
        String deep = "x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n";
        String unary = "y = " + "-".repeat(5000) + "1\n";
        String chain = "z = " + "a + ".repeat(5000) + "a\n";
        String open = "v = " + "[".repeat(3000) + "\ndef ok(): return 1\n";
        String nul = "a = 1\u0000\u0001\u0002 b\n";
        String lone = "s = '\ud800'\n";
        for (String src : List.of(deep, unary, chain, open, nul, lone, "\\\n", ":::", "def", "class (", "@", "else:")) {
            PyModule m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parse(src));
            assertNotNull(m.body());
            assertTrue(m.problems().stream().noneMatch(d -> d.message().contains("internal error")), m.problems().toString());
        }
        PyExpr v = ((PyStmt.Assign) parse(deep).body().get(0)).value();
        assertEquals("too_deeply_nested", assertInstanceOf(PyExpr.Unsupported.class, v).kind());
    }

    @Test
    void parseTimeoutGivesADiagnostic() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200_000; i++) sb.append("x").append(i).append(" = foo(a, b[1:2], c.d)\n");
        PyModule m = new PythonParser(1).parse("big", "big.py", sb.toString(), false);
        assertEquals(List.of(), m.body());
        assertEquals(1, m.problems().size());
        assertTrue(m.problems().get(0).message().startsWith("parse abandoned"), m.problems().toString());
    }
    /**
     * Seventy nested blocks at four spaces (280 columns): tree-sitter keeps indentation widths in a byte, so the file
     * is parsed with its indentation rewritten; columns are the original ones and strings keep their text.
     */
    @Test
    void seventyNestedBlocksParseWithTheirColumns() {
        StringBuilder sb = new StringBuilder("def f(x):\n");
        String ind = "    ";
        for (int i = 0; i < 70; i++) {
            sb.append(ind).append("if x:\n");
            ind += "    ";
        }
        sb.append(ind).append("y = \"\"\"a\n").append(" ".repeat(300)).append("b\"\"\"\n");
        sb.append(ind).append("return (x +\n").append(" ".repeat(290)).append("1)\n");
        PyModule m = PARSER.parse("deep", "deep.py", sb.toString(), false);
        assertTrue(m.problems().isEmpty(), () -> m.problems().toString());
        PyStmt s = ((PyStmt.FunctionDef) m.body().get(0)).body().get(0);
        for (int i = 1; i < 70; i++) s = ((PyStmt.If) s).body().get(0);
        List<PyStmt> inner = ((PyStmt.If) s).body();
        assertEquals(2, inner.size());
        PyStmt.Assign a = (PyStmt.Assign) inner.get(0);
        assertEquals(4 * 71, a.span().startCol());
        assertEquals("a\n" + " ".repeat(300) + "b", ((PyExpr.Constant) a.value()).value());
        assertEquals(4 * 71, inner.get(1).span().startCol());
    }
}
