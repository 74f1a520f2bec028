package io.flopscope.document;

/** Where the analysed class lives. Any part may be unknown (null). */
public record SourceLocation(String file, String className, Integer classLine, LineRange forward, LineRange init) {
    public static final SourceLocation UNKNOWN = new SourceLocation(null, null, null, null, null);
}
