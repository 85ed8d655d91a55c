package ca.crim.pavics.jupyter.snapshot;

/** A base environment snapshot that cannot be used; one line naming the file. */
public class SnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }
}
