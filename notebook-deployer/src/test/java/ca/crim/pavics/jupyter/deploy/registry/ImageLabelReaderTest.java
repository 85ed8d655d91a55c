package ca.crim.pavics.jupyter.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.registry.RetryPolicy;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a loopback server that speaks the registry protocol the way Docker Hub does: 401 with a Bearer
 * challenge, a token service, a manifest list, and config blobs redirected to a "CDN" that refuses credentials.
 */
class ImageLabelReaderTest {
    private static final String CONFIG = "{\"config\":{\"Labels\":{\"k\":\"- repo_url: https://h/r.git\\n\"}}}";
    private static final String CONFIG_DIGEST = Digests.sha256(CONFIG.getBytes(StandardCharsets.UTF_8));
    private static final String MANIFEST = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + CONFIG_DIGEST + "\"},\"layers\":[]}";
    private static final String MANIFEST_DIGEST = Digests.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8));
    /** A config altered in transit: same length, another repository. */
    private static final String ALTERED_CONFIG = CONFIG.replace("https://h/r.git", "https://e/v.git");
    private boolean tamper;

    private HttpServer server;
    private int port;
    private final List<String> log = new ArrayList<>();
    private String requiredBasic;
    @org.junit.jupiter.api.io.TempDir
    Path dockerConfigDir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            log.add(ex.getRequestMethod() + " " + path + (auth == null ? "" : " [" + auth.split(" ")[0] + "]"));
            if (path.equals("/token")) {
                String query = ex.getRequestURI().getQuery();
                if (!query.contains("service=fake") || !query.contains("scope=repository:team/img:pull")
                        || (requiredBasic != null && !("Basic " + requiredBasic).equals(auth))) {
                    send(ex, 401, "{}");
                    return;
                }
                send(ex, 200, "{\"token\":\"tok\"}");
                return;
            }
            if (path.startsWith("/cdn/")) {
                send(ex, auth == null ? 200 : 400, tamper ? ALTERED_CONFIG : CONFIG);
                return;
            }
            if (!"Bearer tok".equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"fake\",scope=\"repository:team/img:pull\"");
                send(ex, 401, "{\"errors\":[]}");
                return;
            }
            if (path.equals("/v2/team/img/manifests/1")) {
                send(ex, 200, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                        + "{\"digest\":\"sha256:" + "b".repeat(64) + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                        + "{\"digest\":\"" + MANIFEST_DIGEST + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}");
            } else if (path.equals("/v2/team/img/manifests/" + MANIFEST_DIGEST)) {
                send(ex, 200, MANIFEST);
            } else if (path.equals("/v2/team/img/blobs/" + CONFIG_DIGEST)) {
                ex.getResponseHeaders().add("Location", "/cdn/" + CONFIG_DIGEST);
                send(ex, 307, "");
            } else {
                send(ex, 404, "{}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    private static ImageLabelReader reader(boolean insecure, DockerCredentials credentials, boolean overHttp) {
        return new ImageLabelReader(RegistrySettings.defaults(Map.of()).withAllowInsecure(insecure)
                .withCredentials(credentials).withSendCredentialsOverHttp(overHttp)
                .withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))));
    }

    private static ImageLabelReader anonymous() {
        return reader(true, DockerCredentials.none(), false);
    }

    @Test
    void anonymousBearerTokenIndexAndRedirectedBlob() throws IOException {
        Optional<String> label = anonymous().label("127.0.0.1:" + port + "/team/img:1", "k");
        assertThat(label).hasValue("- repo_url: https://h/r.git\n");
        assertThat(log).containsSubsequence("GET /v2/team/img/manifests/1", "GET /token", "GET /v2/team/img/manifests/1 [Bearer]",
                "GET /v2/team/img/manifests/" + MANIFEST_DIGEST + " [Bearer]", "GET /v2/team/img/blobs/" + CONFIG_DIGEST + " [Bearer]",
                "GET /cdn/" + CONFIG_DIGEST);
        assertThat(anonymous().label("127.0.0.1:" + port + "/team/img:1", "other")).isEmpty();
    }

    @Test
    void aConfigAlteredInTransitIsRefused() {
        tamper = true;
        assertThatThrownBy(() -> anonymous().label("127.0.0.1:" + port + "/team/img:1", "k"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("blob " + CONFIG_DIGEST + " of 127.0.0.1:" + port + "/team/img does not match its digest")
                .hasMessageContaining("expected " + CONFIG_DIGEST + ", got sha256:")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH));
    }

    @Test
    void credentialsFromTheDockerConfigAreSentToTheTokenService() throws IOException {
        requiredBasic = Base64.getEncoder().encodeToString("user:secret".getBytes(StandardCharsets.UTF_8));
        String ref = "127.0.0.1:" + port + "/team/img:1";
        assertThatThrownBy(() -> anonymous().label(ref, "k"))
                .hasMessageContaining("the token server http://127.0.0.1:" + port + "/token refused anonymous access (HTTP 401)");
        Files.writeString(dockerConfigDir.resolve("config.json"), "{\"auths\":{\"127.0.0.1:" + port + "\":{\"auth\":\""
                + requiredBasic + "\"}}}");
        DockerCredentials credentials = DockerCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dockerConfigDir.toString()));
        assertThatThrownBy(() -> reader(true, credentials, false).label(ref, "k"))
                .as("the realm is plain HTTP: credentials withheld without the opt-in")
                .hasMessageContaining("token realm http://127.0.0.1:" + port + "/token is plain HTTP; the credentials from ")
                .hasMessageContaining("were not sent over it");
        assertThat(log).noneMatch(line -> line.contains("[Basic]"));
        assertThat(reader(true, credentials, true).label(ref, "k")).isPresent();
    }

    @Test
    void unknownImageAndUnreachableRegistryGiveOneLineErrors() throws IOException {
        assertThatThrownBy(() -> anonymous().label("127.0.0.1:" + port + "/team/img:2", "k"))
                .hasMessageContaining("not found");
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThatThrownBy(() -> reader(false, DockerCredentials.none(), false).label("127.0.0.1:" + closed + "/x:1", "k"))
                .hasMessageStartingWith("cannot reach registry 127.0.0.1:" + closed)
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.UNREACHABLE));
    }
}
