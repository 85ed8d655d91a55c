package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.FaultProxy;
import ca.crim.pavics.jupyter.testsupport.FaultProxy.Fault;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registry client against a real {@code docker-registry} behind a fault-injecting proxy: altered manifests and
 * blobs are refused, a silent registry ends the request within the timeout, resets and 5xx/429 answers are retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryFaultsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private Path work;
    private LocalRegistry registry;
    private FaultProxy proxy;
    private final List<String> notices = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        ExternalTools.require("skopeo", "skopeo");
        work = Files.createTempDirectory("registry-faults-it");
        registry = LocalRegistry.start(work);
        SyntheticBaseImage.pushTo(registry, work);
        proxy = FaultProxy.start(registry.address());
    }

    @AfterEach
    void resetFaults() {
        proxy.reset();
        notices.clear();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
        Processes.run(Path.of("."), Duration.ofMinutes(1), List.of("rm", "-rf", work.toString()));
    }

    private RegistryClient client(String repository) {
        RegistrySettings settings = RegistrySettings.defaults(Map.of()).withAllowInsecure(true)
                .withCredentials(DockerCredentials.none()).withReadTimeout(TIMEOUT)
                .withRetry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10)))
                .withNotices(notices::add);
        return new RegistryClient(ImageReference.parse(proxy.address() + "/" + repository), settings);
    }

    @Test
    void untouchedContentIsReadAndVerified() throws IOException {
        RegistryClient base = client("birdhouse/pavics-jupyter-base");
        RegistryClient.Manifest m = base.manifest("0.5.0");
        assertThat(m.digest()).isEqualTo(base.manifestDigest("0.5.0").orElseThrow());
        String layer = m.json().path("layers").get(0).path("digest").asText();
        try (VerifyingInputStream in = base.openBlob(layer, m.json().path("layers").get(0).path("size").asLong())) {
            in.verifyRest();
            assertThat(in.count()).isEqualTo(m.json().path("layers").get(0).path("size").asLong());
        }
    }

    @Test
    void aManifestAlteredInTransitIsRefused() {
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/manifests/0.5.0", 0,
                FaultProxy.Tamper.replace("\"schemaVersion\":2", "\"schemaVersion\":3")));
        assertThatThrownBy(() -> client("birdhouse/pavics-jupyter-base").manifest("0.5.0"))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("manifest 0.5.0 of " + proxy.address() + "/birdhouse/pavics-jupyter-base does not"
                        + " match its digest: expected sha256:")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
    }

    @Test
    void aConfigBlobAlteredInTransitIsRefused() throws IOException {
        RegistryClient base = client("birdhouse/pavics-jupyter-base");
        String config = base.manifest("0.5.0").json().path("config").path("digest").asText();
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/blobs/" + config, 0,
                FaultProxy.Tamper.replace("PATH=/opt/conda/envs/birdy/bin", "PATH=/tmp/evil/bin:/opt/conda")));
        assertThatThrownBy(() -> base.blob(config))
                .hasMessageContaining("blob " + config + " of " + proxy.address() + "/birdhouse/pavics-jupyter-base does"
                        + " not match its digest: expected " + config + ", got sha256:");
    }

    @Test
    void aLayerAlteredInTransitFailsAtItsEnd() throws IOException {
        RegistryClient base = client("birdhouse/pavics-jupyter-base");
        var layer = base.manifest("0.5.0").json().path("layers").get(0);
        String digest = layer.path("digest").asText();
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/blobs/" + digest, 0, FaultProxy.Tamper.flipBit(0.5)));
        assertThatThrownBy(() -> {
            try (InputStream in = base.openBlob(digest, layer.path("size").asLong())) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }).isInstanceOf(RegistryException.class).hasMessageContaining("does not match its digest");
    }

    @Test
    void aSilentRegistryEndsTheRequestWithinTheTimeout() {
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/manifests/0.5.0", 0, new FaultProxy.Stall()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client("birdhouse/pavics-jupyter-base").manifest("0.5.0"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("GET manifest 0.5.0 of " + proxy.address() + "/birdhouse/pavics-jupyter-base: no answer from "
                        + proxy.address() + " for 3 s")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("ends after the read timeout, not much later").isBetween(TIMEOUT, TIMEOUT.plusSeconds(3));
    }

    @Test
    void aStalledUploadEndsWithinTheTimeout() {
        byte[] blob = random(200_000, 1);
        proxy.add(Fault.of("PUT", "/v2/faults/stalled/blobs/uploads/.*", 0, new FaultProxy.Stall()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client("faults/stalled").pushBlob(Digests.sha256(blob), blob.length,
                () -> new java.io.ByteArrayInputStream(blob)))
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(4));
    }

    @Test
    void resetsAnd500sOnUploadsAreRetriedWithANewSession() throws IOException {
        byte[] first = random(300_000, 2);
        byte[] second = random(300_000, 3);
        proxy.add(Fault.of("PUT", "/v2/faults/retried/blobs/uploads/.*", 1, new FaultProxy.Reset()));
        proxy.add(Fault.of("PUT", "/v2/faults/retried/blobs/uploads/.*", 3, new FaultProxy.Status(500, Map.of())));
        RegistryClient client = client("faults/retried");
        client.pushBlob(Digests.sha256(first), first.length, () -> new java.io.ByteArrayInputStream(first));
        client.pushBlob(Digests.sha256(second), second.length, () -> new java.io.ByteArrayInputStream(second));
        assertThat(proxy.log()).as(String.join("\n", proxy.log())).filteredOn(l -> l.startsWith("POST"))
                .as("a new session per attempt").hasSize(4);
        assertThat(notices).hasSize(2).allMatch(l -> l.startsWith("upload of blob sha256:") && l.contains(": retry 1 of 3 in"));
        assertThat(notices.get(0)).contains("failed (SocketException");
        assertThat(notices.get(1)).contains("failed (HTTP 500)");
        // the registry itself has both, whole
        RegistryClient direct = new RegistryClient(ImageReference.parse(registry.address() + "/faults/retried"),
                RegistrySettings.defaults(Map.of()).withAllowInsecure(true).withCredentials(DockerCredentials.none()));
        assertThat(direct.blob(Digests.sha256(first))).isEqualTo(first);
        assertThat(direct.blob(Digests.sha256(second))).isEqualTo(second);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() throws IOException {
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/manifests/0.5.0", 1,
                new FaultProxy.Status(429, Map.of("Retry-After", "1"))));
        long start = System.nanoTime();
        client("birdhouse/pavics-jupyter-base").manifest("0.5.0");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(notices).singleElement().asString().contains("failed (HTTP 429): retry 1 of 3 in 1.00 s");
    }

    @Test
    void retriesAreBounded() {
        proxy.add(Fault.of("PUT", "/v2/faults/bounded/manifests/.*", 0, new FaultProxy.Status(503, Map.of())));
        assertThatThrownBy(() -> client("faults/bounded").pushManifest("v1", "{}".getBytes(StandardCharsets.UTF_8),
                "application/vnd.oci.image.manifest.v1+json"))
                .hasMessage("PUT manifest v1 of " + proxy.address() + "/faults/bounded failed 4 times, last: HTTP 503")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.RETRIES_EXHAUSTED));
        assertThat(notices).hasSize(3);
    }

    @Test
    void aBlobThatIsAlteredWhileCopiedBetweenRepositoriesIsNeverCommitted() throws IOException {
        RegistryClient base = client("birdhouse/pavics-jupyter-base");
        var layer = base.manifest("0.5.0").json().path("layers").get(0);
        String digest = layer.path("digest").asText();
        proxy.add(Fault.of("GET", "/v2/birdhouse/pavics-jupyter-base/blobs/" + digest, 0, FaultProxy.Tamper.flipBit(0.1)));
        RegistryClient target = client("faults/copy");
        assertThatThrownBy(() -> target.pushBlob(digest, layer.path("size").asLong(),
                () -> base.openBlob(digest, layer.path("size").asLong())))
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
        assertThat(target.hasBlob(digest)).isFalse();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
