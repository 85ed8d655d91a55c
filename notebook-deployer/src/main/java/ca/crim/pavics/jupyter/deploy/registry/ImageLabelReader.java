package ca.crim.pavics.jupyter.deploy.registry;

import ca.crim.pavics.jupyter.registry.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a label of an image's config through the registry HTTP API (distribution spec): manifest (or index,
 * then the linux/amd64 manifest), then the config blob. Authenticates as Docker does: anonymous or credentialed
 * bearer tokens from the realm named by {@code WWW-Authenticate}, or basic auth, with credentials from the docker
 * configuration ({@code auths} entries).
 */
public final class ImageLabelReader {
    private static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean insecure;
    private final Optional<JsonNode> dockerConfig;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private String authorization;

    public ImageLabelReader(boolean insecure, Optional<JsonNode> dockerConfig) {
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

    public Optional<String> label(String reference, String key) throws IOException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid image reference: " + e.getMessage());
        }
        String base = (insecure ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository();
        JsonNode manifest = json(get(ref, base + "/manifests/" + (ref.digest().isEmpty() ? ref.tag() : ref.digest()), ACCEPT));
        if (manifest.has("manifests")) {
            JsonNode chosen = null;
            for (JsonNode m : manifest.get("manifests")) {
                JsonNode p = m.path("platform");
                if ("linux".equals(p.path("os").asText()) && "amd64".equals(p.path("architecture").asText())) {
                    chosen = m;
                    break;
                }
            }
            if (chosen == null && manifest.get("manifests").size() > 0) {
                chosen = manifest.get("manifests").get(0);
            }
            if (chosen == null) {
                throw new IOException("image " + reference + ": empty index");
            }
            manifest = json(get(ref, base + "/manifests/" + chosen.path("digest").asText(), ACCEPT));
        }
        String configDigest = manifest.path("config").path("digest").asText();
        if (configDigest.isEmpty()) {
            throw new IOException("image " + reference + ": manifest without config");
        }
        JsonNode config = json(get(ref, base + "/blobs/" + configDigest, "*/*"));
        JsonNode value = config.path("config").path("Labels").path(key);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }

    private byte[] get(ImageReference ref, String url, String accept) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Accept", accept);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<byte[]> response = send(request.build(), ref);
            int status = response.statusCode();
            if (status == 200) {
                return response.body();
            }
            if (status / 100 == 3 && response.headers().firstValue("Location").isPresent()) {
                // blobs are often served from elsewhere (a CDN): follow without our credentials
                URI location = URI.create(url).resolve(response.headers().firstValue("Location").get());
                HttpResponse<byte[]> redirected = send(HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(60)).build(), ref);
                if (redirected.statusCode() == 200) {
                    return redirected.body();
                }
                throw new IOException("GET " + location + ": HTTP " + redirected.statusCode());
            }
            if (status == 401 && attempt == 0) {
                authenticate(ref, response.headers().firstValue("WWW-Authenticate").orElse(""));
                continue;
            }
            if (status == 404) {
                throw new IOException("image " + ref + " not found (" + url + ": HTTP 404)");
            }
            throw new IOException("GET " + url + ": HTTP " + status + (status == 401 ? " (not authorized: check the docker credentials)" : ""));
        }
        throw new IOException("GET " + url + ": not authorized");
    }

    private HttpResponse<byte[]> send(HttpRequest request, ImageReference ref) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException("cannot reach registry " + ref.registry() + " (" + request.uri().getHost() + "): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + (insecure ? "" : "; a plain-HTTP registry needs --insecure-registry"));
        }
    }

    private void authenticate(ImageReference ref, String challenge) throws IOException {
        Optional<String> basic = credentials(ref);
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            authorization = "Basic " + basic.orElseThrow(() -> new IOException("registry " + ref.registry()
                    + " needs credentials: docker login " + ref.registry()));
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new IOException("registry " + ref.registry() + " asks for authentication it does not describe: " + challenge);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", "repository:" + ref.repository() + ":pull"),
                StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30));
        basic.ifPresent(b -> request.header("Authorization", "Basic " + b));
        HttpResponse<byte[]> response = send(request.build(), ref);
        if (response.statusCode() != 200) {
            throw new IOException("token request to " + realm + ": HTTP " + response.statusCode());
        }
        JsonNode token = json(response.body());
        String value = token.hasNonNull("token") ? token.get("token").asText() : token.path("access_token").asText();
        if (value.isEmpty()) {
            throw new IOException("token request to " + realm + ": no token in the answer");
        }
        authorization = "Bearer " + value;
    }

    /** base64 "user:password" for the registry from the docker configuration's {@code auths}. */
    private Optional<String> credentials(ImageReference ref) {
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
}
