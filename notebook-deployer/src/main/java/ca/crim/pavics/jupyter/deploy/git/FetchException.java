package ca.crim.pavics.jupyter.deploy.git;

/** A repository, ref or folder that cannot be fetched; the message is one line. */
public final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;

    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
