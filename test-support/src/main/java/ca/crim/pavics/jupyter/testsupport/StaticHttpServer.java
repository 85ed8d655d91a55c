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

/**
 * Serves a folder over HTTP on 127.0.0.1 (GET only), like a conda channel or a simple repository: a folder's
 * {@code index.json} as PEP 691 JSON, else its {@code index.html}; ETag and If-None-Match (304); single byte ranges
 * (206). Counts requests.
 */
public final class StaticHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong rangeBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean ranges = true;
    private final java.util.Queue<String> paths = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        // the JDK server writes headers and body separately: without TCP_NODELAY, Nagle and the client's delayed ACK
        // add ~40 ms to every request on a kept-alive connection (read once, when the first server is made)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Files over this size (bytes) are streamed whole: no ETag, no range requests. */
    public static final long LARGE = 16L << 20;

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
            String type = null;
            if (file.startsWith(root) && Files.isDirectory(file)) {
                // a simple repository's project page: PEP 691 JSON when present, else PEP 503 HTML
                if (Files.isRegularFile(file.resolve("index.json"))) {
                    file = file.resolve("index.json");
                    type = "application/vnd.pypi.simple.v1+json";
                } else {
                    file = file.resolve("index.html");
                    type = "text/html";
                }
            }
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            long length = Files.size(file);
            if (length > LARGE) {
                // large files are streamed (never held in memory); no ETag, no ranges
                exchange.sendResponseHeaders(200, length);
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (type != null) {
                exchange.getResponseHeaders().set("Content-Type", type);
            }
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null && ranges && range.startsWith("bytes=")) {
                String spec = range.substring(6);
                long from;
                long to;
                if (spec.startsWith("-")) {
                    from = Math.max(0, body.length - Long.parseLong(spec.substring(1)));
                    to = body.length - 1;
                } else {
                    from = Long.parseLong(spec.substring(0, spec.indexOf('-')));
                    String end = spec.substring(spec.indexOf('-') + 1);
                    to = end.isEmpty() ? body.length - 1 : Math.min(body.length - 1, Long.parseLong(end));
                }
                rangeBytes.addAndGet(to - from + 1);
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + body.length);
                exchange.sendResponseHeaders(206, to - from + 1);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body, (int) from, (int) (to - from + 1));
                }
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
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

    /** Ignores Range headers from now on (answers whole files), like a server without range support. */
    public StaticHttpServer withoutRanges() {
        ranges = false;
        return this;
    }

    /** Bytes sent in answers to range requests. */
    public long rangeBytes() {
        return rangeBytes.get();
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
