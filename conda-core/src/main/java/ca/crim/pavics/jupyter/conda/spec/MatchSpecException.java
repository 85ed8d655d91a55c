package ca.crim.pavics.jupyter.conda.spec;

/**
 * A match spec conda would refuse. The message is one line: the spec, the 1-based column where the problem starts,
 * and why.
 */
public final class MatchSpecException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String spec;
    private final int column;
    private final String reason;

    public MatchSpecException(String spec, int column, String reason) {
        super("invalid match spec '" + spec + "' at column " + column + ": " + reason);
        this.spec = spec;
        this.column = column;
        this.reason = reason;
    }

    public String spec() {
        return spec;
    }

    /** 1-based column in the spec. */
    public int column() {
        return column;
    }

    /** Why, without the spec. */
    public String reason() {
        return reason;
    }
}
