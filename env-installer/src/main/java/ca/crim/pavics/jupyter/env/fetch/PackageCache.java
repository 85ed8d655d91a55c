package ca.crim.pavics.jupyter.env.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent download cache of package files, keyed by their hash: a file is downloaded once (http, https or
 * file URLs; relative URLs against the lock's folder), checked against the lock's sha256 (else md5) before it
 * enters the cache, and reused by every later build. Downloads run in parallel with a progress line per file.
 */
public final class PackageCache {
    private static final Logger LOG = LoggerFactory.getLogger(PackageCache.class);

    private final Path dir;
    private final Path lockDir;
    private final int parallelism;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private final Duration silence;

    /** A cache whose downloads give up after 60 s without data. */
    public PackageCache(Path dir, Path lockDir, int parallelism) {
        this(dir, lockDir, parallelism, Duration.ofSeconds(60));
    }

    /**
     * @param silence how long a server may send nothing (no response, or no body bytes) before a download fails
     */
    public PackageCache(Path dir, Path lockDir, int parallelism, Duration silence) {
        this.dir = dir;
        this.lockDir = lockDir;
        this.parallelism = Math.max(1, parallelism);
        this.silence = silence;
    }

    /** The default cache folder: {@code $XDG_CACHE_HOME/pavics-jupyter/packages} or {@code ~/.cache/...}. */
    public static Path defaultDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("pavics-jupyter").resolve("packages");
    }

    /**
     * Every file in the cache, downloading the missing ones (in parallel); same order as the input.
     *
     * @throws FetchException (one line) on a download error or a hash mismatch; nothing partial is left in the cache
     */
    public <T extends Downloadable> Map<T, Path> fetch(List<T> packages) throws FetchException {
        Map<T, Path> result = new LinkedHashMap<>();
        List<T> missing = new ArrayList<>();
        for (T p : packages) {
            Path cached = cachedPath(p);
            result.put(p, cached);
            if (!Files.isRegularFile(cached)) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return result;
        }
        sweepStalePartials();
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, missing.size()), r -> {
            Thread t = new Thread(r, "package-download");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T p : missing) {
                futures.add(pool.submit(() -> {
                    long size = download(p, result.get(p));
                    bytes.addAndGet(size);
                    LOG.info("[{}/{}] downloaded {} ({})", done.incrementAndGet(), missing.size(), fileName(p),
                            human(size));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof FetchException fe) {
                        throw fe;
                    }
                    throw new FetchException(String.valueOf(e.getCause().getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FetchException("interrupted while downloading packages");
                }
            }
        } finally {
            // the other downloads are cancelled: wait until each has deleted its partial file
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("downloads still running after a failure; their partial files are swept by a later build");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("downloaded {} packages, {} in {} s", missing.size(), human(bytes.get()),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return result;
    }

    /** Age after which a {@code .partial} download is known to be left over (a killed build), not in progress. */
    static final java.time.Duration STALE_PARTIAL = java.time.Duration.ofHours(1);

    /**
     * Deletes {@code .download-*.partial} files older than {@link #STALE_PARTIAL} (left by a build that was killed):
     * a failed download deletes its own at once.
     */
    void sweepStalePartials() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - STALE_PARTIAL.toMillis();
        try (var keys = Files.newDirectoryStream(dir)) {
            for (Path key : keys) {
                if (!Files.isDirectory(key)) {
                    continue;
                }
                try (var files = Files.newDirectoryStream(key, ".download-*.partial")) {
                    for (Path f : files) {
                        if (Files.getLastModifiedTime(f).toMillis() < cutoff) {
                            Files.deleteIfExists(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep stale downloads in {}: {}", dir, e.getMessage());
        }
    }

    /** What {@link #download(String)} found: the file's hash, its size in bytes and where it is in the cache. */
    public record Downloaded(String sha256, long size, Path file) {
    }

    /**
     * Downloads a file whose hash is not known yet (to lock it) into the cache, under its SHA-256, streamed: the
     * file is never held in memory.
     *
     * @throws FetchException (one line) naming the URL on a download error
     */
    public Downloaded download(String url) throws FetchException {
        MessageDigest digest = digest("SHA-256");
        Path staging = dir.resolve("staging");
        try {
            Files.createDirectories(staging);
            Path partial = Files.createTempFile(staging, ".download-", ".partial");
            try {
                try (InputStream in = new DigestInputStream(open(url), digest)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                String sha = hex(digest.digest());
                long size = Files.size(partial);
                Path target = cachedPath(Downloadable.of(url, sha));
                Files.createDirectories(target.getParent());
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return new Downloaded(sha, size, target);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new FetchException("cannot download " + url + ": " + reason(e));
        }
    }

    /** Why a download failed, in words (the JDK leaves some messages empty). */
    private String reason(IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no response for " + silence.toSeconds() + " s";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private Path cachedPath(Downloadable p) {
        String key = p.sha256().map(h -> "sha256-" + h.toLowerCase())
                .or(() -> p.md5().map(h -> "md5-" + h.toLowerCase()))
                .orElse("url-" + hex(digest("SHA-256").digest(p.url().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return dir.resolve(key.substring(0, Math.min(key.length(), 80))).resolve(fileName(p));
    }

    private static String fileName(Downloadable p) {
        String url = p.url();
        int hash = url.indexOf('#');
        String clean = hash < 0 ? url : url.substring(0, hash);
        int query = clean.indexOf('?');
        clean = query < 0 ? clean : clean.substring(0, query);
        String name = clean.substring(clean.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals("..") || name.equals(".") ? "download" : name;
    }

    private long download(Downloadable p, Path target) throws FetchException {
        String url = p.url().contains("#") ? p.url().substring(0, p.url().indexOf('#')) : p.url();
        boolean sha = p.sha256().isPresent();
        MessageDigest digest = digest(sha ? "SHA-256" : "MD5");
        Optional<String> expected = sha ? p.sha256() : p.md5();
        try {
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), ".download-", ".partial");
            try {
                try (InputStream in = new DigestInputStream(open(url), digest)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = hex(digest.digest());
                if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
                    throw new FetchException("hash mismatch for " + url + ": the lock says " + (sha ? "sha256 " : "md5 ")
                            + expected.get() + ", the download has " + actual);
                }
                long size = Files.size(partial);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return size;
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (java.nio.file.FileSystemException e) {
            String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied on " + e.getFile()
                    : e.getReason() != null ? e.getReason() + " (" + e.getFile() + ")" : String.valueOf(e.getMessage());
            throw new FetchException("cannot write " + url + " into the package cache " + dir + ": " + reason);
        } catch (IOException e) {
            String reason = reason(e);
            if (reason.contains("No space left") || reason.contains("Read-only file system")) {
                throw new FetchException("cannot write " + url + " into the package cache " + dir + ": " + reason);
            }
            throw new FetchException("cannot download " + url + ": " + reason);
        }
    }

    private InputStream open(String url) throws IOException, FetchException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new FetchException("not a URL in the lock: " + url);
        }
        if (uri.getScheme() == null) {
            return Files.newInputStream(lockDir.resolve(url));
        }
        switch (uri.getScheme()) {
            case "file":
                return Files.newInputStream(Path.of(uri));
            case "http":
            case "https":
                try {
                    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).GET()
                            .timeout(silence).build(), HttpResponse.BodyHandlers.ofInputStream());
                    if (response.statusCode() != 200) {
                        response.body().close();
                        throw new FetchException("cannot download " + url + ": HTTP " + response.statusCode());
                    }
                    return new SilenceGuard(response.body(), silence, url);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            default:
                throw new FetchException("unsupported URL scheme in the lock: " + url);
        }
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f kB", bytes / 1024.0);
        }
        return String.format("%.1f MB", bytes / 1024.0 / 1024.0);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
