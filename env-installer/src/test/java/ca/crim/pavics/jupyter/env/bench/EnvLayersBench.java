package ca.crim.pavics.jupyter.env.bench;

import ca.crim.pavics.jupyter.env.EnvironmentBuild;
import ca.crim.pavics.jupyter.env.EnvironmentInstaller;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.install.InstallTarget;
import ca.crim.pavics.jupyter.env.lock.LockFile;
import ca.crim.pavics.jupyter.env.lock.LockFileReader;
import ca.crim.pavics.jupyter.env.lock.LockedPackage;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.env.plan.InstallPlan;
import ca.crim.pavics.jupyter.testsupport.CondaPackageBuilder;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.LockedEnvironmentFixture;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Benchmark of bench/env-layers.sh: installs N generated packages (realistic size mix) plus the real test packages
 * into layers, against the physical floor ({@code tar -x} of the same archives into a folder), then times a
 * rebuild with an unchanged lock against a local docker-registry. Args: WORK_DIR N REAL_TESTDATA.
 */
public final class EnvLayersBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int n = Integer.parseInt(args[1]);
        Path real = Path.of(args[2]).toAbsolutePath().normalize();
        Files.createDirectories(work);
        try (LocalRegistry registry = LocalRegistry.start(work); StaticHttpServer server = StaticHttpServer.serve(work.resolve("served"))) {
            String base = SyntheticBaseImage.pushTo(registry, work);
            LockedEnvironmentFixture.Files_ f = LockedEnvironmentFixture.write(work.resolve("served/env"), server.url() + "/env", real);
            Random random = new Random(7);
            long payload = 0; // the generated packages are locked, not named in environment.yml
            for (int i = 0; i < n; i++) {
                CondaPackageBuilder b = new CondaPackageBuilder(String.format("gen%03d", i), "1.0", "h0_0");
                // size mix: 70% small (20-300 kB), 25% medium (1-6 MB), 5% large (15-40 MB)
                int roll = random.nextInt(100);
                long size = roll < 70 ? 20_000 + random.nextInt(280_000) : roll < 95 ? 1_000_000 + random.nextInt(5_000_000)
                        : 15_000_000 + random.nextInt(25_000_000);
                int files = Math.max(1, (int) Math.min(300, size / 20_000));
                for (int j = 0; j < files; j++) {
                    byte[] content = content(random, (int) (size / files));
                    b.file("lib/gen" + i + "/f" + j + (j % 3 == 0 ? ".py" : ".so"), content, j % 3 == 0 ? 0644 : 0755);
                    payload += content.length;
                }
                b.writeConda(f.channel().resolve("linux-64"));
                f.packages().put(b.fileStem().split("-")[0], f.channel().resolve("linux-64/" + b.fileStem() + ".conda"));
            }
            LockedEnvironmentFixture.writeLock(f.lockFile(), f.environmentFile(), server.url() + "/env", f.root(), f.packages());
            System.out.printf("packages: %d generated + real ones, %.0f MB of generated payload%n", n, payload / 1e6);

            // the floor: tar -x of the same archives into one folder
            Path floorDir = Files.createDirectories(work.resolve("floor"));
            StringBuilder script = new StringBuilder("set -e; cd " + floorDir + "\n");
            for (Path p : f.packages().values()) {
                String file = p.toString();
                if (file.endsWith(".conda")) {
                    script.append("unzip -p ").append(file).append(" '*pkg-*.tar.zst' | zstd -d -q | tar -x 2>/dev/null || true\n");
                } else if (file.endsWith(".tar.bz2")) {
                    script.append("tar -xjf ").append(file).append('\n');
                } else {
                    script.append("unzip -q -o ").append(file).append('\n');
                }
            }
            long t0 = System.nanoTime();
            Process floor = new ProcessBuilder("sh", "-c", script.toString()).inheritIO().start();
            if (floor.waitFor() != 0) {
                throw new IllegalStateException("floor extraction failed");
            }
            double floorSeconds = (System.nanoTime() - t0) / 1e9;

            // our install into layers (packages already in the download cache)
            LockFile lock = new LockFileReader().read(f.lockFile(), "linux-64");
            BaseSnapshot snapshot = BaseSnapshot.read(f.snapshotFile());
            InstallPlan plan = InstallPlan.of(lock, snapshot);
            List<LockedPackage> all = new java.util.ArrayList<>(lock.packages());
            Map<LockedPackage, Path> files = new PackageCache(work.resolve("cache"), f.root(), 8).fetch(all);
            int gzip = Integer.parseInt(System.getProperty("gzip", "1"));
            Path layers = work.resolve("layers");
            InstallTarget target = new InstallTarget("/opt/conda/envs/birdy", "3.11", "lib/python3.11/site-packages", false,
                    layers.resolve("spool"));
            long t1 = System.nanoTime();
            var result = new EnvironmentInstaller(target, gzip, Runtime.getRuntime().availableProcessors())
                    .install(plan, snapshot, files, new LinkedHashMap<>(), "bench", layers);
            double installSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("tar -x floor: %.2f s; install into %d layers (gzip level %d): %.2f s; ratio %.2fx (goal <= 1.2x)%n",
                    floorSeconds, result.layers().size(), gzip, installSeconds, installSeconds / floorSeconds);

            // full build (push), then a rebuild with the lock unchanged
            EnvironmentBuild.Request request = new EnvironmentBuild.Request(f.lockFile(), f.environmentFile(), f.snapshotFile(),
                    base, Optional.of(registry.address() + "/bench/env"), work.resolve("build"), work.resolve("cache"),
                    ca.crim.pavics.jupyter.registry.RegistrySettings.defaults(java.util.Map.of()).withAllowInsecure(true),
                    false, gzip, Runtime.getRuntime().availableProcessors());
            long t2 = System.nanoTime();
            new EnvironmentBuild().build(request);
            double fullSeconds = (System.nanoTime() - t2) / 1e9;
            long t3 = System.nanoTime();
            EnvironmentBuild.Result again = new EnvironmentBuild().build(request);
            double rebuildSeconds = (System.nanoTime() - t3) / 1e9;
            System.out.printf("full build + push: %.2f s; rebuild with an unchanged lock: %.3f s (reused=%s, goal <= 1 s)%n",
                    fullSeconds, rebuildSeconds, again.reused());
        }
    }

    /** Half text-like (compressible), half random bytes, like real libraries and sources. */
    private static byte[] content(Random random, int size) {
        byte[] b = new byte[Math.max(1, size)];
        int half = b.length / 2;
        byte[] words = "import numpy as np\ndef f(x):\n    return x * 2\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < half; i++) {
            b[i] = words[i % words.length];
        }
        byte[] rnd = new byte[b.length - half];
        random.nextBytes(rnd);
        System.arraycopy(rnd, 0, b, half, rnd.length);
        return b;
    }
}
