package ca.crim.pavics.jupyter.snapshot;

/**
 * The base image resolves to another image than the one its snapshot describes (the tag moved, or another base was
 * given): the snapshot must be made again. Front ends add the command that does it.
 */
public final class SnapshotMismatchException extends SnapshotException {
    private static final long serialVersionUID = 1L;
    private final String baseImage;

    public SnapshotMismatchException(String message, String baseImage) {
        super(message);
        this.baseImage = baseImage;
    }

    /** The base image reference the build uses. */
    public String baseImage() {
        return baseImage;
    }
}
