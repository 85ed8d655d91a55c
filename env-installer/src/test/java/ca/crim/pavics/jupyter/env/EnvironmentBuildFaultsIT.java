package ca.crim.pavics.jupyter.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.registry.RetryPolicy;
import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.FaultProxy;
import ca.crim.pavics.jupyter.testsupport.FaultProxy.Fault;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.LockedEnvironmentFixture;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The environment image build under faults injected between it and a real {@code docker-registry}: altered content
 * stops it with nothing pushed or written, resets and 5xx are retried into a complete image (checked by pulling
 * every blob with skopeo), a broken previous image is rebuilt instead of reused, a full cache leaves no partial file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentBuildFaultsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private Path work;
    private LocalRegistry registry;
    private FaultProxy proxy;
    private StaticHttpServer channelServer;
    private LockedEnvironmentFixture.Files_ fixture;
    private String baseViaProxy;

    @BeforeAll
    void start() throws IOException {
        for (String[] tool : new String[][] {{"skopeo", "skopeo"}, {"busybox", "busybox-static"},
                {"docker-registry", "docker-registry"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("env-build-faults-it");
        registry = LocalRegistry.start(work);
        String base = SyntheticBaseImage.pushTo(registry, work);
        proxy = FaultProxy.start(registry.address());
        baseViaProxy = base.replace(registry.address(), proxy.address());
        Path served = Files.createDirectories(work.resolve("served"));
        channelServer = StaticHttpServer.serve(served);
        fixture = LockedEnvironmentFixture.write(served.resolve("good"), channelServer.url() + "/good", TestData.condaReal());
    }

    @AfterEach
    void clearFaults() {
        proxy.reset();
    }

    @AfterAll
    void stop() {
        if (channelServer != null) {
            channelServer.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
        Processes.run(Path.of("."), Duration.ofMinutes(1), List.of("rm", "-rf", work.toString()));
    }

    private static RegistrySettings settings() {
        return RegistrySettings.defaults(Map.of()).withAllowInsecure(true).withCredentials(DockerCredentials.none())
                .withReadTimeout(TIMEOUT)
                .withRetry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(10)));
    }

    /** A build through the proxy into {@code target} (HOST/REPO, or empty for the docker-save tar). */
    private EnvironmentBuild.Request request(Optional<String> target, String name) {
        return new EnvironmentBuild.Request(fixture.lockFile(), fixture.environmentFile(), fixture.snapshotFile(),
                baseViaProxy, target, work.resolve("build-" + name), work.resolve("cache"), settings(), false, 6, 2);
    }

    private Optional<String> viaProxy(String repository) {
        return Optional.of(proxy.address() + "/" + repository);
    }

    private List<String> tags(String repository) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + registry.address() + "/v2/" + repository + "/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        List<String> tags = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    private static RegistryException.Kind kind(Throwable e) {
        return RegistryException.in(e).orElseThrow().kind();
    }

    private String baseConfigDigest() throws IOException {
        return Skopeo.inspect("docker://" + baseViaProxy.replace(proxy.address(), registry.address()))
                .path("Digest").isMissingNode() ? "" : configOf(baseViaProxy.replace(proxy.address(), registry.address()));
    }

    private static String configOf(String ref) throws IOException {
        JsonNode raw = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Processes.runOk(Path.of("."),
                Duration.ofMinutes(1), List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)).output());
        return raw.path("config").path("digest").asText();
    }

    private static String firstLayerOf(String ref) throws IOException {
        return Skopeo.inspect("docker://" + ref).path("Layers").get(0).asText();
    }

    @Test
    void anAlteredBaseConfigStopsTheBuildAndPushesNothing() throws Exception {
        String config = baseConfigDigest();
        proxy.add(Fault.of("GET", ".*/blobs/" + config, 0, FaultProxy.Tamper.replace(
                "PATH=/opt/conda/envs/birdy/bin", "PATH=/tmp/evil/bin:/opt/conda")));
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(viaProxy("faults/config"), "config")))
                .isInstanceOf(EnvironmentException.class)
                .hasMessageContaining("blob " + config + " of " + proxy.address() + "/birdhouse/pavics-jupyter-base does not"
                        + " match its digest")
                .satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(tags("faults/config")).isEmpty();
    }

    @Test
    void anAlteredBaseManifestStopsTheBuild() {
        proxy.add(Fault.of("GET", ".*/pavics-jupyter-base/manifests/0.5.0", 0, FaultProxy.Tamper.replace(
                "\"schemaVersion\":2", "\"schemaVersion\":3")));
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(viaProxy("faults/manifest"), "manifest")))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
    }

    @Test
    void anAlteredBaseLayerLeavesNoTarAndNoTagElsewhere() throws Exception {
        String layer = firstLayerOf(baseViaProxy.replace(proxy.address(), registry.address()));
        proxy.add(Fault.of("GET", ".*/blobs/" + layer, 0, FaultProxy.Tamper.flipBit(0.5)));
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(Optional.empty(), "tar-tampered")))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
        try (Stream<Path> files = Files.walk(work.resolve("build-tar-tampered"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tar") || n.endsWith(".partial"));
        }
        try (LocalRegistry other = LocalRegistry.start(work.resolve("other"))) {
            assertThatThrownBy(() -> new EnvironmentBuild().build(request(Optional.of(other.address() + "/faults/copy"),
                    "copy-tampered"))).satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
            HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + other.address() + "/v2/faults/copy/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tags.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void resetsAnd500sOnBlobUploadsAreRetriedIntoACompleteImage() throws Exception {
        proxy.add(Fault.of("PUT", "/v2/faults/retried/blobs/uploads/.*", 2, new FaultProxy.Reset()));
        proxy.add(Fault.of("PUT", "/v2/faults/retried/blobs/uploads/.*", 4, new FaultProxy.Status(500, Map.of())));
        EnvironmentBuild.Result result = new EnvironmentBuild().build(request(viaProxy("faults/retried"), "retried"));
        assertThat(result.reused()).isFalse();
        assertThat(proxy.log()).anyMatch(l -> l.endsWith("-> reset")).anyMatch(l -> l.endsWith("-> 500 (injected)"));
        Path pulled = work.resolve("pulled-retried");
        Skopeo.copy("docker://" + result.fromImage().replace(proxy.address(), registry.address()), "oci:" + pulled + ":env");
        assertThat(Skopeo.inspect("oci:" + pulled + ":env").path("Layers").size()).isGreaterThan(2);
    }

    @Test
    void aManifestPutThatKeepsFailingMovesNoTag() throws Exception {
        proxy.add(Fault.of("PUT", "/v2/faults/noput/manifests/.*", 0, new FaultProxy.Status(503, Map.of())));
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(viaProxy("faults/noput"), "noput")))
                .hasMessageContaining("PUT manifest env-")
                .hasMessageContaining("failed 4 times, last: HTTP 503")
                .satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.RETRIES_EXHAUSTED));
        assertThat(tags("faults/noput")).isEmpty();
    }

    @Test
    void anEnvironmentImageWithADeletedBlobIsRebuiltNotReused() throws Exception {
        EnvironmentBuild.Result first = new EnvironmentBuild().build(request(viaProxy("faults/gc"), "gc"));
        String direct = first.fromImage().replace(proxy.address(), registry.address());
        JsonNode layers = Skopeo.inspect("docker://" + direct).path("Layers");
        String last = layers.get(layers.size() - 1).asText();
        HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + registry.address() + "/v2/faults/gc/blobs/" + last)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);

        EnvironmentBuild.Result again = new EnvironmentBuild().build(request(viaProxy("faults/gc"), "gc"));
        assertThat(again.reused()).isFalse();
        assertThat(again.summary()).startsWith("rebuilt: blob " + last + " of the previous env-");
        Skopeo.copy("docker://" + direct, "oci:" + work.resolve("pulled-gc") + ":env");
        assertThat(new EnvironmentBuild().build(request(viaProxy("faults/gc"), "gc")).reused()).isTrue();
    }

    @Test
    void aCorruptedEnvironmentTarIsRebuiltNotReused() throws Exception {
        EnvironmentBuild.Result first = new EnvironmentBuild().build(request(Optional.empty(), "tar"));
        Path tar = Path.of(first.fromImage().substring("tar://".length()));
        try (RandomAccessFile f = new RandomAccessFile(tar.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        EnvironmentBuild.Result again = new EnvironmentBuild().build(request(Optional.empty(), "tar"));
        assertThat(again.reused()).isFalse();
        assertThat(again.summary()).startsWith("rebuilt: the previous tar failed verification (");
        assertThat(Skopeo.inspect("docker-archive:" + tar).path("Layers").size()).isGreaterThan(2);
        assertThat(new EnvironmentBuild().build(request(Optional.empty(), "tar")).reused()).isTrue();
    }

    @Test
    void aSilentRegistryStopsTheBuildWithinTheTimeout() {
        proxy.add(Fault.of("GET", ".*/pavics-jupyter-base/manifests/0.5.0", 0, new FaultProxy.Stall()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(viaProxy("faults/stall"), "stall")))
                .hasMessageContaining("no answer from " + proxy.address() + " for 3 s")
                .satisfies(e -> assertThat(kind(e)).isEqualTo(RegistryException.Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(5));
    }

    @Test
    void aFullPackageCacheIsOneLineAndLeavesNoPartialFile() throws Exception {
        ExternalTools.requireRoot("mount a small tmpfs as a full file system");
        Path small = Files.createDirectories(work.resolve("small-cache"));
        Processes.Result mount = Processes.run(work, Duration.ofSeconds(30), List.of("mount", "-t", "tmpfs", "-o",
                "size=32k", "tmpfs", small.toString()));
        assertThat(mount.exitCode()).as("mount a tmpfs: " + mount.output()).isZero();
        try {
            EnvironmentBuild.Request r = request(viaProxy("faults/full"), "full");
            EnvironmentBuild.Request full = new EnvironmentBuild.Request(r.lockFile(), r.environmentFile(), r.snapshotFile(),
                    r.baseImage(), r.targetRepository(), r.workDir(), small, r.registry(), false, 6, 2);
            assertThatThrownBy(() -> new EnvironmentBuild().build(full))
                    .hasMessageContaining("into the package cache " + small)
                    .hasMessageContaining("No space left on device")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            try (Stream<Path> files = Files.walk(small)) {
                assertThat(files.map(Path::toString)).noneMatch(n -> n.endsWith(".partial"));
            }
            assertThat(tags("faults/full")).isEmpty();
        } finally {
            Processes.run(work, Duration.ofSeconds(30), List.of("umount", small.toString()));
        }
    }
}
