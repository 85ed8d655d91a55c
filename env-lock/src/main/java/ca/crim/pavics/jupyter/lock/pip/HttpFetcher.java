package ca.crim.pavics.jupyter.lock.pip;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.util.Timeout;

/**
 * GETs for the package index, with a silence timeout, Basic credentials from the URL's user info or
 * {@code ~/.netrc} (sent only over HTTPS or to the loopback), and one-line errors.
 */
final class HttpFetcher implements AutoCloseable {
    /** An answer: status, body (empty for 304 and errors), the headers asked for. */
    record Response(int status, byte[] body, Map<String, String> headers) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private final CloseableHttpClient http;
    private final Netrc netrc;

    HttpFetcher(Duration timeout, Netrc netrc) {
        this.netrc = netrc;
        this.http = HttpClients.custom().useSystemProperties()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().useSystemProperties()
                        .setMaxConnTotal(16).setMaxConnPerRoute(8)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(timeout))
                                .setSocketTimeout(Timeout.of(timeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
                .build();
    }

    /**
     * GETs {@code url} with {@code requestHeaders}.
     *
     * @throws PypiException the server cannot be reached or the connection failed (one line naming the URL)
     */
    Response get(String url, Map<String, String> requestHeaders) throws PypiException {
        URI uri = URI.create(url);
        String plain = withoutUserInfo(uri);
        HttpGet get = new HttpGet(plain);
        requestHeaders.forEach(get::setHeader);
        credentials(uri).ifPresent(c -> get.setHeader("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(c.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        try (ClassicHttpResponse r = http.executeOpen(null, get, null)) {
            int status = r.getCode();
            byte[] body = (status == 200 || status == 206) && r.getEntity() != null ? r.getEntity().getContent().readAllBytes()
                    : new byte[0];
            Map<String, String> headers = new java.util.HashMap<>();
            for (Header h : r.getHeaders()) {
                headers.putIfAbsent(h.getName().toLowerCase(java.util.Locale.ROOT), h.getValue());
            }
            return new Response(status, body, headers);
        } catch (java.net.ConnectException e) {
            throw new PypiException("cannot reach " + plain + " (connection refused)");
        } catch (java.net.UnknownHostException e) {
            throw new PypiException("cannot reach " + plain + " (unknown host " + uri.getHost() + ")");
        } catch (java.net.SocketTimeoutException e) {
            throw new PypiException(plain + ": no answer within the timeout");
        } catch (IOException e) {
            throw new PypiException(plain + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private Optional<String> credentials(URI uri) {
        boolean safe = "https".equals(uri.getScheme()) || isLoopback(uri.getHost());
        if (!safe) {
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of(java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return netrc.forHost(uri.getHost()).map(l -> l.user() + ":" + l.password());
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    }

    /** {@code url} without its user info (what messages and the cache key show). */
    static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
