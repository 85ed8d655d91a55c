package ca.crim.pavics.jupyter.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Git's smart HTTP protocol on 127.0.0.1: the JDK's HTTP server runs {@code git http-backend} (CGI) for each
 * request, serving the repositories under one folder as {@code http://127.0.0.1:PORT/NAME.git}.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;
    private final AtomicInteger uploadPackRequests = new AtomicInteger();

    private GitHttpServer(HttpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    public static GitHttpServer start(Path root) throws IOException {
        String git = ExternalTools.require("git", "git").toString();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        GitHttpServer s = new GitHttpServer(server, root);
        server.createContext("/", exchange -> s.handle(exchange, git));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return s;
    }

    public String url(String repositoryName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repositoryName;
    }

    /** Fetch requests (git-upload-pack POSTs that want objects) seen so far; ls-refs requests do not count. */
    public int uploadPackRequests() {
        return uploadPackRequests.get();
    }

    private void handle(HttpExchange exchange, String git) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            ProcessBuilder builder = new ProcessBuilder(List.of(git, "http-backend"));
            Map<String, String> env = builder.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", exchange.getRequestMethod());
            env.put("PATH_INFO", path);
            env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
            env.put("REMOTE_ADDR", "127.0.0.1");
            env.put("SERVER_PROTOCOL", "HTTP/1.1");
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                env.put("CONTENT_TYPE", type);
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null) {
                env.put("HTTP_CONTENT_ENCODING", encoding);
            }
            String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
            if (protocol != null) {
                env.put("GIT_PROTOCOL", protocol);
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.endsWith("/git-upload-pack") && "POST".equals(exchange.getRequestMethod()) && wantsObjects(body, encoding)) {
                uploadPackRequests.incrementAndGet();
            }
            env.put("CONTENT_LENGTH", String.valueOf(body.length));
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(body);
            }
            process.getErrorStream().close();
            InputStream out = process.getInputStream();
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
            int prev = -1;
            int c;
            while ((c = out.read()) >= 0) {
                headerBytes.write(c);
                if (c == '\n' && (prev == '\n')) {
                    break;
                }
                if (c != '\r') {
                    prev = c;
                }
            }
            int status = 200;
            for (String line : headerBytes.toString(StandardCharsets.ISO_8859_1).split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else {
                    exchange.getResponseHeaders().add(name, value);
                }
            }
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream response = exchange.getResponseBody()) {
                out.transferTo(response);
            }
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean wantsObjects(byte[] body, String encoding) throws IOException {
        byte[] plain = body;
        if ("gzip".equalsIgnoreCase(encoding)) {
            plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
        }
        return new String(plain, StandardCharsets.ISO_8859_1).contains("want ");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
