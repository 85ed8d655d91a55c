package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.EnvironmentException;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A layer added after the environment layers (e.g. a declared model file or tool): known by a key before it is
 * written, so that an unchanged image is recognised without writing it, and written reproducibly.
 */
public interface ExtraLayer {
    /** Hex digest that identifies the layer's bytes: equal keys give equal layers. */
    String key();

    /** One line for logs and the image history. */
    String description();

    /**
     * The layer's gzip'd tar (reused from a cache when the key was written before).
     *
     * @param workDir a folder for temporary files of this build
     * @throws EnvironmentException (one line) for a problem with the declared content (download, hash, archive member)
     */
    LayerBlob write(Path workDir) throws EnvironmentException, IOException;
}
