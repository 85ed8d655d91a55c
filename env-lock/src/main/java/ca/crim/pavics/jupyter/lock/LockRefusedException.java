package ca.crim.pavics.jupyter.lock;

/** An environment file that cannot be locked as it is: one line naming the file (and line) and why. */
public final class LockRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public LockRefusedException(String message) {
        super(message);
    }
}
