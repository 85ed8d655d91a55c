package ca.crim.pavics.jupyter.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of one repository of an OCI / Docker registry (distribution spec HTTP API): manifests, blobs, blob
 * mounts, monolithic uploads. Authenticates as Docker does: anonymous or credentialed bearer tokens from the realm
 * named by {@code WWW-Authenticate} (Docker Hub), or basic auth, with credentials from the docker configuration's
 * {@code auths}. Blob downloads follow redirects (CDNs) without our credentials.
 */
public final class RegistryClient {
    public static final String ACCEPT_MANIFESTS = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** A manifest as the registry serves it: exact bytes, media type and digest. */
    public record Manifest(byte[] bytes, String mediaType, String digest) {
        public JsonNode json() throws IOException {
            return JSON.readTree(bytes);
        }
    }

    private final ImageReference ref;
    private final boolean insecure;
    private final Optional<JsonNode> dockerConfig;
    private final List<String> extraScopes = new ArrayList<>();
    private volatile String authorization;
    private String insecureHint = "the insecure-registry option";

    public RegistryClient(ImageReference ref, boolean insecure, Optional<JsonNode> dockerConfig) {
        this.ref = ref;
        this.insecure = insecure;
        this.dockerConfig = dockerConfig;
    }

    /** The docker configuration: $DOCKER_CONFIG/config.json, else ~/.docker/config.json, if present. */
    public static Optional<JsonNode> dockerConfig(Map<String, String> env) {
        Path dir = env.containsKey("DOCKER_CONFIG") ? Path.of(env.get("DOCKER_CONFIG"))
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        Path file = dir.resolve("config.json");
        try {
            return Files.isRegularFile(file) ? Optional.of(JSON.readTree(file.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Names the option that allows plain HTTP, in the error for an unreachable registry. */
    public RegistryClient withInsecureHint(String option) {
        this.insecureHint = option;
        return this;
    }

    public ImageReference reference() {
        return ref;
    }

    /** Also ask for pull access to another repository of this registry (to mount blobs from it). */
    public void alsoPullFrom(String repository) {
        extraScopes.add("repository:" + repository + ":pull");
    }

    private String base() {
        return (insecure ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository();
    }

    /** The manifest for a tag or digest; an index is resolved to its linux/amd64 manifest. */
    public Manifest manifest(String tagOrDigest) throws IOException {
        Manifest m = rawManifest(tagOrDigest).orElseThrow(() -> new IOException("image " + ref.registry() + "/"
                + ref.repository() + ":" + tagOrDigest + " not found"));
        JsonNode json = m.json();
        if (json.has("manifests")) {
            JsonNode chosen = null;
            for (JsonNode entry : json.get("manifests")) {
                JsonNode p = entry.path("platform");
                if ("linux".equals(p.path("os").asText()) && "amd64".equals(p.path("architecture").asText())) {
                    chosen = entry;
                    break;
                }
            }
            if (chosen == null && json.get("manifests").size() > 0) {
                chosen = json.get("manifests").get(0);
            }
            if (chosen == null) {
                throw new IOException("image " + ref + ": empty index");
            }
            return rawManifest(chosen.path("digest").asText()).orElseThrow(() -> new IOException("image " + ref
                    + ": manifest listed in its index is missing"));
        }
        return m;
    }

    /** The manifest (or index) as stored, or empty when the registry does not have it. */
    public Optional<Manifest> rawManifest(String tagOrDigest) throws IOException {
        HttpResponse<byte[]> response = exchange("GET", base() + "/manifests/" + tagOrDigest, ACCEPT_MANIFESTS, null, null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "GET manifest " + tagOrDigest);
        byte[] body = response.body();
        String mediaType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode json = JSON.readTree(body);
        if (json.hasNonNull("mediaType")) {
            mediaType = json.get("mediaType").asText();
        }
        return Optional.of(new Manifest(body, mediaType, Digests.sha256(body)));
    }

    public boolean hasManifest(String tagOrDigest) throws IOException {
        HttpResponse<byte[]> response = exchange("HEAD", base() + "/manifests/" + tagOrDigest, ACCEPT_MANIFESTS, null, null);
        return response.statusCode() == 200;
    }

    public byte[] blob(String digest) throws IOException {
        try (InputStream in = openBlob(digest)) {
            return in.readAllBytes();
        }
    }

    /** Streams a blob (following a CDN redirect); the caller closes the stream. */
    public InputStream openBlob(String digest) throws IOException {
        HttpResponse<InputStream> response = exchangeStream(base() + "/blobs/" + digest);
        if (response.statusCode() / 100 == 3 && response.headers().firstValue("Location").isPresent()) {
            response.body().close();
            URI location = URI.create(base()).resolve(response.headers().firstValue("Location").get());
            response = send(HttpRequest.newBuilder(location).timeout(Duration.ofHours(2)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("GET blob " + digest + " from " + ref.registry() + "/" + ref.repository() + ": HTTP "
                    + response.statusCode());
        }
        return response.body();
    }

    public boolean hasBlob(String digest) throws IOException {
        return exchange("HEAD", base() + "/blobs/" + digest, "*/*", null, null).statusCode() == 200;
    }

    /** Mounts a blob from another repository of this registry; false when the registry does not (then upload). */
    public boolean mountBlob(String digest, String fromRepository) throws IOException {
        HttpResponse<byte[]> response = exchange("POST", base() + "/blobs/uploads/?mount=" + enc(digest) + "&from="
                + enc(fromRepository), "*/*", HttpRequest.BodyPublishers.noBody(), null);
        if (response.statusCode() == 201) {
            return true;
        }
        if (response.statusCode() == 202) {
            response.headers().firstValue("Location").ifPresent(loc -> {
                try {
                    exchange("DELETE", URI.create(base()).resolve(loc).toString(), "*/*", null, null);
                } catch (IOException ignored) {
                    // an abandoned upload session expires on its own
                }
            });
            return false;
        }
        expect(response, 201, "mount blob " + digest);
        return false;
    }

    /** Uploads a blob in one request (POST for a session, then PUT with the digest). */
    public void pushBlob(String digest, long size, Supplier<InputStream> content) throws IOException {
        HttpResponse<byte[]> start = exchange("POST", base() + "/blobs/uploads/", "*/*",
                HttpRequest.BodyPublishers.noBody(), null);
        expect(start, 202, "start upload of " + digest);
        String location = start.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("registry " + ref.registry() + " gave no upload location"));
        URI uri = URI.create(base()).resolve(location);
        String put = uri + (uri.getQuery() == null ? "?" : "&") + "digest=" + enc(digest);
        HttpResponse<byte[]> done = exchange("PUT", put, "*/*",
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(content), size),
                "application/octet-stream");
        expect(done, 201, "upload of " + digest);
    }

    public void pushBlob(String digest, Path file) throws IOException {
        pushBlob(digest, Files.size(file), () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Puts a manifest under a tag or its digest; returns its digest. */
    public String pushManifest(String tagOrDigest, byte[] manifest, String mediaType) throws IOException {
        HttpResponse<byte[]> response = exchange("PUT", base() + "/manifests/" + tagOrDigest, "*/*",
                HttpRequest.BodyPublishers.ofByteArray(manifest), mediaType);
        expect(response, 201, "PUT manifest " + tagOrDigest);
        return Digests.sha256(manifest);
    }

    private void expect(HttpResponse<?> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            String detail = response.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8).strip() : "";
            detail = detail.lines().findFirst().orElse("");
            throw new IOException(what + " at " + ref.registry() + "/" + ref.repository() + ": HTTP " + response.statusCode()
                    + (response.statusCode() == 401 || response.statusCode() == 403
                            ? " (not authorized: check the docker credentials, docker login " + ref.registry() + ")" : "")
                    + (detail.isEmpty() ? "" : ": " + (detail.length() > 200 ? detail.substring(0, 200) : detail)));
        }
    }

    private HttpResponse<byte[]> exchange(String method, String url, String accept, HttpRequest.BodyPublisher body,
            String contentType) throws IOException {
        for (int attempt = 0;; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                    .header("Accept", accept)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401 && attempt < 2) {
                authenticate(response.headers().firstValue("WWW-Authenticate").orElse(""));
                continue;
            }
            return response;
        }
    }

    private HttpResponse<InputStream> exchangeStream(String url) throws IOException {
        for (int attempt = 0;; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofHours(2)).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 401 && attempt < 2) {
                response.body().close();
                authenticate(response.headers().firstValue("WWW-Authenticate").orElse(""));
                continue;
            }
            return response;
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return HTTP.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException("cannot reach registry " + ref.registry() + " (" + request.uri().getHost() + "): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + (insecure ? "" : "; a plain-HTTP registry needs " + insecureHint));
        }
    }

    private void authenticate(String challenge) throws IOException {
        Optional<String> basic = credentials();
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            authorization = "Basic " + basic.orElseThrow(() -> new IOException("registry " + ref.registry()
                    + " needs credentials: docker login " + ref.registry()));
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new IOException("registry " + ref.registry() + " asks for authentication it does not describe: " + challenge);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(enc(params.get("service"))).append('&');
        }
        url.append("scope=").append(enc(params.getOrDefault("scope", "repository:" + ref.repository() + ":pull")));
        for (String scope : extraScopes) {
            url.append("&scope=").append(enc(scope));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30));
        basic.ifPresent(b -> request.header("Authorization", "Basic " + b));
        HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("token request to " + realm + ": HTTP " + response.statusCode());
        }
        JsonNode token = JSON.readTree(response.body());
        String value = token.hasNonNull("token") ? token.get("token").asText() : token.path("access_token").asText();
        if (value.isEmpty()) {
            throw new IOException("token request to " + realm + ": no token in the answer");
        }
        authorization = "Bearer " + value;
    }

    /** base64 "user:password" for the registry from the docker configuration's {@code auths}. */
    private Optional<String> credentials() {
        if (dockerConfig.isEmpty()) {
            return Optional.empty();
        }
        JsonNode auths = dockerConfig.get().path("auths");
        String[] keys = ref.registry().equals(ImageReference.DOCKER_HUB)
                ? new String[] {"https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"}
                : new String[] {ref.registry(), "https://" + ref.registry(), "http://" + ref.registry()};
        for (String k : keys) {
            JsonNode entry = auths.path(k);
            if (entry.hasNonNull("auth")) {
                return Optional.of(entry.get("auth").asText());
            }
            if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
                return Optional.of(Base64.getEncoder().encodeToString((entry.get("username").asText() + ":"
                        + entry.get("password").asText()).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return Optional.empty();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
