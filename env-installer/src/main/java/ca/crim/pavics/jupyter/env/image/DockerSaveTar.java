package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import ca.crim.pavics.jupyter.registry.VerifyingInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the environment image as a {@code docker save} tar ({@code manifest.json}, config, one gzip blob per
 * layer, each member named by the hex of its sha256) — the format Jib accepts as a {@code tar://} base. Base layers
 * are streamed from the base registry and, like our own layer files, verified against their digests as they are
 * written: an altered blob leaves no tar behind. {@link #verify(Path)} checks a tar before it is reused.
 */
public final class DockerSaveTar {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerSaveTar() {
    }

    /**
     * Writes the tar atomically (a {@code .partial} sibling, moved into place when complete; deleted on failure).
     *
     * @throws ca.crim.pavics.jupyter.registry.RegistryException DIGEST_MISMATCH when a blob does not match its digest
     */
    public static void write(Path file, String repoTag, RegistryClient base, ImageComposer.Composed image,
            List<LayerBlob> layers) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            ObjectNode manifest = JSON.createObjectNode();
            String configName = hex(image.configDigest()) + ".json";
            manifest.put("Config", configName);
            manifest.putArray("RepoTags").add(repoTag);
            ArrayNode layerNames = manifest.putArray("Layers");
            put(tar, configName, image.config().length, new VerifyingInputStream(new ByteArrayInputStream(image.config()),
                    image.configDigest(), image.config().length, "image config"));
            for (ImageComposer.Descriptor d : image.baseLayers()) {
                String name = hex(d.digest()) + ".tar.gz";
                try (InputStream in = base.openBlob(d.digest(), d.size())) {
                    put(tar, name, d.size(), in);
                }
                layerNames.add(name);
            }
            for (LayerBlob layer : layers) {
                String name = hex(layer.digest()) + ".tar.gz";
                try (InputStream in = new VerifyingInputStream(Files.newInputStream(layer.file()), layer.digest(),
                        layer.size(), "layer file " + layer.file())) {
                    put(tar, name, layer.size(), in);
                }
                layerNames.add(name);
            }
            byte[] manifestJson = JSON.writeValueAsBytes(JSON.createArrayNode().add(manifest));
            put(tar, "manifest.json", manifestJson.length, new ByteArrayInputStream(manifestJson));
            tar.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Checks a tar written by {@link #write}: every member named by a digest hashes to it, and every member
     * {@code manifest.json} names is present.
     *
     * @return empty when it is intact, else what is wrong (one line)
     */
    public static Optional<String> verify(Path file) {
        Set<String> present = new HashSet<>();
        JsonNode manifest = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(file), 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (name.equals("manifest.json")) {
                    manifest = JSON.readTree(tar.readAllBytes());
                    continue;
                }
                String hex = name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
                MessageDigest sha = Digests.sha256Digest();
                long size = new DigestInputStream(tar, sha).transferTo(OutputStream.nullOutputStream());
                if (size != entry.getSize()) {
                    return Optional.of(name + " is truncated");
                }
                if (!HexFormat.of().formatHex(sha.digest()).equals(hex)) {
                    return Optional.of(name + " does not match its digest");
                }
                present.add(name);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
        if (manifest == null || !manifest.isArray() || manifest.isEmpty()) {
            return Optional.of("no manifest.json");
        }
        if (!present.contains(manifest.get(0).path("Config").asText())) {
            return Optional.of("its config is missing");
        }
        for (JsonNode layer : manifest.get(0).path("Layers")) {
            if (!present.contains(layer.asText())) {
                return Optional.of("layer " + layer.asText() + " is missing");
            }
        }
        return Optional.empty();
    }

    private static void put(TarArchiveOutputStream tar, String name, long size, InputStream content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setModTime(0L);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        long copied = content.transferTo(tar);
        if (copied != size) {
            throw new IOException(name + ": expected " + size + " bytes, got " + copied);
        }
        tar.closeArchiveEntry();
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }
}
