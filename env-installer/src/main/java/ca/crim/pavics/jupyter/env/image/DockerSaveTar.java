package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the environment image as a {@code docker save} tar ({@code manifest.json}, config, one gzip blob per
 * layer) — the format Jib accepts as a {@code tar://} base. Base layers are streamed from the base registry.
 */
public final class DockerSaveTar {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerSaveTar() {
    }

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
            put(tar, configName, image.config().length, new java.io.ByteArrayInputStream(image.config()));
            for (ImageComposer.Descriptor d : image.baseLayers()) {
                String name = hex(d.digest()) + ".tar.gz";
                try (InputStream in = base.openBlob(d.digest())) {
                    put(tar, name, d.size(), in);
                }
                layerNames.add(name);
            }
            for (LayerBlob layer : layers) {
                String name = hex(layer.digest()) + ".tar.gz";
                try (InputStream in = Files.newInputStream(layer.file())) {
                    put(tar, name, layer.size(), in);
                }
                layerNames.add(name);
            }
            byte[] manifestJson = JSON.writeValueAsBytes(JSON.createArrayNode().add(manifest));
            put(tar, "manifest.json", manifestJson.length, new java.io.ByteArrayInputStream(manifestJson));
            tar.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
