package ca.crim.pavics.jupyter.lock.repodata;

/** Channel data that cannot be had: one line naming the URL (or file) and why. */
public final class RepodataException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    private final boolean unreachable;

    /** @param unreachable the server could not be reached at all (a cached copy may do) */
    public RepodataException(String message, boolean unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
