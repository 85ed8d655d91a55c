package ca.crim.pavics.jupyter.env.bench;

import ca.crim.pavics.jupyter.env.EnvironmentBuild;
import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.testsupport.CondaPackageBuilder;
import ca.crim.pavics.jupyter.testsupport.FaultProxy;
import ca.crim.pavics.jupyter.testsupport.FaultProxy.Fault;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.LockedEnvironmentFixture;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Benchmark of bench/registry-faults.sh: N environment image builds (the test environment plus generated packages,
 * pushed through a fault-injecting proxy into a local docker-registry), each with one random fault on a blob upload
 * or a manifest request: a connection reset, a 500, or a stall shorter than the read timeout. Prints how many builds
 * succeeded without a human, the extra time the retries cost against fault-free builds, and whether every pushed
 * image pulls and verifies with skopeo. Args: WORK_DIR BUILDS REAL_TESTDATA.
 */
public final class RegistryFaultsBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int builds = Integer.parseInt(args[1]);
        Path real = Path.of(args[2]).toAbsolutePath().normalize();
        Files.createDirectories(work);
        try (LocalRegistry registry = LocalRegistry.start(work); StaticHttpServer server = StaticHttpServer.serve(work.resolve("served"));
                FaultProxy proxy = FaultProxy.start(registry.address())) {
            String base = SyntheticBaseImage.pushTo(registry, work).replace(registry.address(), proxy.address());
            LockedEnvironmentFixture.Files_ f = LockedEnvironmentFixture.write(work.resolve("served/env"), server.url() + "/env", real);
            Random random = new Random(11);
            for (int i = 0; i < 40; i++) {
                CondaPackageBuilder b = new CondaPackageBuilder(String.format("gen%03d", i), "1.0", "h0_0");
                byte[] content = new byte[300_000 + random.nextInt(1_500_000)];
                random.nextBytes(content);
                b.file("lib/gen" + i + "/data.bin", content, 0644);
                b.writeConda(f.channel().resolve("linux-64"));
                f.packages().put(b.fileStem().split("-")[0], f.channel().resolve("linux-64/" + b.fileStem() + ".conda"));
            }
            LockedEnvironmentFixture.writeLock(f.lockFile(), f.environmentFile(), server.url() + "/env", f.root(), f.packages());
            RegistrySettings settings = RegistrySettings.defaults(Map.of()).withAllowInsecure(true)
                    .withCredentials(DockerCredentials.none());
            long stallMillis = settings.readTimeout().toMillis() / 4;

            List<Double> clean = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clean.add(build(f, base, proxy.address() + "/bench/clean-" + i, work.resolve("clean-" + i), work, settings));
            }
            double baseline = clean.stream().sorted().toList().get(1);
            System.out.printf("fault-free build: median %.2f s of 3%n", baseline);

            int ok = 0;
            int verified = 0;
            double extra = 0;
            Map<String, double[]> byKind = new java.util.TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < builds; i++) {
                proxy.reset();
                String repo = "bench/faults-" + i;
                int kind = random.nextInt(3);
                int nth = 1 + random.nextInt(8);
                FaultProxy.Action action = switch (kind) {
                    case 0 -> new FaultProxy.Reset();
                    case 1 -> new FaultProxy.Status(500, Map.of());
                    default -> new FaultProxy.Delay(stallMillis);
                };
                String target = random.nextInt(4) == 0 ? "/v2/" + repo + "/manifests/.*" : "/v2/" + repo + "/blobs/uploads/.*";
                String method = target.contains("manifests") ? "*" : "PUT";
                proxy.add(Fault.of(method, target, target.contains("manifests") ? 1 : nth, action));
                String what = action.getClass().getSimpleName() + " on " + (target.contains("manifests") ? "the first manifest request"
                        : "upload " + nth);
                try {
                    double seconds = build(f, base, proxy.address() + "/" + repo, work.resolve("b" + i), work, settings);
                    ok++;
                    extra += seconds - baseline;
                    double[] k = byKind.computeIfAbsent(action.getClass().getSimpleName(), x -> new double[2]);
                    k[0] += seconds - baseline;
                    k[1]++;
                    boolean fired = proxy.log().stream().anyMatch(l -> l.endsWith("-> reset") || l.endsWith("(injected)"))
                            || action instanceof FaultProxy.Delay;
                    Path pulled = work.resolve("pulled-" + i);
                    Skopeo.copy("docker://" + registry.address() + "/" + repo + ":" + tagOf(registry, repo), "oci:" + pulled + ":x");
                    verified++;
                    System.out.printf("build %2d: %-40s ok in %.2f s%s%n", i + 1, what, seconds, fired ? "" : " (fault did not fire)");
                } catch (Exception e) {
                    failures.add("build " + (i + 1) + " (" + what + "): " + e.getMessage());
                    System.out.printf("build %2d: %-40s FAILED: %s%n", i + 1, what, e.getMessage());
                }
            }
            System.out.printf("%nsucceeded without a human: %d/%d (goal %d/%d); pulled and verified with skopeo: %d/%d%n",
                    ok, builds, builds, builds, verified, ok);
            System.out.printf("extra time retries cost: %.2f s per build on average (fault-free build %.2f s)%n",
                    ok == 0 ? 0 : extra / ok, baseline);
            byKind.forEach((k, v) -> System.out.printf("  %s: %.2f s extra on average over %d builds%s%n", k, v[0] / v[1],
                    (int) v[1], k.equals("Delay") ? " (the stall itself: " + stallMillis / 1000.0 + " s)" : ""));
            failures.forEach(System.out::println);
        }
    }

    private static String tagOf(LocalRegistry registry, String repo) throws Exception {
        return Skopeo.listTags("docker://" + registry.address() + "/" + repo).get(0);
    }

    private static double build(LockedEnvironmentFixture.Files_ f, String base, String target, Path workDir, Path work,
            RegistrySettings settings) throws Exception {
        long start = System.nanoTime();
        new EnvironmentBuild().build(new EnvironmentBuild.Request(f.lockFile(), f.environmentFile(), f.snapshotFile(), base,
                Optional.of(target), workDir, work.resolve("cache"), settings, false, 1, 2));
        return (System.nanoTime() - start) / 1e9;
    }
}
