package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.pypi.ProjectName;
import ca.crim.pavics.jupyter.registry.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * A client of simple repositories (PyPI and its mirrors): project pages as PEP 691 JSON
 * ({@code application/vnd.pypi.simple.v1+json}), else PEP 503 HTML; a file's core metadata from the PEP 658/714
 * {@code .metadata} file when the index serves one (checked against its hash), else read from the wheel's zip
 * through HTTP range requests (central directory, then the {@code .dist-info/METADATA} member only).
 *
 * <p>Pages are cached under {@code dir/pages} and revalidated with ETag/Last-Modified once per client; metadata is
 * cached for good under {@code dir/metadata} (keyed by the file's URL and hash). Indexes are asked in order and a
 * project comes from the first that has it (no mixing of versions across indexes, as uv's default does: this keeps
 * a mirror's copy from being shadowed by a look-alike elsewhere).
 */
public final class SimpleIndex implements AutoCloseable {
    static final String ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> indexUrls;
    private final Path dir;
    private final HttpFetcher http;
    private final Consumer<String> notices;
    private static final int PREFETCH_THREADS = 8;

    private final Map<String, java.util.concurrent.CompletableFuture<List<DistributionFile>>> pages = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService prefetcher = java.util.concurrent.Executors.newFixedThreadPool(
            PREFETCH_THREADS, r -> {
                Thread t = new Thread(r, "pypi-prefetch");
                t.setDaemon(true);
                return t;
            });
    private final java.util.Set<String> withPage = ConcurrentHashMap.newKeySet();
    private final AtomicInteger metadataFetched = new AtomicInteger();
    private final AtomicInteger pagesFetched = new AtomicInteger();

    /**
     * @param indexUrls the simple API roots, e.g. {@code https://pypi.org/simple/}, first has priority
     * @param dir the cache folder
     * @param timeout the longest silence on a connection
     * @param netrc credentials by host (also taken from a URL's user info)
     * @param notices one line per download
     */
    public SimpleIndex(List<String> indexUrls, Path dir, Duration timeout, Netrc netrc, Consumer<String> notices) {
        this.indexUrls = indexUrls.stream().map(u -> u.endsWith("/") ? u : u + "/").toList();
        this.dir = dir;
        this.http = new HttpFetcher(timeout, netrc);
        this.notices = notices;
    }

    /** The default cache folder: {@code pypi} beside the repodata cache ({@code ~/.cache/pavics-jupyter/pypi}). */
    public static Path defaultDir(Map<String, String> env) {
        return ca.crim.pavics.jupyter.lock.repodata.RepodataCache.defaultDir(env).resolveSibling("pypi");
    }

    /**
     * The files of a project, from the first index that has it; empty when none has it.
     *
     * @throws PypiException an index answers other than 200/304/404, cannot be reached, or sends a page it cannot read
     */
    public List<DistributionFile> files(String project) throws PypiException {
        return join(pages.computeIfAbsent(ProjectName.normalize(project), this::loadPage));
    }

    /** Starts reading a project's page in the background (a resolver that will soon need it); errors surface in {@link #files}. */
    public void prefetch(String project) {
        pages.computeIfAbsent(ProjectName.normalize(project), n -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return findPage(n);
            } catch (PypiException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, prefetcher));
    }

    private java.util.concurrent.CompletableFuture<List<DistributionFile>> loadPage(String name) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(findPage(name));
        } catch (PypiException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private List<DistributionFile> findPage(String name) throws PypiException {
        for (String index : indexUrls) {
            Optional<List<DistributionFile>> page = page(index, name);
            if (page.isPresent()) {
                withPage.add(name);
                return page.get();
            }
        }
        return List.of();
    }

    /** Whether an index has a page for the project (after {@link #files}); false when every index answered 404. */
    public boolean hasPage(String project) {
        return withPage.contains(ProjectName.normalize(project));
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) throws PypiException {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof PypiException p) {
                throw p;
            }
            throw new PypiException(String.valueOf(e.getCause()));
        }
    }

    private Optional<List<DistributionFile>> page(String index, String name) throws PypiException {
        String url = index + name + "/";
        String shown = HttpFetcher.withoutUserInfo(URI.create(url));
        Path folder = dir.resolve("pages");
        String key = Digests.sha256Hex(shown.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        Path body = folder.resolve(key + ".body");
        Path state = folder.resolve(key + ".json");
        JsonNode previous = null;
        if (Files.isRegularFile(body) && Files.isRegularFile(state)) {
            try {
                previous = JSON.readTree(state.toFile());
            } catch (IOException e) {
                previous = null;
            }
        }
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Accept", ACCEPT));
        if (previous != null && previous.hasNonNull("etag")) {
            headers.put("If-None-Match", previous.get("etag").asText());
        }
        if (previous != null && previous.hasNonNull("last_modified")) {
            headers.put("If-Modified-Since", previous.get("last_modified").asText());
        }
        HttpFetcher.Response r = http.get(url, headers);
        byte[] content;
        String type;
        if (r.status() == 304 && previous != null) {
            try {
                content = Files.readAllBytes(body);
            } catch (IOException e) {
                throw new PypiException("cannot read the cache " + body + ": " + e.getMessage());
            }
            type = previous.path("content_type").asText("");
        } else if (r.status() == 404 || r.status() == 410) {
            return Optional.empty();
        } else if (r.status() == 200) {
            content = r.body();
            type = r.header("Content-Type").orElse("");
            pagesFetched.incrementAndGet();
            try {
                Files.createDirectories(folder);
                writeCache(body, content);
                ObjectNode st = JSON.createObjectNode().put("url", shown).put("content_type", type);
                r.header("ETag").ifPresent(v -> st.put("etag", v));
                r.header("Last-Modified").ifPresent(v -> st.put("last_modified", v));
                writeCache(state, JSON.writeValueAsBytes(st));
            } catch (IOException e) {
                throw new PypiException("cannot write the cache " + folder + ": " + e.getMessage());
            }
        } else {
            throw new PypiException(shown + ": HTTP " + r.status());
        }
        try {
            boolean json = type.startsWith("application/vnd.pypi.simple.v1+json") || type.startsWith("application/json")
                    || (type.isEmpty() && content.length > 0 && content[0] == '{');
            return Optional.of(json ? parseJson(shown, content) : parseHtml(shown, content));
        } catch (IOException | RuntimeException e) {
            throw new PypiException(shown + ": not a simple repository page (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
    }

    /** Reads a PEP 691 JSON project page. */
    static List<DistributionFile> parseJson(String pageUrl, byte[] content) throws IOException {
        JsonNode page = JSON.readTree(content);
        if (page == null || !page.isObject() || !page.path("files").isArray()) {
            throw new IOException("a PEP 691 page is an object with a 'files' list");
        }
        String api = page.path("meta").path("api-version").asText("1.0");
        if (!api.startsWith("1.")) {
            throw new IOException("API version " + api + " is not 1.x (PEP 691)");
        }
        List<DistributionFile> out = new ArrayList<>();
        for (JsonNode f : page.path("files")) {
            if (!f.path("url").isTextual() || !f.path("filename").isTextual() || f.path("filename").asText().isBlank()) {
                throw new IOException("a file without 'filename' or 'url'");
            }
            String href = f.path("url").asText();
            String abs = URI.create(pageUrl).resolve(href).toString();
            String fragment = abs.contains("#") ? abs.substring(abs.indexOf('#') + 1) : "";
            abs = abs.contains("#") ? abs.substring(0, abs.indexOf('#')) : abs;
            Optional<String> sha = f.path("hashes").hasNonNull("sha256") ? Optional.of(f.path("hashes").get("sha256").asText())
                    : fragmentHash(fragment);
            JsonNode yanked = f.path("yanked");
            boolean isYanked = yanked.isBoolean() ? yanked.asBoolean() : yanked.isTextual();
            JsonNode meta = f.has("core-metadata") ? f.get("core-metadata") : f.path("data-dist-info-metadata");
            boolean hasMeta = meta.isObject() || (meta.isBoolean() && meta.asBoolean());
            Optional<String> metaSha = meta.isObject() && meta.hasNonNull("sha256") ? Optional.of(meta.get("sha256").asText())
                    : Optional.empty();
            out.add(new DistributionFile(f.path("filename").asText(), abs, sha, f.path("requires-python").asText(""), isYanked,
                    hasMeta, metaSha));
        }
        return out;
    }

    /** Reads a PEP 503 HTML project page (attributes of PEP 592, 658 and 714). */
    static List<DistributionFile> parseHtml(String pageUrl, byte[] content) {
        org.jsoup.nodes.Document doc = Jsoup.parse(new String(content, StandardCharsets.UTF_8), pageUrl);
        List<DistributionFile> out = new ArrayList<>();
        for (Element a : doc.select("a[href]")) {
            String abs = a.absUrl("href");
            if (abs.isEmpty()) {
                continue;
            }
            String fragment = abs.contains("#") ? abs.substring(abs.indexOf('#') + 1) : "";
            abs = abs.contains("#") ? abs.substring(0, abs.indexOf('#')) : abs;
            // the file name is the URL's last path segment (PEP 503: the anchor's text must match it)
            String filename = java.net.URLDecoder.decode(abs.replaceAll("[?].*", "").substring(abs.replaceAll("[?].*", "").lastIndexOf('/') + 1),
                    StandardCharsets.UTF_8);
            if (filename.isEmpty()) {
                continue;
            }
            String meta = a.hasAttr("data-core-metadata") ? a.attr("data-core-metadata")
                    : a.hasAttr("data-dist-info-metadata") ? a.attr("data-dist-info-metadata") : null;
            boolean hasMeta = meta != null && !meta.equalsIgnoreCase("false");
            Optional<String> metaSha = meta != null && meta.startsWith("sha256=") ? Optional.of(meta.substring(7)) : Optional.empty();
            out.add(new DistributionFile(filename, abs, fragmentHash(fragment), a.attr("data-requires-python"),
                    a.hasAttr("data-yanked"), hasMeta, metaSha));
        }
        return out;
    }

    private static Optional<String> fragmentHash(String fragment) {
        for (String part : fragment.split("&")) {
            if (part.startsWith("sha256=") && part.substring(7).matches("[0-9a-fA-F]{64}")) {
                return Optional.of(part.substring(7).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /**
     * The core metadata text of a wheel: the PEP 658 file when the index serves one, else the wheel's
     * {@code *.dist-info/METADATA} read with range requests. Cached for good.
     *
     * @throws PypiException the metadata file does not match its hash, the wheel has no METADATA, or HTTP fails
     */
    public String metadata(DistributionFile file) throws PypiException {
        Path cached = metadataCacheFile(file);
        if (Files.isRegularFile(cached)) {
            try {
                byte[] bytes = Files.readAllBytes(cached);
                if (file.metadataSha256().isEmpty() || Digests.sha256Hex(bytes).equalsIgnoreCase(file.metadataSha256().get())) {
                    return new String(bytes, StandardCharsets.UTF_8);
                }
                // a damaged cache entry: read it again below
            } catch (IOException e) {
                // read again below
            }
        }
        metadataFetched.incrementAndGet();
        String text = file.metadata() ? fromMetadataFile(file) : fromWheel(file);
        try {
            Files.createDirectories(cached.getParent());
            writeCache(cached, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PypiException("cannot write the cache " + cached.getParent() + ": " + e.getMessage());
        }
        return text;
    }

    private String fromMetadataFile(DistributionFile file) throws PypiException {
        String url = file.url() + ".metadata";
        HttpFetcher.Response r = http.get(url, Map.of());
        if (r.status() == 404 || r.status() == 403) {
            return fromWheel(file); // an index that advertises what it does not serve: read the wheel instead
        }
        if (r.status() != 200) {
            throw new PypiException(HttpFetcher.withoutUserInfo(URI.create(url)) + ": HTTP " + r.status());
        }
        if (file.metadataSha256().isPresent() && !Digests.sha256Hex(r.body()).equalsIgnoreCase(file.metadataSha256().get())) {
            throw new PypiException(HttpFetcher.withoutUserInfo(URI.create(url)) + ": the metadata file does not match the sha256 the index gives for it (damaged or altered)");
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private String fromWheel(DistributionFile file) throws PypiException {
        String shown = HttpFetcher.withoutUserInfo(URI.create(file.url()));
        try (HttpRangeChannel channel = new HttpRangeChannel(http, file.url(), file.sha256())) {
            String text = metadataInZip(channel, shown);
            notices.accept(String.format("read the metadata of %s from its zip (%.1f kB fetched)", file.filename(),
                    channel.fetched() / 1e3));
            return text;
        }
    }

    /** The {@code *.dist-info/METADATA} member of a wheel read through {@code channel}. */
    private static String metadataInZip(java.nio.channels.SeekableByteChannel channel, String shown) throws PypiException {
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(channel).get()) {
            ZipArchiveEntry metadata = null;
            for (ZipArchiveEntry e : java.util.Collections.list(zip.getEntries())) {
                String n = e.getName();
                if (n.endsWith(".dist-info/METADATA") && n.indexOf('/') == n.lastIndexOf('/')) {
                    metadata = e;
                    break;
                }
            }
            if (metadata == null) {
                throw new PypiException(shown + ": the wheel has no .dist-info/METADATA");
            }
            try (var in = zip.getInputStream(metadata)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            if (e instanceof java.util.zip.ZipException || why.contains("Zip") || why.contains("zip")) {
                why = "not a zip archive, so not a wheel";
            }
            throw new PypiException(shown + ": cannot read the wheel's metadata (" + why + ")");
        }
    }

    /**
     * Keeps the metadata of a wheel already downloaded whole (a direct reference, hashed from {@code wheel}), so
     * {@link #metadata} does not fetch it again.
     *
     * @throws PypiException the bytes are not a wheel with METADATA, or the cache cannot be written
     */
    void rememberMetadata(DistributionFile file, byte[] wheel) throws PypiException {
        String text = metadataInZip(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(wheel),
                HttpFetcher.withoutUserInfo(URI.create(file.url())));
        Path cached = metadataCacheFile(file);
        try {
            Files.createDirectories(cached.getParent());
            writeCache(cached, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PypiException("cannot write the cache " + cached.getParent() + ": " + e.getMessage());
        }
    }

    private Path metadataCacheFile(DistributionFile file) {
        String key = Digests.sha256Hex((file.url() + "|" + file.sha256().orElse("")).getBytes(StandardCharsets.UTF_8)).substring(0, 40);
        return dir.resolve("metadata").resolve(key + ".metadata");
    }

    /**
     * Downloads {@code url} once and returns its SHA-256 (hex): for direct wheel references without a hash.
     *
     * @throws PypiException HTTP fails
     */
    public String sha256Of(String url) throws PypiException {
        byte[] body = download(url);
        notices.accept(String.format("downloaded %s (%.1f kB) to hash it", HttpFetcher.withoutUserInfo(URI.create(url)), body.length / 1e3));
        return Digests.sha256Hex(body);
    }

    /** The bytes at {@code url} (a direct wheel), for hashing and reading its metadata. */
    byte[] download(String url) throws PypiException {
        HttpFetcher.Response r = http.get(url, Map.of());
        if (r.status() != 200) {
            throw new PypiException(HttpFetcher.withoutUserInfo(URI.create(url)) + ": HTTP " + r.status());
        }
        return r.body();
    }

    /**
     * Writes a cache file through a temporary file and a rename (readers see the old file or the new one), without
     * forcing it to disk: a cache is checked when read (metadata against its hash, pages by revalidation), not kept
     * for good.
     */
    private static void writeCache(Path file, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** How many metadata files (or wheel central directories) were fetched over HTTP by this client. */
    public int metadataFetched() {
        return metadataFetched.get();
    }

    /** How many project pages were downloaded (not revalidated) by this client. */
    public int pagesFetched() {
        return pagesFetched.get();
    }

    @Override
    public void close() throws IOException {
        prefetcher.shutdownNow();
        http.close();
    }
}
