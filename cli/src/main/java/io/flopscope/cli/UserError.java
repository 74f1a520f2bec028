package io.flopscope.cli;

/** A problem the user can fix; printed as one line, never with a stack trace. */
final class UserError extends RuntimeException {
    final int exitCode;

    UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static UserError usage(String message) { return new UserError(ExitCodes.USAGE, message); }
    static UserError failed(String message) { return new UserError(ExitCodes.ERRORS, message); }
}
