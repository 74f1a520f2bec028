package io.flopscope.formula;

/** A formula that does not parse: the 0-based column and what was expected there. */
public final class FormulaSyntaxError extends Exception {
    private final int column;

    public FormulaSyntaxError(int column, String message) {
        super(message);
        this.column = column;
    }

    public int column() { return column; }
}
