package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) serving plain HTTP on a free
 * 127.0.0.1 port with its storage in a temporary folder. Close it to stop it.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path storage;
    private final Path logFile;

    private LocalRegistry(Process process, int port, Path storage, Path logFile) {
        this.process = process;
        this.port = port;
        this.storage = storage;
        this.logFile = logFile;
    }

    public static LocalRegistry start(Path workDir) throws IOException {
        return start(workDir, List.of());
    }

    /** A bcrypt hash (cost 5) of {@value TokenServer#PASSWORD}, for user {@value TokenServer#USER}. */
    private static final String HTPASSWD = TokenServer.USER + ":$2b$05$YVwaDAcOfO6BnUxzmk/6OeRJYiYOtn8iLbLb9tGhJwEk6YLM5ZQL.\n";

    /** A registry that wants Basic credentials: user {@value TokenServer#USER}, password {@value TokenServer#PASSWORD}. */
    public static LocalRegistry startWithBasicAuth(Path workDir) throws IOException {
        Path htpasswd = Files.createDirectories(workDir).resolve("htpasswd");
        Files.writeString(htpasswd, HTPASSWD, StandardCharsets.UTF_8);
        return start(workDir, List.of("auth:", "  htpasswd:", "    realm: test-basic", "    path: " + htpasswd));
    }

    /** A registry that wants bearer tokens from {@code tokens} (Docker Hub's scheme). */
    public static LocalRegistry startWithTokenAuth(Path workDir, TokenServer tokens) throws IOException {
        return start(workDir, List.of("auth:", "  token:", "    realm: " + tokens.realm(), "    service: "
                + TokenServer.SERVICE, "    issuer: " + TokenServer.ISSUER, "    rootcertbundle: " + tokens.certificate()));
    }

    private static LocalRegistry start(Path workDir, List<String> extraConfig) throws IOException {
        Path binary = ExternalTools.require("docker-registry", "docker-registry");
        Path storage = Files.createDirectories(workDir.resolve("registry-storage"));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path config = workDir.resolve("registry-config.yml");
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "  accesslog:",
                    "    disabled: true",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + storage,
                    "  delete:",
                    "    enabled: true",
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    String.join("\n", extraConfig),
                    ""), StandardCharsets.UTF_8);
            Path log = workDir.resolve("registry.log");
            Process process = new ProcessBuilder(List.of(binary.toString(), "serve", config.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LocalRegistry registry = new LocalRegistry(process, port, storage, log);
            if (registry.awaitReady(Duration.ofSeconds(20))) {
                return registry;
            }
            registry.close();
            last = new IOException("docker-registry did not start on port " + port + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        throw last;
    }

    private boolean awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(1000);
                if (c.getResponseCode() == 200 || c.getResponseCode() == 401) {
                    return true;
                }
            } catch (IOException e) {
                // not up yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:PORT}, usable as the registry part of an image reference. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path storage() {
        return storage;
    }

    public String log() throws IOException {
        return Files.readString(logFile, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
