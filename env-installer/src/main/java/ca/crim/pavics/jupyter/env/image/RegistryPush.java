package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the environment image: base blobs the target lacks are mounted from the base repository when both are on
 * one registry, else copied registry to registry (streamed, never stored here, verified against their digests as
 * they pass: an altered blob ends the push before the registry commits it); our layers, the config and the manifest
 * (under its tag, last, so that the tag moves only when every blob is in place) follow. Blobs the target already
 * has are skipped.
 */
public final class RegistryPush {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPush.class);

    private RegistryPush() {
    }

    /** Counts of what the push did. */
    public record Stats(int skipped, int mounted, int copied, int uploaded, long uploadedBytes) {
    }

    public static Stats push(RegistryClient base, RegistryClient target, ImageComposer.Composed image, List<LayerBlob> layers,
            String tag) throws IOException {
        int skipped = 0;
        int mounted = 0;
        int copied = 0;
        int uploaded = 0;
        long bytes = 0;
        boolean sameRegistry = base.reference().registry().equals(target.reference().registry());
        for (ImageComposer.Descriptor d : image.baseLayers()) {
            if (target.hasBlob(d.digest())) {
                skipped++;
            } else if (sameRegistry && target.mountBlob(d.digest(), base.reference().repository())) {
                mounted++;
            } else {
                LOG.info("copying base layer {} ({} bytes) from {}", d.digest(), d.size(), base.reference().registry());
                target.pushBlob(d.digest(), d.size(), () -> base.openBlob(d.digest(), d.size()));
                copied++;
            }
        }
        for (LayerBlob layer : layers) {
            if (target.hasBlob(layer.digest())) {
                skipped++;
            } else {
                target.pushBlob(layer.digest(), layer.file());
                uploaded++;
                bytes += layer.size();
            }
        }
        if (!target.hasBlob(image.configDigest())) {
            target.pushBlob(image.configDigest(), image.config().length, () -> new ByteArrayInputStream(image.config()));
        }
        target.pushManifest(tag, image.manifest(), image.manifestMediaType());
        return new Stats(skipped, mounted, copied, uploaded, bytes);
    }
}
