package io.flopscope.document;

/** A named quantity of the analysis; formula is null when the document only describes it in prose. */
public record Variable(String name, String formula, String description) {}
