package ca.crim.pavics.jupyter.files;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import ca.crim.pavics.jupyter.spec.ImageFilesParser;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB declared download, served over HTTP, locked and written as a layer in a JVM whose heap is smaller than
 * the file (failsafe runs this with -Xmx128m): it is streamed at every step, never held in memory.
 */
class LargeFileIT {
    private static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 256;

    @TempDir
    Path dir;

    @Test
    void aFileLargerThanTheHeapIsLockedAndLayeredByStreaming() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("run with a heap smaller than the file").isLessThan((long) BLOCK * BLOCKS);
        Path served = Files.createDirectories(dir.resolve("served"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[BLOCK];
        long seed = 42;
        try (OutputStream out = Files.newOutputStream(served.resolve("model.bin"))) {
            for (int b = 0; b < BLOCKS; b++) {
                for (int i = 0; i < BLOCK; i += 8) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    for (int k = 0; k < 8; k++) {
                        block[i + k] = (byte) (seed >>> (8 * k));
                    }
                }
                out.write(block);
                sha.update(block);
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
        Path module = Files.createDirectories(dir.resolve("module"));
        try (StaticHttpServer server = StaticHttpServer.serve(served)) {
            ImageFiles files = new ImageFilesParser().parse(Files.writeString(module.resolve("image-files.yml"),
                    "files:\n  - kind: download\n    url: " + server.url() + "/model.bin\n    path: /models/model.bin\n"));
            PackageCache cache = new PackageCache(dir.resolve("cache/packages"), module, 2);
            ImageFilesLock lock = new ImageFilesLocking(cache).lock(files, Optional.empty(), false).lock();
            assertThat(lock.get(server.url() + "/model.bin")).contains(new ImageFilesLock.Locked(expected, (long) BLOCK * BLOCKS));
            List<ExtraLayer> layers = ImageFileLayers.of(files, Optional.of(lock), module.resolve("image-files.lock"), module,
                    cache, dir.resolve("cache/layers"), 1);
            LayerBlob blob = layers.get(0).write(dir.resolve("work"));
            Map<String, LayerContents.Entry> entries = LayerContents.read(blob.file());
            assertThat(entries.get("models/model.bin")).extracting("size", "sha256").containsExactly((long) BLOCK * BLOCKS, expected);
        }
    }
}
