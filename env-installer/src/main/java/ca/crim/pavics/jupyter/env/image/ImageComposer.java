package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.registry.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The environment image's config and manifest: the base's config extended (diff_ids, history, labels; user, env
 * and command kept) and a manifest of the base's layers followed by ours, in the base manifest's format (Docker
 * v2 schema 2 or OCI).
 */
public final class ImageComposer {
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One blob of the manifest. */
    public record Descriptor(String mediaType, String digest, long size) {
    }

    /** The composed image. */
    public record Composed(byte[] config, String configDigest, byte[] manifest, String manifestMediaType,
            String manifestDigest, List<Descriptor> baseLayers, List<String> diffIds) {
    }

    private ImageComposer() {
    }

    public static Composed compose(byte[] baseConfig, byte[] baseManifest, String baseManifestMediaType,
            List<LayerBlob> layers, List<String> descriptions, Map<String, String> labels) throws IOException {
        boolean docker = DOCKER_MANIFEST.equals(baseManifestMediaType);
        ObjectNode config = (ObjectNode) JSON.readTree(baseConfig);
        ArrayNode diffIds = config.with("rootfs").withArray("diff_ids");
        if (!config.path("rootfs").has("type")) {
            ((ObjectNode) config.get("rootfs")).put("type", "layers");
        }
        String created = config.path("created").asText("1970-01-01T00:00:00Z");
        ArrayNode history = config.withArray("history");
        for (int i = 0; i < layers.size(); i++) {
            diffIds.add(layers.get(i).diffId());
            ObjectNode h = history.addObject();
            h.put("created", created);
            h.put("created_by", "pavics-jupyter-env-installer: " + truncate(descriptions.get(i)));
            h.put("comment", "environment layer " + (i + 1) + "/" + layers.size());
        }
        ObjectNode containerConfig = config.with("config");
        ObjectNode labelNode = containerConfig.path("Labels").isObject() ? (ObjectNode) containerConfig.get("Labels")
                : containerConfig.putObject("Labels");
        labels.forEach(labelNode::put);
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = Digests.sha256(configBytes);

        JsonNode base = JSON.readTree(baseManifest);
        List<Descriptor> baseLayers = new ArrayList<>();
        for (JsonNode l : base.path("layers")) {
            baseLayers.add(new Descriptor(l.path("mediaType").asText(), l.path("digest").asText(), l.path("size").asLong()));
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", docker ? DOCKER_MANIFEST : OCI_MANIFEST);
        ObjectNode cfg = manifest.putObject("config");
        cfg.put("mediaType", docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json");
        cfg.put("size", configBytes.length);
        cfg.put("digest", configDigest);
        ArrayNode layerArray = manifest.putArray("layers");
        for (JsonNode l : base.path("layers")) {
            layerArray.add(l.deepCopy());
        }
        for (LayerBlob blob : layers) {
            ObjectNode l = layerArray.addObject();
            l.put("mediaType", docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                    : "application/vnd.oci.image.layer.v1.tar+gzip");
            l.put("size", blob.size());
            l.put("digest", blob.digest());
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        List<String> allDiffIds = new ArrayList<>();
        diffIds.forEach(d -> allDiffIds.add(d.asText()));
        return new Composed(configBytes, configDigest, manifestBytes, docker ? DOCKER_MANIFEST : OCI_MANIFEST,
                Digests.sha256(manifestBytes), baseLayers, allDiffIds);
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 497) + "..." : s;
    }
}
