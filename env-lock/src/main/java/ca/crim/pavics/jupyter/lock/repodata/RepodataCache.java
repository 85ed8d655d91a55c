package ca.crim.pavics.jupyter.lock.repodata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
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
 * Downloads a channel subdir's repodata into a cache ({@code ~/.cache/pavics-jupyter/repodata}), preferring
 * {@code repodata.json.zst}, then {@code .bz2}, then plain {@code repodata.json}, and revalidates it on later runs
 * with {@code If-None-Match} / {@code If-Modified-Since} (an answer 304 reuses the cached file). {@code file://}
 * channels are read in place. The decompressed file is written atomically. A subdir the channel does not have (404
 * for every form) is an empty subdir; any other failure is one line naming the URL. When the channel cannot be
 * reached but a cached copy exists, the copy is used with a warning (air-gapped sites).
 */
public final class RepodataCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VARIANTS = List.of("repodata.json.zst", "repodata.json.bz2", "repodata.json");
    private static final String SHARD_INDEX = "repodata_shards.msgpack.zst";

    private final Path dir;
    private final CloseableHttpClient http;
    private final Consumer<String> notices;

    /**
     * @param timeout longest silence on a connection
     * @param notices one line per download or warning
     */
    public RepodataCache(Path dir, Duration timeout, Consumer<String> notices) {
        this.dir = dir;
        this.notices = notices;
        this.http = HttpClients.custom().useSystemProperties()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().useSystemProperties()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(timeout))
                                .setSocketTimeout(Timeout.of(timeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
                .disableContentCompression().build();
    }

    /** The default cache folder: {@code $XDG_CACHE_HOME/pavics-jupyter/repodata} or {@code ~/.cache/...}. */
    public static Path defaultDir(java.util.Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("pavics-jupyter").resolve("repodata");
    }

    /**
     * The subdir's repodata as a local JSON file, or empty when the channel has no such subdir.
     *
     * @throws RepodataException one line naming the URL and what went wrong
     */
    public Optional<Path> fetch(String channelUrl, String subdir) throws RepodataException {
        String base = channelUrl.endsWith("/") ? channelUrl.substring(0, channelUrl.length() - 1) : channelUrl;
        if (base.startsWith("file:")) {
            Path local = Path.of(URI.create(base + "/" + subdir + "/repodata.json"));
            return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
        }
        Path folder = dir.resolve(HexFormat.of().formatHex(sha256(base + "/" + subdir)).substring(0, 24));
        Path json = folder.resolve("repodata.json");
        Path state = folder.resolve("state.json");
        JsonNode previous = readState(state);
        try {
            Files.createDirectories(folder);
            if (previous != null && Files.isRegularFile(json)) {
                String variant = previous.path("variant").asText();
                Outcome o = get(base + "/" + subdir + "/" + variant, previous, folder, json, variant);
                if (o == Outcome.NOT_MODIFIED) {
                    return Optional.of(json);
                }
                if (o == Outcome.UPDATED) {
                    return Optional.of(json);
                }
            }
            for (String variant : VARIANTS) {
                Outcome o = get(base + "/" + subdir + "/" + variant, null, folder, json, variant);
                if (o == Outcome.UPDATED) {
                    return Optional.of(json);
                }
            }
            return Optional.empty();
        } catch (RepodataException e) {
            if (e.unreachable() && Files.isRegularFile(json)) {
                notices.accept(e.getMessage() + ": using the cached copy of " + base + "/" + subdir);
                return Optional.of(json);
            }
            throw e;
        } catch (IOException e) {
            throw new RepodataException("cannot write the repodata cache " + folder + ": " + e.getMessage(), false);
        }
    }

    /** Removes a subdir's cached copy (one found invalid), so that the next fetch downloads it in full. */
    public void forget(String channelUrl, String subdir) {
        String base = channelUrl.endsWith("/") ? channelUrl.substring(0, channelUrl.length() - 1) : channelUrl;
        if (base.startsWith("file:")) {
            return;
        }
        Path folder = dir.resolve(HexFormat.of().formatHex(sha256(base + "/" + subdir)).substring(0, 24));
        for (String name : List.of("repodata.json", "repodata.json.index", "state.json")) {
            try {
                Files.deleteIfExists(folder.resolve(name));
            } catch (IOException ignored) {
                // a later download replaces it anyway
            }
        }
    }

    /**
     * The subdir's shard index ({@code repodata_shards.msgpack.zst}, CEP 16) as a local file, still compressed,
     * revalidated like repodata; empty when the channel serves none.
     *
     * @throws RepodataException one line naming the URL when the server fails (other than 404)
     */
    public Optional<Path> fetchShardIndex(String channelUrl, String subdir) throws RepodataException {
        String base = channelUrl.endsWith("/") ? channelUrl.substring(0, channelUrl.length() - 1) : channelUrl;
        String url = base + "/" + subdir + "/" + SHARD_INDEX;
        if (base.startsWith("file:")) {
            Path local = Path.of(URI.create(url));
            return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
        }
        Path folder = dir.resolve(HexFormat.of().formatHex(sha256(base + "/" + subdir)).substring(0, 24));
        Path file = folder.resolve(SHARD_INDEX);
        Path state = folder.resolve("shards-state.json");
        JsonNode previous = Files.isRegularFile(file) ? readState(state) : null;
        try {
            Files.createDirectories(folder);
            Small r = small(url, previous);
            if (r.status() == 304) {
                return Optional.of(file);
            }
            if (r.status() == 404 || r.status() == 403) {
                Files.deleteIfExists(file);
                return Optional.empty();
            }
            ca.crim.pavics.jupyter.image.AtomicFiles.write(file, r.body());
            ObjectNode st = JSON.createObjectNode().put("url", url);
            r.etag().ifPresent(v -> st.put("etag", v));
            r.lastModified().ifPresent(v -> st.put("last_modified", v));
            Files.write(state, JSON.writeValueAsBytes(st));
            notices.accept(String.format("downloaded %s (%.1f kB)", url, r.body().length / 1e3));
            return Optional.of(file);
        } catch (RepodataException e) {
            if (e.unreachable() && Files.isRegularFile(file)) {
                notices.accept(e.getMessage() + ": using the cached shard index of " + base + "/" + subdir);
                return Optional.of(file);
            }
            if (e.unreachable()) {
                return Optional.empty(); // never seen sharded: repodata.json next, whose cached copy is used if it has one
            }
            throw e;
        } catch (IOException e) {
            throw new RepodataException("cannot write the repodata cache " + folder + ": " + e.getMessage(), false);
        }
    }

    /**
     * A shard (CEP 16), compressed: from the cache, else downloaded and checked against its SHA-256 (shards are
     * content-addressed, so a cached one is never revalidated).
     *
     * @param sha256 the lower-case hex SHA-256 the shard index gives
     * @throws RepodataException one line naming the URL: not found, a server failure, or other content
     */
    public byte[] fetchShard(String url, String sha256) throws RepodataException {
        if (url.startsWith("file:")) {
            try {
                return verified(url, Files.readAllBytes(Path.of(URI.create(url))), sha256);
            } catch (IOException e) {
                throw new RepodataException(url + ": " + e.getMessage(), false);
            }
        }
        Path file = dir.resolve("shards").resolve(sha256 + ".msgpack.zst");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readAllBytes(file);
            }
            Small r = small(url, null);
            if (r.status() != 200) {
                throw new RepodataException(url + ": HTTP " + r.status() + (r.status() == 404
                        ? " (the channel's shard index names a shard it does not have)" : ""), false);
            }
            byte[] body = verified(url, r.body(), sha256);
            Files.createDirectories(file.getParent());
            ca.crim.pavics.jupyter.image.AtomicFiles.write(file, body);
            return body;
        } catch (RepodataException e) {
            throw e;
        } catch (IOException e) {
            throw new RepodataException("cannot write the repodata cache " + file + ": " + e.getMessage(), false);
        }
    }

    private static byte[] verified(String url, byte[] body, String sha256) throws RepodataException {
        String actual = HexFormat.of().formatHex(sha256(body));
        if (!actual.equals(sha256)) {
            throw new RepodataException(url + ": content has sha256 " + actual.substring(0, 12)
                    + "..., not the one its name and the shard index give (damaged or altered)", false);
        }
        return body;
    }

    /** A small answer read into memory. */
    private record Small(int status, byte[] body, Optional<String> etag, Optional<String> lastModified) {
    }

    private Small small(String url, JsonNode previous) throws RepodataException {
        HttpGet get = new HttpGet(url);
        if (previous != null && previous.hasNonNull("etag")) {
            get.setHeader("If-None-Match", previous.get("etag").asText());
        }
        if (previous != null && previous.hasNonNull("last_modified")) {
            get.setHeader("If-Modified-Since", previous.get("last_modified").asText());
        }
        try (ClassicHttpResponse response = http.executeOpen(null, get, null)) {
            int status = response.getCode();
            if (status != 200 && status != 304 && status != 404 && status != 403) {
                throw new RepodataException(url + ": HTTP " + status, false);
            }
            byte[] body = status == 200 && response.getEntity() != null ? response.getEntity().getContent().readAllBytes()
                    : new byte[0];
            return new Small(status, body, header(response, "ETag"), header(response, "Last-Modified"));
        } catch (RepodataException e) {
            throw e;
        } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.SocketTimeoutException e) {
            throw unreachable(url, e);
        } catch (IOException e) {
            throw new RepodataException(url + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), true);
        }
    }

    private enum Outcome {
        UPDATED, NOT_MODIFIED, NOT_FOUND
    }

    private Outcome get(String url, JsonNode previous, Path folder, Path json, String variant) throws RepodataException {
        HttpGet get = new HttpGet(url);
        if (previous != null) {
            if (previous.hasNonNull("etag")) {
                get.setHeader("If-None-Match", previous.get("etag").asText());
            }
            if (previous.hasNonNull("last_modified")) {
                get.setHeader("If-Modified-Since", previous.get("last_modified").asText());
            }
        }
        long start = System.nanoTime();
        try (ClassicHttpResponse response = http.executeOpen(null, get, null)) {
            int status = response.getCode();
            if (status == 304) {
                return Outcome.NOT_MODIFIED;
            }
            if (status == 404 || status == 403) {
                return Outcome.NOT_FOUND;
            }
            if (status != 200 || response.getEntity() == null) {
                throw new RepodataException(url + ": HTTP " + status, false);
            }
            Path tmp = Files.createTempFile(folder, ".repodata-", ".partial");
            try {
                try (InputStream raw = response.getEntity().getContent(); InputStream in = decompress(raw, variant)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                if (!startsLikeJson(tmp)) {
                    throw new RepodataException(url + ": not repodata (not a JSON object)", false);
                }
                Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new RepodataException(url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage().lines().findFirst().orElse("")) + " (damaged or truncated)", false);
            } finally {
                Files.deleteIfExists(tmp);
            }
            ObjectNode s = JSON.createObjectNode().put("url", url).put("variant", variant);
            header(response, "ETag").ifPresent(v -> s.put("etag", v));
            header(response, "Last-Modified").ifPresent(v -> s.put("last_modified", v));
            Files.write(folder.resolve("state.json"), JSON.writeValueAsBytes(s));
            notices.accept(String.format("downloaded %s (%.1f MB in %.1f s)", url, Files.size(json) / 1e6,
                    (System.nanoTime() - start) / 1e9));
            return Outcome.UPDATED;
        } catch (RepodataException e) {
            throw e;
        } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.SocketTimeoutException e) {
            throw unreachable(url, e);
        } catch (IOException e) {
            throw new RepodataException(url + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), true);
        }
    }

    /** "cannot reach URL (connection refused | unknown host H | no answer within the timeout)". */
    private static RepodataException unreachable(String url, IOException e) {
        String why = e instanceof java.net.ConnectException ? "connection refused"
                : e instanceof java.net.UnknownHostException ? "unknown host " + URI.create(url).getHost()
                : "no answer within the timeout";
        return new RepodataException("cannot reach " + url + " (" + why + ")", true);
    }

    private static Optional<String> header(ClassicHttpResponse r, String name) {
        Header h = r.getFirstHeader(name);
        return h == null ? Optional.empty() : Optional.of(h.getValue());
    }

    private static InputStream decompress(InputStream raw, String variant) throws IOException {
        if (variant.endsWith(".zst")) {
            return new ZstdInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        }
        if (variant.endsWith(".bz2")) {
            return new BZip2CompressorInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        }
        return raw;
    }

    private static boolean startsLikeJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int c;
            while ((c = in.read()) >= 0 && Character.isWhitespace(c)) {
                // skip
            }
            return c == '{';
        }
    }

    private static JsonNode readState(Path state) {
        try {
            return Files.isRegularFile(state) ? JSON.readTree(state.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
