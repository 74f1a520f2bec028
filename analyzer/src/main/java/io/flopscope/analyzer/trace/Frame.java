package io.flopscope.analyzer.trace;

import io.flopscope.formula.Poly;
import java.util.HashMap;
import java.util.Map;

/** One function activation: locals, the module its names resolve in, the receiver, and where costs go. */
final class Frame {
    final String module;
    final Map<String, Value> locals = new HashMap<>();
    final Value self;
    /** The class whose method this is (for super()). */
    final String owner;
    final Recorder rec;
    /** true when this frame's statements are recorded line by line (a traced forward), false when inlined or in __init__. */
    final boolean recordsStatements;
    /** Multiplies every cost recorded from here: loop counts of enclosing loops. */
    Poly multiplier;
    /** What the caller's line calls, for the analysis text of inlined code. */
    final String inlinedFrom;
    /** The function body this frame runs (its first exec), and the statements after the current one in it. */
    java.util.List<io.flopscope.analyzer.ast.PyStmt> topBody, rest;

    Frame(String module, Value self, String owner, Recorder rec, boolean recordsStatements, Poly multiplier, String inlinedFrom) {
        this.module = module;
        this.self = self;
        this.owner = owner;
        this.rec = rec;
        this.recordsStatements = recordsStatements;
        this.multiplier = multiplier;
        this.inlinedFrom = inlinedFrom;
    }
}
