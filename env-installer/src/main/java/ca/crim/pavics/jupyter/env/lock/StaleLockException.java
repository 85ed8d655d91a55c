package ca.crim.pavics.jupyter.env.lock;

/**
 * A lock that no longer belongs to its {@code environment.yml} (or no lock at all): the environment file changed
 * since it was made, a spec is not met by it, or it records no hash. Locking again mends it.
 */
public final class StaleLockException extends LockException {
    private static final long serialVersionUID = 1L;

    public StaleLockException(String message) {
        super(message);
    }
}
