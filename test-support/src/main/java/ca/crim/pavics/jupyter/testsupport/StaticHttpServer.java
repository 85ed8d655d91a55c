package ca.crim.pavics.jupyter.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves a folder over HTTP on 127.0.0.1 (GET only), like a conda channel or a wheel index. Counts requests. */
public final class StaticHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.Queue<String> paths = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    private StaticHttpServer(Path root) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            paths.add(path);
            for (java.util.Map.Entry<String, Integer> f : failures.entrySet()) {
                if (path.startsWith(f.getKey())) {
                    exchange.sendResponseHeaders(f.getValue(), -1);
                    exchange.close();
                    return;
                }
            }
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        server.start();
    }

    public static StaticHttpServer serve(Path root) throws IOException {
        return new StaticHttpServer(root.toAbsolutePath().normalize());
    }

    /** Answers every request whose path starts with {@code pathPrefix} with {@code status} (e.g. 500), no body. */
    public StaticHttpServer failWith(String pathPrefix, int status) {
        failures.put(pathPrefix, status);
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** The paths requested so far, in the order they arrived. */
    public java.util.List<String> requestedPaths() {
        return java.util.List.copyOf(paths);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
