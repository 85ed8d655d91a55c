package ca.crim.pavics.jupyter.env.pkg;

/** A conda package that cannot be read; the message is one line naming the file. */
public final class PackageException extends Exception {
    private static final long serialVersionUID = 1L;

    public PackageException(String message) {
        super(message);
    }

    public PackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
