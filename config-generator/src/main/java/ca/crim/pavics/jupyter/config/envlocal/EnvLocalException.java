package ca.crim.pavics.jupyter.config.envlocal;

/** An env.local that cannot be updated safely; the message is one line (file and line where known). */
public final class EnvLocalException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnvLocalException(String message) {
        super(message);
    }
}
