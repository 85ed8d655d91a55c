package ca.crim.pavics.jupyter.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client of one repository of an OCI / Docker registry (OCI distribution spec HTTP API): manifests, blobs, blob
 * mounts, monolithic uploads.
 *
 * <p>Every manifest and blob read is checked against the digest it was requested by (or, for a manifest read by
 * tag, the {@code Docker-Content-Digest} the registry announced), while it streams: see {@link VerifyingInputStream}.
 * Requests time out after {@link RegistrySettings#readTimeout()} of silence. Idempotent requests and whole uploads
 * (a new upload session each time: never half-committed) are retried after connection resets, 429 (honouring
 * {@code Retry-After}), 500, 502, 503 and 504, as {@link RegistrySettings#retry()} allows; each retry is told on one
 * line. Authentication is answered by {@link RegistryAuthenticator} with {@link DockerCredentials}. With
 * {@link RegistrySettings#allowInsecure()}, HTTPS accepts any certificate and a registry that does not speak TLS is
 * spoken to over plain HTTP.
 *
 * <p>Failures are {@link RegistryException}s whose {@link RegistryException#kind()} says why.
 */
public final class RegistryClient {
    /** Manifest media types we accept: OCI and Docker v2 schema 2, images and indexes. */
    public static final String ACCEPT_MANIFESTS = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    /** Registries must accept manifests of at least 4 MiB (distribution spec); we read no larger ones. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_IN_MEMORY_BLOB = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest as the registry serves it: exact bytes, media type and digest. */
    public record Manifest(byte[] bytes, String mediaType, String digest) {
        public JsonNode json() throws IOException {
            return JSON.readTree(bytes);
        }
    }

    /**
     * What a reference resolves to: the image manifest for linux/amd64 and, when the reference named a multi-platform
     * index, that index's digest.
     */
    public record Resolved(Manifest manifest, Optional<String> indexDigest) {
    }

    /** The content of an upload, opened anew for each attempt. */
    @FunctionalInterface
    public interface BlobSource {
        InputStream open() throws IOException;
    }

    private final ImageReference ref;
    private final RegistrySettings settings;
    private final RegistryAuthenticator auth;
    private final RetryingCalls calls;

    public RegistryClient(ImageReference ref, RegistrySettings settings) {
        this.ref = ref;
        this.settings = settings;
        this.auth = new RegistryAuthenticator(ref, settings);
        this.calls = new RetryingCalls(ref, settings);
    }

    public ImageReference reference() {
        return ref;
    }

    public RegistrySettings settings() {
        return settings;
    }

    /** Also ask for pull access to another repository of this registry (to mount blobs from it). */
    public void alsoPullFrom(String repository) {
        auth.addScope("repository:" + repository + ":pull");
    }

    private String where() {
        return ref.registry() + "/" + ref.repository();
    }

    private boolean plainHttp() {
        return RetryingCalls.plainHttp(settings, ref);
    }

    private URI url(String path) {
        return URI.create((plainHttp() ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository() + path);
    }

    /** The image manifest of a tag or digest; an index is resolved to its linux/amd64 manifest. */
    public Manifest manifest(String tagOrDigest) throws IOException {
        return resolve(tagOrDigest).manifest();
    }

    /**
     * The linux/amd64 image manifest a tag or digest names, with the index digest when it names an index.
     *
     * @throws RegistryException NOT_FOUND when the registry has no such manifest, or PROTOCOL when an index has no
     *     linux/amd64 manifest
     */
    public Resolved resolve(String tagOrDigest) throws IOException {
        Manifest m = rawManifest(tagOrDigest).orElseThrow(() -> new RegistryException(RegistryException.Kind.NOT_FOUND,
                "image " + where() + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest + " not found"));
        JsonNode json = m.json();
        if (!json.has("manifests")) {
            return new Resolved(m, Optional.empty());
        }
        List<String> platforms = new ArrayList<>();
        for (JsonNode entry : json.get("manifests")) {
            JsonNode p = entry.path("platform");
            platforms.add(p.path("os").asText() + "/" + p.path("architecture").asText());
            if ("linux".equals(p.path("os").asText()) && "amd64".equals(p.path("architecture").asText())) {
                String digest = entry.path("digest").asText();
                Manifest image = rawManifest(digest).orElseThrow(() -> new RegistryException(RegistryException.Kind.NOT_FOUND,
                        "image " + where() + ": manifest " + digest + " listed in its index is missing"));
                if (entry.has("size") && entry.path("size").asLong() != image.bytes().length) {
                    throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "image " + where() + ": manifest "
                            + digest + " is " + image.bytes().length + " bytes, its index says " + entry.path("size").asLong());
                }
                return new Resolved(image, Optional.of(m.digest()));
            }
        }
        throw new RegistryException(RegistryException.Kind.PROTOCOL, "image " + where() + ":" + tagOrDigest
                + " has no linux/amd64 manifest (it has " + String.join(", ", platforms) + ")");
    }

    /**
     * The manifest (or index) as stored, checked against the digest it was asked by or announced with; empty when
     * the registry does not have it.
     */
    public Optional<Manifest> rawManifest(String tagOrDigest) throws IOException {
        String what = "GET manifest " + tagOrDigest + " of " + where();
        RegistryTransport.Response response = exchange(what, "GET", url("/manifests/" + tagOrDigest),
                Map.of("Accept", ACCEPT_MANIFESTS), null, MAX_MANIFEST_BYTES + 1);
        if (response.status() == 404) {
            return Optional.empty();
        }
        expect(response, what, 200);
        byte[] body = response.body();
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        String expected = Digests.isValid(tagOrDigest) ? tagOrDigest
                : response.header("Docker-Content-Digest").filter(Digests::isValid).orElse(null);
        String digest = expected == null ? Digests.sha256(body) : Digests.digestLike(expected, body);
        if (expected != null && !expected.equals(digest)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "manifest " + tagOrDigest + " of "
                    + where() + " does not match its digest: expected " + expected + ", got " + digest
                    + "; nothing was kept");
        }
        String mediaType = response.header("Content-Type").orElse("");
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": not JSON");
        }
        if (json.hasNonNull("mediaType")) {
            mediaType = json.get("mediaType").asText();
        }
        return Optional.of(new Manifest(body, mediaType, digest));
    }

    /** The digest a tag or digest currently names (HEAD, no body), or empty when there is no such manifest. */
    public Optional<String> manifestDigest(String tagOrDigest) throws IOException {
        String what = "HEAD manifest " + tagOrDigest + " of " + where();
        RegistryTransport.Response response = exchange(what, "HEAD", url("/manifests/" + tagOrDigest),
                Map.of("Accept", ACCEPT_MANIFESTS), null, 0);
        if (response.status() == 404) {
            return Optional.empty();
        }
        expect(response, what, 200);
        Optional<String> header = response.header("Docker-Content-Digest").filter(Digests::isValid);
        if (header.isPresent()) {
            return header;
        }
        return rawManifest(tagOrDigest).map(Manifest::digest);
    }

    public boolean hasManifest(String tagOrDigest) throws IOException {
        return manifestDigest(tagOrDigest).isPresent();
    }

    /** A small blob (an image config) read into memory and verified. */
    public byte[] blob(String digest) throws IOException {
        return blob(digest, -1);
    }

    /** A small blob read into memory and verified against its digest and (when not -1) the size its descriptor gives. */
    public byte[] blob(String digest, long size) throws IOException {
        try (InputStream in = openBlob(digest, size)) {
            byte[] content = in.readNBytes(MAX_IN_MEMORY_BLOB + 1);
            if (content.length > MAX_IN_MEMORY_BLOB) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, "blob " + digest + " of " + where()
                        + " is larger than " + MAX_IN_MEMORY_BLOB + " bytes");
            }
            if (in.read() >= 0) {
                throw new IllegalStateException("unreachable: the stream ended");
            }
            return content;
        }
    }

    /** Streams a blob (following a CDN redirect), verified as it is read; the caller closes the stream. */
    public VerifyingInputStream openBlob(String digest) throws IOException {
        return openBlob(digest, -1);
    }

    /**
     * Streams a blob, verified against its digest and size as it is read (see {@link VerifyingInputStream}); the
     * caller reads it to the end (or calls {@link VerifyingInputStream#verifyRest()}) and closes it.
     *
     * @param size the size its descriptor gives, or -1
     */
    public VerifyingInputStream openBlob(String digest, long size) throws IOException {
        checkDigest(digest);
        String what = "blob " + digest + " of " + where();
        RegistryTransport.Streamed s = calls.run("GET " + what, () -> {
            URI uri = url("/blobs/" + digest);
            RegistryTransport.Streamed r = openOnce("GET " + what, uri, Map.of(), true);
            for (int redirects = 0; r.status() / 100 == 3 && r.header("Location").isPresent(); redirects++) {
                r.close();
                if (redirects == 5) {
                    throw new RegistryException(RegistryException.Kind.PROTOCOL, "GET " + what + ": too many redirects");
                }
                uri = uri.resolve(r.header("Location").get());
                // a CDN's signed URL: without our credentials
                r = transport(uri).open("GET", uri, Map.of(), Optional.empty());
            }
            if (r.status() != 200) {
                RegistryTransport.Response small = new RegistryTransport.Response(r.status(), r.response().getHeaders(),
                        r.body() == null ? new byte[0] : r.body().readNBytes(4096));
                r.close();
                if (small.status() == 404) {
                    throw new RegistryException(RegistryException.Kind.NOT_FOUND, what + " not found (BLOB_UNKNOWN)");
                }
                expect(small, "GET " + what, 200);
            }
            return r;
        });
        InputStream body = s.body() == null ? new ByteArrayInputStream(new byte[0]) : s.body();
        return new VerifyingInputStream(new java.io.FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                s.close();
            }
        }, digest, size, what);
    }

    public boolean hasBlob(String digest) throws IOException {
        checkDigest(digest);
        String what = "HEAD blob " + digest + " of " + where();
        RegistryTransport.Response r = exchange(what, "HEAD", url("/blobs/" + digest), Map.of(), null, 0);
        if (r.status() == 404) {
            return false;
        }
        if (r.status() / 100 == 3) {
            return true;
        }
        expect(r, what, 200);
        return true;
    }

    /** Mounts a blob from another repository of this registry; false when the registry does not (then upload). */
    public boolean mountBlob(String digest, String fromRepository) throws IOException {
        checkDigest(digest);
        String what = "mount of blob " + digest + " from " + fromRepository + " into " + where();
        RegistryTransport.Response r = exchange(what, "POST", url("/blobs/uploads/?mount=" + enc(digest) + "&from="
                + enc(fromRepository)), Map.of(), emptyBody(), 4096);
        if (r.status() == 201) {
            return true;
        }
        if (r.status() == 202) {
            Optional<String> location = r.header("Location");
            if (location.isPresent()) {
                try {
                    exchange("cancel of an upload session", "DELETE", url("/").resolve(location.get()), Map.of(), null, 4096);
                } catch (IOException ignored) {
                    // an abandoned upload session expires on its own
                }
            }
            return false;
        }
        expect(r, what, 201);
        return false;
    }

    /**
     * Uploads a blob monolithically: POST for a session, then PUT of the whole content with its digest, which the
     * registry checks before it commits. A failed attempt is restarted with a new session.
     */
    public void pushBlob(String digest, long size, BlobSource content) throws IOException {
        checkDigest(digest);
        String what = "upload of blob " + digest + " to " + where();
        calls.run(what, () -> {
            RegistryTransport.Response start = exchangeOnce(what, "POST", url("/blobs/uploads/"), Map.of(), emptyBody(), 4096);
            expect(start, what, 202);
            String location = start.header("Location").orElseThrow(() -> new RegistryException(
                    RegistryException.Kind.PROTOCOL, what + ": the registry gave no upload location"));
            URI uri = url("/").resolve(location);
            URI put = URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "digest=" + enc(digest));
            RegistryTransport.Response done = exchangeOnce(what, "PUT", put, Map.of("Content-Type",
                    "application/octet-stream"), new RegistryTransport.Body() {
                        @Override
                        public long length() {
                            return size;
                        }

                        @Override
                        public InputStream open() throws IOException {
                            return content.open();
                        }
                    }, 4096);
            expect(done, what, 201);
            return null;
        });
    }

    public void pushBlob(String digest, Path file) throws IOException {
        pushBlob(digest, Files.size(file), () -> Files.newInputStream(file));
    }

    /** Puts a manifest under a tag or its digest; returns its digest. */
    public String pushManifest(String tagOrDigest, byte[] manifest, String mediaType) throws IOException {
        String what = "PUT manifest " + tagOrDigest + " of " + where();
        RegistryTransport.Response r = exchange(what, "PUT", url("/manifests/" + tagOrDigest), Map.of("Content-Type",
                mediaType), bytesBody(manifest), 4096);
        expect(r, what, 201);
        return Digests.sha256(manifest);
    }

    // ---- exchanges, retries, authentication --------------------------------------------------------------------

    /** One logical request: retried, authenticated, answer read into memory. */
    private RegistryTransport.Response exchange(String what, String method, URI uri, Map<String, String> headers,
            RegistryTransport.Body body, int maxBody) throws IOException {
        return calls.run(what, () -> {
            return exchangeOnce(what, method, uri, headers, body, maxBody);
        });
    }

    /** One attempt, with up to two rounds of authentication. */
    private RegistryTransport.Response exchangeOnce(String what, String method, URI uri, Map<String, String> headers,
            RegistryTransport.Body body, int maxBody) throws IOException {
        for (int round = 0;; round++) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            auth.header().ifPresent(a -> h.put("Authorization", a));
            URI target = rebase(uri);
            RegistryTransport.Response r = transport(target).send(method, target, h, Optional.ofNullable(body), maxBody);
            if (RetryingCalls.tlsInstead(settings, ref, r.status())) {
                round--;
                continue;
            }
            if (r.status() != 401) {
                if (r.status() == 403) {
                    throw auth.refused(what, 403);
                }
                RetryingCalls.failIfRetryable(r.status(), r.header("Retry-After"));
                return r;
            }
            if (round == 2) {
                throw auth.refused(what, 401);
            }
            auth.answer(r.header("WWW-Authenticate").orElse(""), plainHttp(), what, this::tokenRequest);
        }
    }

    private RegistryTransport.Streamed openOnce(String what, URI uri, Map<String, String> headers, boolean get)
            throws IOException {
        for (int round = 0;; round++) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            auth.header().ifPresent(a -> h.put("Authorization", a));
            URI target = rebase(uri);
            RegistryTransport.Streamed r = transport(target).open("GET", target, h, Optional.empty());
            if (RetryingCalls.tlsInstead(settings, ref, r.status())) {
                r.close();
                round--;
                continue;
            }
            if (r.status() != 401) {
                if (r.status() == 403) {
                    r.close();
                    throw auth.refused(what, 403);
                }
                if (RetryingCalls.isRetryable(r.status())) {
                    Optional<String> after = r.header("Retry-After");
                    r.close();
                    RetryingCalls.failIfRetryable(r.status(), after);
                }
                return r;
            }
            String challenge = r.header("WWW-Authenticate").orElse("");
            r.close();
            if (round == 2) {
                throw auth.refused(what, 401);
            }
            auth.answer(challenge, plainHttp(), what, this::tokenRequest);
        }
    }

    private RegistryTransport.Response tokenRequest(String method, URI uri, Map<String, String> headers,
            Optional<String> form) throws IOException {
        String what = "token request to " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
        return calls.run(what, () -> {
            RegistryTransport.Response r = transport(uri).send(method, uri, headers, form.map(f -> bytesBody(
                    f.getBytes(StandardCharsets.UTF_8))), 1 << 20);
            RetryingCalls.failIfRetryable(r.status(), r.header("Retry-After"));
            return r;
        });
    }

    /** A request URI with the scheme this registry is spoken to with now (after a plain-HTTP fallback). */
    private URI rebase(URI uri) {
        if (uri.getAuthority() != null && uri.getAuthority().equals(ref.apiHost())) {
            String scheme = plainHttp() ? "http" : "https";
            if (!scheme.equals(uri.getScheme())) {
                return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
            }
        }
        return uri;
    }

    private RegistryTransport transport(URI uri) {
        return RegistryTransport.of(settings.connectTimeout(), settings.readTimeout(), settings.allowInsecure());
    }

    private void expect(RegistryTransport.Response response, String what, int status) throws RegistryException {
        if (response.status() == status) {
            return;
        }
        String detail = new String(response.body(), StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        if (detail.length() > 200) {
            detail = detail.substring(0, 200);
        }
        RegistryException.Kind kind = response.status() == 404 ? RegistryException.Kind.NOT_FOUND
                : response.status() == 401 || response.status() == 403 ? RegistryException.Kind.UNAUTHORIZED
                : RegistryException.Kind.PROTOCOL;
        throw new RegistryException(kind, what + ": HTTP " + response.status() + (detail.isEmpty() ? "" : ": " + detail));
    }

    private static void checkDigest(String digest) throws RegistryException {
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "not a sha256 or sha512 digest: " + digest);
        }
    }

    private static RegistryTransport.Body emptyBody() {
        return bytesBody(new byte[0]);
    }

    private static RegistryTransport.Body bytesBody(byte[] bytes) {
        return new RegistryTransport.Body() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
