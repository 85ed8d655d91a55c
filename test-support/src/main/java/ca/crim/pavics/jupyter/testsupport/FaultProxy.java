package ca.crim.pavics.jupyter.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a real registry that injects faults: it forwards each request (with
 * the client's {@code Host}, so the registry's {@code Location} headers name the proxy) unless a {@link Fault} matches
 * it, and can alter, delay or drop the answer. Each connection carries one exchange ({@code Connection: close}).
 * Faults match a method and a path pattern and fire on the Nth matching request (or on every one).
 */
public final class FaultProxy implements AutoCloseable {
    /** What a fault does to the exchange it fires on. */
    public sealed interface Action permits Tamper, Stall, Reset, Status, Delay {
    }

    /** Forward, then alter the answer's body (Content-Length adjusted). */
    public record Tamper(UnaryOperator<byte[]> change) implements Action {
        /** Flips the lowest bit of the byte at {@code fraction} of the body (0.5: the middle). */
        public static Tamper flipBit(double fraction) {
            return new Tamper(b -> {
                byte[] copy = b.clone();
                copy[(int) Math.min(copy.length - 1, copy.length * fraction)] ^= 1;
                return copy;
            });
        }

        /** Replaces the first occurrence of {@code from} (which must occur) in the body read as text. */
        public static Tamper replace(String from, String to) {
            return new Tamper(b -> {
                String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!text.contains(from)) {
                    throw new IllegalStateException("tamper: '" + from + "' is not in the answer");
                }
                return text.replaceFirst(Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            });
        }
    }

    /** Read the request, then never answer (the connection stays open until the proxy closes). */
    public record Stall() implements Action {
    }

    /** Read the request (body included), then reset the connection without answering. */
    public record Reset() implements Action {
    }

    /** Read the request, answer this status (with these headers) without forwarding. */
    public record Status(int status, Map<String, String> headers) implements Action {
    }

    /** Wait, then forward. */
    public record Delay(long millis) implements Action {
    }

    /**
     * @param method HTTP method, or "*" for any
     * @param path a regular expression the request path (query excluded) must match entirely
     * @param nth fires on the nth matching request (1-based); 0 fires on every one
     */
    public record Fault(String method, Pattern path, int nth, Action action) {
        public static Fault of(String method, String pathRegex, int nth, Action action) {
            return new Fault(method, Pattern.compile(pathRegex), nth, action);
        }
    }

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<Fault, Integer> seen = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private FaultProxy(String upstream) throws IOException {
        int colon = upstream.lastIndexOf(':');
        this.upstreamHost = upstream.substring(0, colon);
        this.upstreamPort = Integer.parseInt(upstream.substring(colon + 1));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    /** Starts a proxy in front of {@code host:port}. */
    public static FaultProxy start(String upstream) throws IOException {
        return new FaultProxy(upstream);
    }

    /** {@code 127.0.0.1:PORT}, usable as the registry part of an image reference. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public FaultProxy add(Fault fault) {
        faults.add(fault);
        return this;
    }

    /** Removes every fault and forgets the request log. */
    public void reset() {
        faults.clear();
        seen.clear();
        log.clear();
    }

    /** One line per exchange: {@code METHOD PATH -> STATUS} or {@code -> FAULT}. */
    public List<String> log() {
        return new ArrayList<>(log);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        pool.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                pool.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private record Message(String startLine, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            Message request = read(in, true, null);
            if (request == null) {
                return;
            }
            String[] parts = request.startLine().split(" ");
            String method = parts[0];
            String path = parts.length > 1 ? parts[1].replaceFirst("\\?.*", "") : "/";
            Action action = match(method, path);
            String line = method + " " + path;
            if (action instanceof Stall) {
                log.add(line + " -> stall");
                Thread.sleep(Long.MAX_VALUE);
            } else if (action instanceof Reset) {
                log.add(line + " -> reset");
                client.setSoLinger(true, 0);
                return;
            } else if (action instanceof Status s) {
                log.add(line + " -> " + s.status() + " (injected)");
                StringBuilder head = new StringBuilder("HTTP/1.1 " + s.status() + " Injected\r\n");
                s.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                head.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            } else if (action instanceof Delay d) {
                Thread.sleep(d.millis());
            }
            Message response = forward(request, method);
            byte[] body = response.body();
            if (action instanceof Tamper t) {
                body = t.change().apply(body);
                log.add(line + " -> " + response.startLine().split(" ")[1] + " (tampered)");
            } else {
                log.add(line + " -> " + response.startLine().split(" ")[1]);
            }
            StringBuilder head = new StringBuilder(response.startLine()).append("\r\n");
            for (String[] h : response.headers()) {
                String name = h[0].toLowerCase(Locale.ROOT);
                if (!name.equals("content-length") && !name.equals("transfer-encoding") && !name.equals("connection")) {
                    head.append(h[0]).append(": ").append(h[1]).append("\r\n");
                }
            }
            if (!method.equals("HEAD")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            } else if (response.header("Content-Length") != null) {
                head.append("Content-Length: ").append(response.header("Content-Length")).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!method.equals("HEAD")) {
                out.write(body);
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client went away, or the proxy closes
        } finally {
            open.remove(client);
        }
    }

    /** Counts the request for every matching fault; the first fault that fires on it wins. */
    private synchronized Action match(String method, String path) {
        Action chosen = null;
        for (Fault f : faults) {
            if ((f.method().equals("*") || f.method().equalsIgnoreCase(method)) && f.path().matcher(path).matches()) {
                int n = seen.merge(f, 1, Integer::sum);
                if (chosen == null && (f.nth() == 0 || f.nth() == n)) {
                    chosen = f.action();
                }
            }
        }
        return chosen;
    }

    private Message forward(Message request, String method) throws IOException {
        try (Socket upstream = new Socket(upstreamHost, upstreamPort)) {
            OutputStream out = upstream.getOutputStream();
            StringBuilder head = new StringBuilder(request.startLine()).append("\r\n");
            for (String[] h : request.headers()) {
                String name = h[0].toLowerCase(Locale.ROOT);
                if (!name.equals("content-length") && !name.equals("transfer-encoding") && !name.equals("connection")
                        && !name.equals("expect")) {
                    head.append(h[0]).append(": ").append(h[1]).append("\r\n");
                }
            }
            if (request.body().length > 0 || request.header("Content-Length") != null) {
                head.append("Content-Length: ").append(request.body().length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(request.body());
            out.flush();
            return read(new BufferedInputStream(upstream.getInputStream()), false, method);
        }
    }

    /** Reads one message; a response to HEAD (or 204/304) has no body; without length, until the connection ends. */
    private static Message read(InputStream in, boolean isRequest, String requestMethod) throws IOException {
        String start = line(in);
        if (start == null || start.isEmpty()) {
            return null;
        }
        List<String[]> headers = new ArrayList<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
            }
        }
        Message head = new Message(start, headers, new byte[0]);
        String length = head.header("Content-Length");
        String encoding = head.header("Transfer-Encoding");
        int status = isRequest ? 0 : Integer.parseInt(start.split(" ")[1]);
        if (!isRequest && ("HEAD".equals(requestMethod) || status == 204 || status == 304 || status / 100 == 1)) {
            return head;
        }
        byte[] body;
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (;;) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else {
            body = isRequest ? new byte[0] : in.readAllBytes();
        }
        return new Message(start, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 65536) {
                throw new IOException("line too long");
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
