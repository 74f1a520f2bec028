package io.flopscope.analyzer.ast;

import java.util.List;

/** Python expressions, as much of the language as model code uses. Anything else is {@link Unsupported}. */
public sealed interface PyExpr {
    Span span();

    record Name(String id, Span span) implements PyExpr {}
    record Attribute(PyExpr value, String attr, Span span) implements PyExpr {}
    /** A call; positional arguments may be {@link Starred}, keywords with a null name are {@code **kwargs}. */
    record Call(PyExpr func, List<PyExpr> args, List<Keyword> keywords, Span span) implements PyExpr {}
    record Keyword(String name, PyExpr value) {}
    /** value: Long/BigInteger, Double, String, Boolean, or {@link #NONE}. */
    record Constant(Object value, Span span) implements PyExpr {
        public static final Object NONE = new Object() { @Override public String toString() { return "None"; } };
    }
    /** op: + - * / // % ** @ & | ^ << >> */
    record BinOp(PyExpr left, String op, PyExpr right, Span span) implements PyExpr {}
    /** op: - + not ~ */
    record UnaryOp(String op, PyExpr operand, Span span) implements PyExpr {}
    /** op: and / or */
    record BoolOp(String op, List<PyExpr> values, Span span) implements PyExpr {}
    /** ops: == != < <= > >= is, is not, in, not in */
    record Compare(PyExpr left, List<String> ops, List<PyExpr> comparators, Span span) implements PyExpr {}
    record IfExp(PyExpr test, PyExpr body, PyExpr orelse, Span span) implements PyExpr {}
    /** index may be a {@link Slice}, a {@link TupleExpr} of indices/slices, or any expression. */
    record Subscript(PyExpr value, PyExpr index, Span span) implements PyExpr {}
    /** Any part may be null. */
    record Slice(PyExpr lower, PyExpr upper, PyExpr step, Span span) implements PyExpr {}
    record TupleExpr(List<PyExpr> elts, Span span) implements PyExpr {}
    record ListExpr(List<PyExpr> elts, Span span) implements PyExpr {}
    /** keys.get(i) == null means {@code **values.get(i)}. */
    record DictExpr(List<PyExpr> keys, List<PyExpr> values, Span span) implements PyExpr {}
    record Starred(PyExpr value, Span span) implements PyExpr {}
    record DoubleStarred(PyExpr value, Span span) implements PyExpr {}
    record Ellipsis(Span span) implements PyExpr {}
    record Lambda(Params params, PyExpr body, Span span) implements PyExpr {}
    /** kind: list, generator, set, dict (dict: elt is the key, value the value). */
    record Comprehension(String kind, PyExpr elt, PyExpr value, List<For> generators, Span span) implements PyExpr {
        public record For(PyExpr target, PyExpr iter, List<PyExpr> ifs) {}
    }
    /** f-strings and other strings built at run time: no cost meaning. */
    /** An f-string; parts are its literal pieces (Constant) and interpolated expressions, null when it has a format spec or conversion. */
    record FString(String text, List<PyExpr> parts, Span span) implements PyExpr {}
    /** Walrus {@code (x := value)}. */
    record NamedExpr(PyExpr target, PyExpr value, Span span) implements PyExpr {}
    /** A construct the converter does not model, with its source text and tree-sitter node type. */
    record Unsupported(String kind, String text, Span span) implements PyExpr {}
}
