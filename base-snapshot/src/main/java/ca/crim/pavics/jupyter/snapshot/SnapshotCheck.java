package ca.crim.pavics.jupyter.snapshot;

import java.nio.file.Path;

/** Whether a snapshot describes the image a base reference resolves to now. */
public final class SnapshotCheck {
    private SnapshotCheck() {
    }

    /**
     * @param manifestDigest the linux/amd64 manifest digest {@code baseImage} resolves to
     * @return true when the snapshot names an image and it is that one; false when the snapshot names no image
     *     (an older snapshot: nothing to compare)
     * @throws SnapshotMismatchException one line naming both digests and the reference, when they differ
     */
    public static boolean requireSameImage(BaseSnapshot snapshot, Path file, String baseImage, String manifestDigest)
            throws SnapshotMismatchException {
        if (snapshot.image().isEmpty()) {
            return false;
        }
        BaseSnapshot.ImageInfo image = snapshot.image().get();
        if (!image.digest().equals(manifestDigest)) {
            throw new SnapshotMismatchException("base image " + baseImage + " is " + manifestDigest + ", but " + file
                    + " describes " + image.digest() + " (" + image.reference() + "): the snapshot is of another image"
                    + " (the tag moved?); make the snapshot again for " + baseImage, baseImage);
        }
        return true;
    }
}
