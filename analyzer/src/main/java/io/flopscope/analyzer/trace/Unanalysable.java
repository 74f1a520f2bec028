package io.flopscope.analyzer.trace;

/** Raised inside the interpreter when a construct cannot be modelled; the statement is reported unanalysed. */
class Unanalysable extends RuntimeException {
    Unanalysable(String message) { super(message, null, false, false); }
}
