package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.testsupport.CredentialHelpers;
import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.TokenServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pushes to real {@code docker-registry} instances that want Basic credentials (htpasswd) or bearer tokens (token
 * auth, as Docker Hub), with credentials from a fake {@code docker-credential-test} helper named by the docker
 * configuration; credentials never go over plain HTTP without the opt-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryAuthIT {
    private Path work;
    private LocalRegistry basic;
    private LocalRegistry bearer;
    private TokenServer tokens;
    private Path helpers;

    @BeforeAll
    void start() throws IOException {
        ExternalTools.require("docker-registry", "docker-registry");
        work = Files.createTempDirectory("registry-auth-it");
        basic = LocalRegistry.startWithBasicAuth(work.resolve("basic"));
        tokens = TokenServer.start(work.resolve("tokens"));
        bearer = LocalRegistry.startWithTokenAuth(work.resolve("bearer"), tokens);
        helpers = Files.createDirectories(work.resolve("helpers"));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {basic, bearer, tokens}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping
            }
        }
        Processes.run(Path.of("."), Duration.ofMinutes(1), List.of("rm", "-rf", work.toString()));
    }

    /** A docker config naming the helper {@code name} for the registry, and a helper that knows it. */
    private DockerCredentials viaHelper(LocalRegistry registry, String name, String password) throws IOException {
        CredentialHelpers.write(helpers, name, registry.address(), TokenServer.USER, password);
        Path config = Files.createDirectories(work.resolve("docker-config-" + name));
        Files.writeString(config.resolve("config.json"), "{\"credHelpers\":{\"" + registry.address() + "\":\"" + name
                + "\"}}", StandardCharsets.UTF_8);
        return DockerCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", config.toString(), "PATH",
                helpers + ":/usr/bin:/bin"));
    }

    private static RegistryClient client(LocalRegistry registry, String repository, DockerCredentials credentials,
            boolean overHttp) {
        return new RegistryClient(ImageReference.parse(registry.address() + "/" + repository),
                RegistrySettings.defaults(Map.of()).withAllowInsecure(true).withCredentials(credentials)
                        .withSendCredentialsOverHttp(overHttp)
                        .withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))));
    }

    private static void pushSmallImage(RegistryClient client, String tag) throws IOException {
        byte[] layer = ("layer of " + tag).getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        client.pushBlob(Digests.sha256(layer), layer.length, () -> new ByteArrayInputStream(layer));
        client.pushBlob(Digests.sha256(config), config.length, () -> new ByteArrayInputStream(config));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digests.sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + Digests.sha256(layer) + "\",\"size\":"
                + layer.length + "}]}";
        client.pushManifest(tag, manifest.getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
    }

    @Test
    void basicAuthWithAHelpersCredentials() throws IOException {
        DockerCredentials credentials = viaHelper(basic, "test", TokenServer.PASSWORD);
        pushSmallImage(client(basic, "auth/basic", credentials, true), "v1");
        assertThat(client(basic, "auth/basic", credentials, true).hasManifest("v1")).isTrue();
        assertThat(CredentialHelpers.requests(helpers, "test")).contains("get " + basic.address());
    }

    @Test
    void noCredentialsOverPlainHttpWithoutTheOptIn() throws IOException {
        DockerCredentials credentials = viaHelper(basic, "test", TokenServer.PASSWORD);
        assertThatThrownBy(() -> pushSmallImage(client(basic, "auth/withheld", credentials, false), "v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("registry " + basic.address() + " is plain HTTP; the credentials from credential"
                        + " helper docker-credential-test (credHelpers in ")
                .hasMessageEndingWith("were not sent over it")
                .satisfies(e -> assertThat(((RegistryException) e).kind())
                        .isEqualTo(RegistryException.Kind.CREDENTIALS_OVER_HTTP));
    }

    @Test
    void missingOrWrongCredentialsSayWhatToDo() throws IOException {
        assertThatThrownBy(() -> pushSmallImage(client(basic, "auth/anonymous", DockerCredentials.none(), true), "v1"))
                .hasMessageContaining("registry " + basic.address() + " needs credentials (none found in the docker"
                        + " configuration): log in with docker login " + basic.address());
        DockerCredentials wrong = viaHelper(basic, "wrong", "not-the-password");
        assertThatThrownBy(() -> pushSmallImage(client(basic, "auth/wrong", wrong, true), "v1"))
                .hasMessageContaining("refused the credentials from credential helper docker-credential-wrong")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
    }

    @Test
    void bearerTokensFromTheRealmWithAHelpersCredentials() throws IOException {
        DockerCredentials credentials = viaHelper(bearer, "bearer", TokenServer.PASSWORD);
        int before = tokens.issued();
        pushSmallImage(client(bearer, "auth/bearer", credentials, true), "v1");
        assertThat(tokens.issued()).isGreaterThan(before);
        assertThat(client(bearer, "auth/bearer", credentials, true).manifest("v1").json().path("layers").size()).isEqualTo(1);
        assertThatThrownBy(() -> client(bearer, "auth/bearer", credentials, false).manifest("v1"))
                .as("the realm is plain HTTP too")
                .hasMessageContaining("token realm " + tokens.realm() + " is plain HTTP");
    }
}
