package ca.crim.pavics.jupyter.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as the docker CLI finds them in its configuration ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): the helper named for the registry in {@code credHelpers}, then the {@code credsStore}
 * helper, then the {@code auths} section ({@code auth}, {@code username}/{@code password}, {@code identitytoken}).
 * Helpers are run with the docker-credential-helpers protocol: {@code docker-credential-NAME get}, the server URL
 * on standard input, {@code {"ServerURL","Username","Secret"}} on standard output; a username of {@code <token>}
 * means the secret is an identity (refresh) token. Docker Hub is known under several names ({@code docker.io},
 * {@code index.docker.io}, {@code registry-1.docker.io}, {@code https://index.docker.io/v1/}); like the docker CLI,
 * helpers are asked for {@code https://index.docker.io/v1/}.
 */
public final class DockerCredentials {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
    private static final List<String> DOCKER_HUB_NAMES = List.of("index.docker.io", "docker.io", "registry-1.docker.io",
            "registry.hub.docker.com");

    /**
     * A credential for one registry.
     *
     * @param username the user, or empty for an identity token
     * @param secret a password, a personal access token, or an identity (refresh) token
     * @param source where it came from, for messages ("credential helper docker-credential-pass", "auths")
     */
    public record Credential(String username, String secret, String source) {
        public boolean isIdentityToken() {
            return username.isEmpty();
        }

        /** The value of a Basic {@code Authorization} header. */
        public String basic() {
            return Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credential[" + (username.isEmpty() ? "<identity token>" : username) + ", from " + source + "]";
        }
    }

    private final Optional<Path> configFile;
    private final Map<String, String> env;
    private final Map<String, Optional<Credential>> cache = new ConcurrentHashMap<>();

    private DockerCredentials(Optional<Path> configFile, Map<String, String> env) {
        this.configFile = configFile;
        this.env = env;
    }

    /** No credentials at all (anonymous access only). */
    public static DockerCredentials none() {
        return new DockerCredentials(Optional.empty(), Map.of());
    }

    /** The docker configuration of this environment ({@code DOCKER_CONFIG}, {@code HOME}; {@code PATH} for helpers). */
    public static DockerCredentials fromEnvironment(Map<String, String> env) {
        Path dir = env.containsKey("DOCKER_CONFIG") ? Path.of(env.get("DOCKER_CONFIG"))
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        return new DockerCredentials(Optional.of(dir.resolve("config.json")), Map.copyOf(env));
    }

    /** The docker configuration file this reads, if any. */
    public Optional<Path> configFile() {
        return configFile.filter(Files::isRegularFile);
    }

    /**
     * The credential for a registry ({@code host[:port]} as in an image reference), looked up once per registry.
     *
     * @throws RegistryException ({@link RegistryException.Kind#CREDENTIAL_HELPER}) when the configuration is not
     *     JSON, or a helper it names is not on {@code PATH}, fails or answers something else than the protocol's JSON
     */
    public Optional<Credential> lookup(String registry) throws RegistryException {
        Optional<Credential> known = cache.get(registry);
        if (known != null) {
            return known;
        }
        Optional<Credential> found = find(registry);
        cache.put(registry, found);
        return found;
    }

    private Optional<Credential> find(String registry) throws RegistryException {
        Optional<Path> file = configFile();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = JSON.readTree(file.get().toFile());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, file.get() + ": not a valid docker"
                    + " configuration (" + firstLine(e.getMessage()) + ")");
        }
        boolean hub = isDockerHub(registry);
        String server = hub ? DOCKER_HUB_SERVER : registry;
        JsonNode helpers = config.path("credHelpers");
        for (String key : keys(registry)) {
            if (helpers.path(key).isTextual() && !helpers.path(key).asText().isBlank()) {
                return runHelper(helpers.path(key).asText(), server, file.get(), "credHelpers");
            }
        }
        if (config.path("credsStore").isTextual() && !config.path("credsStore").asText().isBlank()) {
            Optional<Credential> stored = runHelper(config.path("credsStore").asText(), server, file.get(), "credsStore");
            if (stored.isPresent()) {
                return stored;
            }
        }
        JsonNode auths = config.path("auths");
        for (var it = auths.fields(); it.hasNext();) {
            var entry = it.next();
            if (keys(registry).contains(hostOf(entry.getKey()))) {
                Optional<Credential> c = fromAuthEntry(entry.getValue(), file.get());
                if (c.isPresent()) {
                    return c;
                }
            }
        }
        return Optional.empty();
    }

    /** The names a registry is known by in a docker configuration: itself, or every Docker Hub alias. */
    private static List<String> keys(String registry) {
        if (isDockerHub(registry)) {
            return List.of("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io",
                    "registry.hub.docker.com");
        }
        return List.of(registry, "https://" + registry, "http://" + registry);
    }

    /** True for the names Docker Hub is known by. */
    public static boolean isDockerHub(String registry) {
        String host = hostOf(registry);
        return DOCKER_HUB_NAMES.contains(host);
    }

    /** {@code https://index.docker.io/v1/} → {@code index.docker.io}: scheme and path removed, lower case. */
    static String hostOf(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        return slash >= 0 ? k.substring(0, slash) : k;
    }

    private static Optional<Credential> fromAuthEntry(JsonNode entry, Path file) throws RegistryException {
        if (entry.path("identitytoken").isTextual() && !entry.path("identitytoken").asText().isEmpty()) {
            return Optional.of(new Credential("", entry.path("identitytoken").asText(), file + " auths"));
        }
        if (entry.path("auth").isTextual() && !entry.path("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(entry.path("auth").asText().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, file
                        + ": an auths entry's auth is not base64 of user:password");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, file
                        + ": an auths entry's auth is not base64 of user:password");
            }
            return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1), file + " auths"));
        }
        if (entry.path("username").isTextual() && entry.path("password").isTextual()) {
            return Optional.of(new Credential(entry.path("username").asText(), entry.path("password").asText(),
                    file + " auths"));
        }
        return Optional.empty();
    }

    private Optional<Credential> runHelper(String name, String server, Path file, String section) throws RegistryException {
        String program = "docker-credential-" + name;
        Optional<Path> binary = onPath(program);
        String source = "credential helper " + program + " (" + section + " in " + file + ")";
        if (binary.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + " is not on PATH: install it"
                    + " or remove it from the docker configuration");
        }
        try {
            Process process = new ProcessBuilder(binary.get().toString(), "get").redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] output;
            try (InputStream out = process.getInputStream()) {
                output = out.readNBytes(1 << 20);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + " did not answer within 30 s");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                if (text.toLowerCase(Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + " failed for " + server
                        + " (exit " + process.exitValue() + "): " + firstLine(text));
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(text);
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + " answered something"
                        + " other than the credential JSON for " + server);
            }
            String user = answer.path("Username").asText("");
            String secret = answer.path("Secret").asText("");
            if (secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Credential("<token>".equals(user) ? "" : user, secret, source));
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + " could not be run: "
                    + firstLine(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.CREDENTIAL_HELPER, source + ": interrupted");
        }
    }

    private Optional<Path> onPath(String program) {
        String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}
