package ca.crim.pavics.jupyter.conda.record;

import ca.crim.pavics.jupyter.conda.version.VersionException;
import ca.crim.pavics.jupyter.conda.version.VersionOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A conda package record as repodata ({@code repodata.json}) and {@code conda-meta/*.json} describe it: the fields a
 * solver and an install plan need. The version is parsed ({@link VersionOrder}) on first use.
 *
 * @see #fromJson
 */
public final class PackageRecord {
    private final String name;
    private final String version;
    private final String build;
    private final long buildNumber;
    private final List<String> depends;
    private final List<String> constrains;
    private final List<String> trackFeatures;
    private final String subdir;
    private final String noarch;
    private final long timestamp;
    private final String md5;
    private final String sha256;
    private final long size;
    private final String license;
    private final String fileName;
    private final String url;
    private final String channel;
    private volatile VersionOrder versionOrder;

    /**
     * @param noarch "python", "generic" or null
     * @param timestamp milliseconds since the epoch (0 when unknown)
     * @param size bytes of the package file (0 when unknown)
     * @param channel the channel's URL or name as the source writes it (may be empty)
     */
    public PackageRecord(String name, String version, String build, long buildNumber, List<String> depends,
            List<String> constrains, List<String> trackFeatures, String subdir, String noarch, long timestamp,
            String md5, String sha256, long size, String license, String fileName, String url, String channel) {
        this.name = Objects.requireNonNull(name).toLowerCase(Locale.ROOT);
        this.version = Objects.requireNonNull(version);
        this.build = Objects.requireNonNull(build);
        this.buildNumber = buildNumber;
        this.depends = List.copyOf(depends);
        this.constrains = List.copyOf(constrains);
        this.trackFeatures = List.copyOf(trackFeatures);
        this.subdir = subdir == null ? "" : subdir;
        this.noarch = noarch;
        this.timestamp = timestamp;
        this.md5 = md5;
        this.sha256 = sha256;
        this.size = size;
        this.license = license;
        this.fileName = fileName == null ? name + "-" + version + "-" + build + ".conda" : fileName;
        this.url = url == null ? "" : url;
        this.channel = channel == null ? "" : channel;
    }

    /**
     * Reads a record from repodata or conda-meta JSON. {@code track_features} may be a string (comma or space
     * separated) or a list; {@code noarch} a string, {@code true} (generic) or absent; a timestamp in seconds is
     * converted to milliseconds (conda's rule: values below 253402300799 are seconds).
     *
     * @param fileName the key in repodata ({@code fn} of conda-meta is used when null)
     * @param channel the channel URL the record was read from, when the JSON has none
     * @param subdir the subdir it was read from, when the JSON has none
     * @throws IllegalArgumentException when name, version or build is missing
     */
    public static PackageRecord fromJson(String fileName, JsonNode json, String channel, String subdir) {
        for (String field : List.of("name", "version", "build")) {
            if (!json.path(field).isTextual()) {
                throw new IllegalArgumentException("record " + (fileName != null ? fileName : json.path("fn").asText("?"))
                        + " has no \"" + field + "\"");
            }
        }
        JsonNode tf = json.path("track_features");
        List<String> features = new ArrayList<>();
        if (tf.isTextual()) {
            for (String f : tf.asText().split("[,\\s]+")) {
                if (!f.isBlank()) {
                    features.add(f.strip());
                }
            }
        } else if (tf.isArray()) {
            tf.forEach(f -> features.add(f.asText()));
        }
        JsonNode na = json.path("noarch");
        String noarch = na.isTextual() ? na.asText() : na.isBoolean() && na.asBoolean() ? "generic"
                : na.path("type").isTextual() ? na.path("type").asText() : null;
        long ts = json.path("timestamp").asLong(0);
        if (ts > 0 && ts < 253402300799L) {
            ts *= 1000;
        }
        return new PackageRecord(json.get("name").asText(), json.get("version").asText(), json.get("build").asText(),
                json.path("build_number").asLong(0), strings(json.path("depends")), strings(json.path("constrains")),
                features, text(json, "subdir").orElse(subdir), noarch, ts, text(json, "md5").orElse(null),
                text(json, "sha256").orElse(null), json.path("size").asLong(0), text(json, "license").orElse(null),
                fileName != null ? fileName : text(json, "fn").orElse(null), text(json, "url").orElse(null),
                text(json, "channel").orElse(channel));
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode n = json.path(field);
        return n.isTextual() && !n.asText().isEmpty() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** This record with another URL (e.g. the channel URL, subdir and file name, when repodata gives none). */
    public PackageRecord withUrl(String newUrl) {
        return new PackageRecord(name, version, build, buildNumber, depends, constrains, trackFeatures, subdir, noarch,
                timestamp, md5, sha256, size, license, fileName, newUrl, channel);
    }

    public String name() {
        return name;
    }

    /** The version as written. */
    public String version() {
        return version;
    }

    /**
     * The parsed version.
     *
     * @throws IllegalStateException when the record's version is not a valid conda version
     */
    public VersionOrder versionOrder() {
        VersionOrder v = versionOrder;
        if (v == null) {
            try {
                v = VersionOrder.parse(version);
            } catch (VersionException e) {
                throw new IllegalStateException("package " + fileName + ": " + e.getMessage(), e);
            }
            versionOrder = v;
        }
        return v;
    }

    public String build() {
        return build;
    }

    public long buildNumber() {
        return buildNumber;
    }

    /** Match specs of what it needs. */
    public List<String> depends() {
        return depends;
    }

    /** Match specs that constrain other packages if they are installed. */
    public List<String> constrains() {
        return constrains;
    }

    public List<String> trackFeatures() {
        return trackFeatures;
    }

    public String subdir() {
        return subdir;
    }

    /** "python", "generic", or empty. */
    public Optional<String> noarch() {
        return Optional.ofNullable(noarch);
    }

    /** Milliseconds since the epoch, 0 when unknown. */
    public long timestamp() {
        return timestamp;
    }

    public Optional<String> md5() {
        return Optional.ofNullable(md5);
    }

    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    public long size() {
        return size;
    }

    public Optional<String> license() {
        return Optional.ofNullable(license);
    }

    /** {@code NAME-VERSION-BUILD.conda} or {@code .tar.bz2}. */
    public String fileName() {
        return fileName;
    }

    public String url() {
        return url;
    }

    /** The channel URL (or name) the record belongs to. */
    public String channel() {
        return channel;
    }

    /** {@code name-version-build}, conda's dist string. */
    public String dist() {
        return name + "-" + version + "-" + build;
    }

    @Override
    public String toString() {
        return (channel.isEmpty() ? "" : channel + "/") + (subdir.isEmpty() ? "" : subdir + "::") + dist();
    }
}
