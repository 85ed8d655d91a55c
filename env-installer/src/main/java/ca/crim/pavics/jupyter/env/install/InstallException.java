package ca.crim.pavics.jupyter.env.install;

/** A package that cannot be installed; the message is one line naming the package. */
public final class InstallException extends Exception {
    private static final long serialVersionUID = 1L;

    public InstallException(String message) {
        super(message);
    }

    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
