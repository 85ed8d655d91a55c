package ca.crim.pavics.jupyter.deploy.sync;

/** A destination that cannot be updated safely; the message is one line. */
public final class SyncException extends Exception {
    private static final long serialVersionUID = 1L;

    public SyncException(String message) {
        super(message);
    }
}
