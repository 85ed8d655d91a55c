package ca.crim.pavics.jupyter.deploy.registry;

import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a label of an image's config through the registry HTTP API: manifest (or index, then the linux/amd64
 * manifest), then the config blob, with the authentication of {@link RegistryClient}.
 */
public final class ImageLabelReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean insecure;
    private final Optional<JsonNode> dockerConfig;

    public ImageLabelReader(boolean insecure, Optional<JsonNode> dockerConfig) {
        this.insecure = insecure;
        this.dockerConfig = dockerConfig;
    }

    public Optional<String> label(String reference, String key) throws IOException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid image reference: " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(ref, insecure, dockerConfig).withInsecureHint("--insecure-registry");
        JsonNode manifest = client.manifest(ref.digest().isEmpty() ? ref.tag() : ref.digest()).json();
        String configDigest = manifest.path("config").path("digest").asText();
        if (configDigest.isEmpty()) {
            throw new IOException("image " + reference + ": manifest without config");
        }
        JsonNode config = JSON.readTree(client.blob(configDigest));
        JsonNode value = config.path("config").path("Labels").path(key);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
