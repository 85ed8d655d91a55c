package ca.crim.pavics.jupyter.deploy.registry;

import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a label of an image's config through the registry HTTP API: manifest (or index, then the linux/amd64
 * manifest), then the config blob, each verified against its digest by {@link RegistryClient}, with its
 * authentication, timeouts and retries.
 */
public final class ImageLabelReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;

    public ImageLabelReader(RegistrySettings settings) {
        this.settings = settings;
    }

    /**
     * The label's value, or empty when the image has no such label.
     *
     * @throws RegistryException when the image cannot be read, or its content does not match its digests
     * @throws IOException for an invalid reference or a config that is not JSON
     */
    public Optional<String> label(String reference, String key) throws IOException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid image reference: " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(ref, settings);
        JsonNode manifest = client.manifest(ref.digest().isEmpty() ? ref.tag() : ref.digest()).json();
        String configDigest = manifest.path("config").path("digest").asText();
        if (configDigest.isEmpty()) {
            throw new IOException("image " + reference + ": manifest without config");
        }
        JsonNode config = JSON.readTree(client.blob(configDigest, manifest.path("config").path("size").asLong(-1)));
        JsonNode value = config.path("config").path("Labels").path(key);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
