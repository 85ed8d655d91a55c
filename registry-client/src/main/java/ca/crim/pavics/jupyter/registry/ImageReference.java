package ca.crim.pavics.jupyter.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A registry image reference such as {@code birdhouse/pavics-jupyter-base:0.5.0},
 * {@code 127.0.0.1:5000/pavics/crim-jupyter-eo:0.5.0} or {@code name@sha256:...}, with Docker's defaults
 * (registry {@code docker.io}, namespace {@code library}, tag {@code latest}). Docker Hub's other names
 * ({@code index.docker.io}, {@code registry-1.docker.io}, {@code registry.hub.docker.com}) are read as
 * {@code docker.io}, so one image has one reference whatever name it was written with.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** Other names of Docker Hub, read as {@link #DOCKER_HUB}. */
    public static final java.util.List<String> DOCKER_HUB_ALIASES = java.util.List.of("index.docker.io",
            "registry-1.docker.io", "registry.hub.docker.com");
    private static final Pattern REPOSITORY = Pattern.compile(
            "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    private static final Pattern REGISTRY = Pattern.compile("^[A-Za-z0-9.-]+(:[0-9]+)?$|^\\[[0-9a-fA-F:]+](:[0-9]+)?$");

    public static ImageReference parse(String reference) {
        String ref = reference.trim();
        if (ref.isEmpty() || ref.contains("://")) {
            throw new IllegalArgumentException("not a registry image reference: '" + reference + "'");
        }
        String digest = "";
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = ref.substring(at + 1);
            ref = ref.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("invalid digest in image reference '" + reference + "'");
            }
        }
        String registry = DOCKER_HUB;
        int slash = ref.indexOf('/');
        if (slash > 0) {
            String first = ref.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.equals(first.toLowerCase(Locale.ROOT))) {
                registry = first;
                ref = ref.substring(slash + 1);
            }
        }
        if (DOCKER_HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT))) {
            registry = DOCKER_HUB;
        }
        if (!REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("invalid registry '" + registry + "' in image reference '" + reference + "'");
        }
        String tag = "";
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            tag = ref.substring(colon + 1);
            ref = ref.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid tag '" + tag + "' in image reference '" + reference + "'");
            }
        }
        if (!REPOSITORY.matcher(ref).matches()) {
            throw new IllegalArgumentException("invalid repository name '" + ref + "' in image reference '"
                    + reference + "' (lower-case letters, digits and separators . _ - /)");
        }
        if (registry.equals(DOCKER_HUB) && !ref.contains("/")) {
            ref = "library/" + ref;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = "latest";
        }
        return new ImageReference(registry, ref, tag, digest);
    }

    /** The host (and port) that serves the registry API: Docker Hub's API is on registry-1.docker.io. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    public String hostName() {
        String host = apiHost();
        if (host.startsWith("[")) {
            return host.substring(1, host.indexOf(']'));
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }

    /** Explicit port, or -1. */
    public int port() {
        String host = apiHost();
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.endsWith("]")) {
            return -1;
        }
        return Integer.parseInt(host.substring(colon + 1));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(registry).append('/').append(repository);
        if (!tag.isEmpty()) {
            b.append(':').append(tag);
        }
        if (!digest.isEmpty()) {
            b.append('@').append(digest);
        }
        return b.toString();
    }
}
