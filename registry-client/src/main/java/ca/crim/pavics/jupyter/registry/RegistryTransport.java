package ca.crim.pavics.jupyter.registry;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * One HTTP exchange with a registry or its token realm, one attempt: Apache HttpClient with a connect timeout and a
 * socket (silence) timeout, no automatic retries, redirects or decompression. An upload whose body the server stops
 * reading for longer than the read timeout is cancelled by a watchdog (a blocked socket write has no timeout of its
 * own). Failures are classified by {@link #classify(IOException)} so that callers retry only what may succeed.
 */
final class RegistryTransport {
    /** What a failed attempt was. */
    enum Failure {
        /** The host cannot be resolved or connected to. */
        UNREACHABLE,
        /** The TLS handshake failed (e.g. a plain-HTTP registry). */
        TLS,
        /** The connection was silent longer than the read timeout. */
        TIMEOUT,
        /** Reset, closed early, no answer: may succeed if tried again. */
        TRANSIENT,
        /** Anything else (e.g. a local file that cannot be read): not retried. */
        OTHER
    }

    /** A request body: opened anew for every attempt. */
    interface Body {
        long length();

        InputStream open() throws IOException;
    }

    /** An answer whose body was read into memory (at most the limit given). */
    record Response(int status, Header[] headers, byte[] body) {
        Optional<String> header(String name) {
            for (Header h : headers) {
                if (h.getName().equalsIgnoreCase(name)) {
                    return Optional.ofNullable(h.getValue());
                }
            }
            return Optional.empty();
        }
    }

    /** An answer whose body is still to be read; close it. */
    record Streamed(ClassicHttpResponse response, InputStream body) implements AutoCloseable {
        int status() {
            return response.getCode();
        }

        Optional<String> header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
        }

        @Override
        public void close() throws IOException {
            response.close();
        }
    }

    private record Key(Duration connect, Duration read, boolean trustAnyCertificate) {
    }

    private static final Map<Key, RegistryTransport> SHARED = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "registry-upload-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final CloseableHttpClient http;
    private final Duration readTimeout;
    private final Set<Upload> uploads = ConcurrentHashMap.newKeySet();

    private RegistryTransport(Key key) {
        this.readTimeout = key.read();
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
                .useSystemProperties()
                .setMaxConnTotal(32).setMaxConnPerRoute(16)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(key.connect()))
                        .setSocketTimeout(Timeout.of(key.read()))
                        .build());
        if (key.trustAnyCertificate()) {
            try {
                connections.setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                        .setSslContext(SSLContextBuilder.create().loadTrustMaterial((chain, auth) -> true).build())
                        .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                        .buildClassic());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS that accepts any certificate", e);
            }
        }
        this.http = HttpClients.custom()
                .useSystemProperties()
                .setConnectionManager(connections.build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(key.read()))
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        WATCHDOG.scheduleWithFixedDelay(this::cancelSilentUploads, 1, 1, TimeUnit.SECONDS);
    }

    /** The transport for these timeouts (one connection pool per combination, kept for the JVM's life). */
    static RegistryTransport of(Duration connect, Duration read, boolean trustAnyCertificate) {
        return SHARED.computeIfAbsent(new Key(connect, read, trustAnyCertificate), RegistryTransport::new);
    }

    Duration readTimeout() {
        return readTimeout;
    }

    /** Sends one request and reads at most {@code maxBody} bytes of the answer (more: the rest is dropped). */
    Response send(String method, URI uri, Map<String, String> headers, Optional<Body> body, int maxBody) throws IOException {
        try (Streamed s = open(method, uri, headers, body)) {
            byte[] content = s.body() == null ? new byte[0] : s.body().readNBytes(maxBody);
            return new Response(s.status(), s.response().getHeaders(), content);
        }
    }

    /** Sends one request; the answer's body is left to the caller, who closes the result. */
    Streamed open(String method, URI uri, Map<String, String> headers, Optional<Body> body) throws IOException {
        HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
        headers.forEach(request::setHeader);
        Upload upload = null;
        if (body.isPresent()) {
            upload = new Upload(request);
            request.setEntity(new UploadEntity(body.get(), upload));
            uploads.add(upload);
        }
        try {
            ClassicHttpResponse response = http.executeOpen(null, request, null);
            HttpEntity entity = response.getEntity();
            return new Streamed(response, entity == null ? null : entity.getContent());
        } catch (IOException e) {
            if (upload != null && upload.timedOut) {
                throw new SocketTimeoutException("nothing could be sent for " + readTimeout.toSeconds() + " s");
            }
            throw e;
        } finally {
            if (upload != null) {
                uploads.remove(upload);
            }
        }
    }

    /** What kind of failure an exception of an attempt is. */
    static Failure classify(IOException e) {
        if (e instanceof ConnectTimeoutException || e instanceof UnknownHostException || e instanceof ConnectException
                || e instanceof NoRouteToHostException) {
            return Failure.UNREACHABLE;
        }
        if (e instanceof SSLException) {
            return Failure.TLS;
        }
        if (e instanceof SocketTimeoutException) {
            return Failure.TIMEOUT;
        }
        if (e instanceof NoHttpResponseException || e instanceof ConnectionClosedException || e instanceof SocketException
                || e instanceof EOFException) {
            return Failure.TRANSIENT;
        }
        return Failure.OTHER;
    }

    private void cancelSilentUploads() {
        long now = System.nanoTime();
        for (Upload u : uploads) {
            if (now - u.lastActivity > readTimeout.toNanos()) {
                u.timedOut = true;
                u.request.cancel();
            }
        }
    }

    /** An upload in flight: when it last made progress. */
    private static final class Upload {
        final HttpUriRequestBase request;
        volatile long lastActivity = System.nanoTime();
        volatile boolean timedOut;

        Upload(HttpUriRequestBase request) {
            this.request = request;
        }
    }

    /** Streams a {@link Body}, recording progress for the watchdog. */
    private static final class UploadEntity extends AbstractHttpEntity {
        private final Body body;
        private final Upload upload;

        UploadEntity(Body body, Upload upload) {
            super(ContentType.APPLICATION_OCTET_STREAM, null, false);
            this.body = body;
            this.upload = upload;
        }

        @Override
        public long getContentLength() {
            return body.length();
        }

        @Override
        public InputStream getContent() throws IOException {
            return body.open();
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            OutputStream tracked = new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    upload.lastActivity = System.nanoTime();
                }
            };
            long sent;
            try (InputStream in = body.open()) {
                byte[] buffer = new byte[1 << 16];
                sent = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    tracked.write(buffer, 0, n);
                    sent += n;
                    upload.lastActivity = System.nanoTime();
                }
            }
            if (sent != body.length()) {
                throw new IOException("upload content is " + sent + " bytes, " + body.length() + " announced");
            }
        }

        @Override
        public void close() {
        }
    }
}
