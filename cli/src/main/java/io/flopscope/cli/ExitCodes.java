package io.flopscope.cli;

/** 0: success; 1: the input has errors (or the analysis is incomplete); 2: bad usage. */
final class ExitCodes {
    static final int OK = 0;
    static final int ERRORS = 1;
    static final int USAGE = 2;

    private ExitCodes() {}
}
