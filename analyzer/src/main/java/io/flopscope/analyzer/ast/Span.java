package io.flopscope.analyzer.ast;

/** A source range: 1-based lines, 0-based columns, end exclusive. */
public record Span(int startLine, int startCol, int endLine, int endCol) {
    public static final Span NONE = new Span(0, 0, 0, 0);
}
