package ca.crim.pavics.jupyter.conda.version;

/** A version or version spec that conda would refuse; the message names it and says why. */
public final class VersionException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String input;

    public VersionException(String input, String reason) {
        super("invalid version '" + input + "': " + reason);
        this.input = input;
    }

    /** The text that was refused. */
    public String input() {
        return input;
    }
}
