package io.flopscope.document;

/** A name a caller binds in {@code ${Class}(args)}; defaultFormula is null when the argument is required. */
public record Parameter(String name, String defaultFormula, boolean keywordOnly, String description) {
    public boolean required() { return defaultFormula == null; }
}
