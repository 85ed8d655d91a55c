package ca.crim.pavics.jupyter.env.layer;

import java.nio.file.Path;

/**
 * A written layer: its gzip file, the digest and size of that file, and the digest of the uncompressed tar
 * (the image config's diff_id).
 */
public record LayerBlob(Path file, String digest, long size, String diffId) {
}
