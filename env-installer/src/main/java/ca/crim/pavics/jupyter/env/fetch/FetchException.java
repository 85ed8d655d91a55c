package ca.crim.pavics.jupyter.env.fetch;

/** A package that cannot be downloaded or whose content does not match the lock; one line naming the URL. */
public final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;

    public FetchException(String message) {
        super(message);
    }
}
