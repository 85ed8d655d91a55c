package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes test images as an OCI image layout (blobs, index.json with a ref name), for skopeo to push: an image of
 * gzip'd layers with a config (architecture, PATH, user, command, labels), or a multi-platform index of such images.
 */
public final class OciLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image's config fields and its layers (uncompressed tars; gzip'd when written). */
    public record Image(String architecture, List<String> env, List<String> cmd, String user, Map<String, String> labels,
            List<byte[]> layerTars) {
    }

    /** A written manifest: its bytes and digest. */
    public record Written(byte[] manifest, String digest, String mediaType) {
    }

    private OciLayout() {
    }

    /** Writes one image and tags it {@code tag} in the layout's index. */
    public static Written writeImage(Path layout, String tag, Image image) throws IOException {
        Written m = manifest(layout, image);
        index(layout, tag, m);
        return m;
    }

    /**
     * Writes a multi-platform index of the images (one per architecture) into the layout, tagged {@code tag}; returns
     * the index's digest.
     */
    public static String writeIndex(Path layout, String tag, List<Image> images) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = index.putArray("manifests");
        for (Image image : images) {
            Written m = manifest(layout, image);
            ObjectNode d = descriptor(manifests.addObject(), m.mediaType(), m.manifest());
            d.putObject("platform").put("os", "linux").put("architecture", image.architecture());
        }
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        blob(layout, indexBytes);
        index(layout, tag, new Written(indexBytes, LayerTar.sha256(indexBytes), "application/vnd.oci.image.index.v1+json"));
        return LayerTar.sha256(indexBytes);
    }

    private static Written manifest(Path layout, Image image) throws IOException {
        List<byte[]> gz = new ArrayList<>();
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", image.architecture());
        config.put("os", "linux");
        config.put("created", "1970-01-01T00:00:00Z");
        ObjectNode cfg = config.putObject("config");
        ArrayNode env = cfg.putArray("Env");
        image.env().forEach(env::add);
        ArrayNode cmd = cfg.putArray("Cmd");
        image.cmd().forEach(cmd::add);
        if (!image.user().isEmpty()) {
            cfg.put("User", image.user());
        }
        if (!image.labels().isEmpty()) {
            ObjectNode labels = cfg.putObject("Labels");
            image.labels().forEach(labels::put);
        }
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ArrayNode history = config.putArray("history");
        for (byte[] tar : image.layerTars()) {
            diffIds.add(LayerTar.sha256(tar));
            gz.add(LayerTar.gzip(tar));
            history.addObject().put("created", "1970-01-01T00:00:00Z").put("created_by", "test layer");
        }
        byte[] configBytes = JSON.writeValueAsBytes(config);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        descriptor(manifest.putObject("config"), "application/vnd.oci.image.config.v1+json", configBytes);
        ArrayNode layers = manifest.putArray("layers");
        for (byte[] layer : gz) {
            descriptor(layers.addObject(), "application/vnd.oci.image.layer.v1.tar+gzip", layer);
            blob(layout, layer);
        }
        blob(layout, configBytes);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        blob(layout, manifestBytes);
        return new Written(manifestBytes, LayerTar.sha256(manifestBytes), "application/vnd.oci.image.manifest.v1+json");
    }

    private static void blob(Path layout, byte[] content) throws IOException {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.write(blobs.resolve(LayerTar.sha256(content).substring("sha256:".length())), content);
    }

    private static void index(Path layout, String tag, Written w) throws IOException {
        Files.createDirectories(layout);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ArrayNode manifests = index.putArray("manifests");
        ObjectNode m = descriptor(manifests.addObject(), w.mediaType(), w.manifest());
        m.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static ObjectNode descriptor(ObjectNode node, String mediaType, byte[] content) {
        node.put("mediaType", mediaType);
        node.put("digest", LayerTar.sha256(content));
        node.put("size", content.length);
        return node;
    }
}
