package ca.crim.pavics.jupyter.env.lock;

/** A lock file that cannot be used; the message is one line (the file is added by the reader). */
public class LockException extends Exception {
    private static final long serialVersionUID = 1L;

    public LockException(String message) {
        super(message);
    }
}
