package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import ca.crim.pavics.jupyter.spec.ImageFilesParser;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * bench/image-files.sh: a declared model of SIZE MiB served over loopback HTTP. Times (1) the floor, {@code curl} of
 * the file and {@code tar -c} of it; (2) our first build step: lock (download, hash), layer written, blob pushed to
 * a local docker-registry; (3) the rebuild step with nothing changed (layer from the cache, blob found in the
 * registry). Prints bytes downloaded and pushed on the rebuild and the peak heap.
 * Args: WORK SIZE_MIB.
 */
public final class FilesBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int mib = Integer.parseInt(args[1]);
        Path served = Files.createDirectories(work.resolve("served"));
        byte[] block = new byte[1 << 20];
        long seed = 7;
        try (OutputStream out = Files.newOutputStream(served.resolve("model.bin"))) {
            for (int b = 0; b < mib; b++) {
                for (int i = 0; i < block.length; i += 8) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    for (int k = 0; k < 8; k++) {
                        block[i + k] = (byte) (seed >>> (8 * k));
                    }
                }
                out.write(block);
            }
        }
        try (StaticHttpServer server = StaticHttpServer.serve(served); LocalRegistry registry = LocalRegistry.start(work)) {
            String url = server.url() + "/model.bin";
            long t0 = System.nanoTime();
            run(work, "curl", "-sS", "-o", work.resolve("floor.bin").toString(), url);
            run(work, "tar", "-cf", work.resolve("floor.tar").toString(), "-C", work.toString(), "floor.bin");
            double floor = (System.nanoTime() - t0) / 1e9;
            Files.delete(work.resolve("floor.bin"));
            Files.delete(work.resolve("floor.tar"));

            Path module = Files.createDirectories(work.resolve("module"));
            ImageFiles files = new ImageFilesParser().parse(Files.writeString(module.resolve("image-files.yml"),
                    "files:\n  - kind: download\n    url: " + url + "\n    path: /flair_models/ner-large\n"));
            PackageCache cache = new PackageCache(work.resolve("cache/packages"), module, 2);
            RegistryClient target = new RegistryClient(ImageReference.parse(registry.address() + "/bench/nlp:1"),
                    RegistrySettings.defaults(Map.of()).withAllowInsecure(true));

            long t1 = System.nanoTime();
            ImageFilesLock lock = new ImageFilesLocking(cache).lock(files, Optional.empty(), false).lock();
            LayerBlob first = push(files, lock, module, cache, work, target);
            double firstBuild = (System.nanoTime() - t1) / 1e9;
            int requests = server.requests();

            long t2 = System.nanoTime();
            LayerBlob again = push(files, lock, module, cache, work, target);
            double rebuild = (System.nanoTime() - t2) / 1e9;

            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("model %d MiB; layer %.1f MiB (%s)%n", mib, first.size() / 1048576.0, first.digest().substring(0, 19));
            System.out.printf("floor (curl + tar -c):            %6.2f s%n", floor);
            System.out.printf("first build step (lock + layer + push): %6.2f s  = %.2fx the floor%n", firstBuild, firstBuild / floor);
            System.out.printf("rebuild step, unchanged:          %6.3f s  (downloads: %d, same layer: %b, pushed: %s)%n", rebuild,
                    server.requests() - requests, again.digest().equals(first.digest()), pushedAgain ? "yes" : "nothing");
            System.out.printf("peak heap: %.0f MiB (max %d MiB)%n", peak / 1048576.0, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static boolean pushedAgain;

    private static LayerBlob push(ImageFiles files, ImageFilesLock lock, Path module, PackageCache cache, Path work,
            RegistryClient target) throws Exception {
        List<ExtraLayer> layers = ImageFileLayers.of(files, Optional.of(lock), module.resolve("image-files.lock"), module, cache,
                work.resolve("cache/layers"), 6);
        LayerBlob blob = layers.get(0).write(work.resolve("tmp"));
        pushedAgain = false;
        if (!target.hasBlob(blob.digest())) {
            target.pushBlob(blob.digest(), blob.file());
            pushedAgain = true;
        }
        return blob;
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private FilesBench() {
    }
}
