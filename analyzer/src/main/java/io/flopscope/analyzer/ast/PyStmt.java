package io.flopscope.analyzer.ast;

import java.util.List;

/** Python statements. Every statement knows its source span (for line-by-line costs). */
public sealed interface PyStmt {
    Span span();

    record ExprStmt(PyExpr value, Span span) implements PyStmt {}
    /** targets: a = b = value gives two targets; a tuple target is a {@link PyExpr.TupleExpr}. */
    record Assign(List<PyExpr> targets, PyExpr value, Span span) implements PyStmt {}
    record AugAssign(PyExpr target, String op, PyExpr value, Span span) implements PyStmt {}
    /** value may be null (a bare annotation). */
    record AnnAssign(PyExpr target, PyExpr annotation, PyExpr value, Span span) implements PyStmt {}
    /** value may be null. */
    record Return(PyExpr value, Span span) implements PyStmt {}
    /** elif chains are nested Ifs in orelse. */
    record If(PyExpr test, List<PyStmt> body, List<PyStmt> orelse, Span span) implements PyStmt {}
    record For(PyExpr target, PyExpr iter, List<PyStmt> body, List<PyStmt> orelse, Span span) implements PyStmt {}
    record While(PyExpr test, List<PyStmt> body, List<PyStmt> orelse, Span span) implements PyStmt {}
    record With(List<WithItem> items, List<PyStmt> body, Span span) implements PyStmt {
        /** optionalVars may be null. */
        public record WithItem(PyExpr context, PyExpr optionalVars) {}
    }
    /** exc may be null (bare raise). */
    record Raise(PyExpr exc, Span span) implements PyStmt {}
    record Assert(PyExpr test, PyExpr msg, Span span) implements PyStmt {}
    record Pass(Span span) implements PyStmt {}
    record Break(Span span) implements PyStmt {}
    record Continue(Span span) implements PyStmt {}
    record Delete(List<PyExpr> targets, Span span) implements PyStmt {}
    record Try(List<PyStmt> body, List<Handler> handlers, List<PyStmt> orelse, List<PyStmt> finalbody, Span span) implements PyStmt {
        /** type and name may be null. */
        public record Handler(PyExpr type, String name, List<PyStmt> body) {}
    }
    /** span covers decorators and body; defLine is the line of the 'def' keyword. */
    record FunctionDef(String name, Params params, List<PyStmt> body, List<PyExpr> decorators, PyExpr returns, int defLine, Span span) implements PyStmt {}
    record ClassDef(String name, List<PyExpr> bases, List<PyExpr.Keyword> keywords, List<PyStmt> body, List<PyExpr> decorators, int classLine, Span span) implements PyStmt {}
    /** import a.b as c: one Alias per name. */
    record Import(List<Alias> names, Span span) implements PyStmt {}
    /** from ..x import y as z; module may be empty (from . import y); level counts the dots; name "*" for a star import. */
    record ImportFrom(String module, int level, List<Alias> names, Span span) implements PyStmt {}
    /** asName may be null. */
    record Alias(String name, String asName) {}
    record Global(List<String> names, Span span) implements PyStmt {}
    /** A statement the converter does not model (match, async for, ...), or a syntax error region. */
    record Unsupported(String kind, String text, Span span) implements PyStmt {}
}
