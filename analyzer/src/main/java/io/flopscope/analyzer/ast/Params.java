package io.flopscope.analyzer.ast;

import java.util.List;

/** A function's parameters in order. */
public record Params(List<Param> params) {
    public enum Kind { POSITIONAL_ONLY, POSITIONAL, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD }

    /** defaultValue and annotation may be null. */
    public record Param(String name, PyExpr defaultValue, PyExpr annotation, Kind kind) {}
}
