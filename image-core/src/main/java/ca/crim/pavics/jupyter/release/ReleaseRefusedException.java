package ca.crim.pavics.jupyter.release;

/** A release cannot go ahead; the message is one line saying why and what to do. */
public final class ReleaseRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReleaseRefusedException(String message) {
        super(message);
    }
}
