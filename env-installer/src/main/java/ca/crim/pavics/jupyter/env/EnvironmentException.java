package ca.crim.pavics.jupyter.env;

/** The environment image cannot be built; the message is one line naming the file or package at fault. */
public final class EnvironmentException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
