package ca.crim.pavics.jupyter.files;

/** A problem with declared image files or their lock, in one line ready to show (file and line when known). */
public final class ImageFilesException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean lock;

    public ImageFilesException(String message) {
        this(message, false);
    }

    /** @param lock whether locking again fixes it (a URL the lock lacks, a lock that is missing or unreadable) */
    public ImageFilesException(String message, boolean lock) {
        super(message.replace('\n', ' '));
        this.lock = lock;
    }

    /** Whether locking again fixes it. */
    public boolean fixedByLocking() {
        return lock;
    }
}
