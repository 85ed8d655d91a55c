package ca.crim.pavics.jupyter.snapshot;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the base image's environment already contains — its conda records, pip distributions, history and pins —
 * and the facts about the system a solver needs (glibc, architecture, python), with the image it describes. Written
 * by {@link SnapshotMaker} as deterministic JSON ({@code base-config/base-environment.json}):
 *
 * <pre>{"snapshot_version": 1,
 *  "image": {"reference", "digest", "index_digest", "platform"},
 *  "prefix": "/opt/conda/envs/birdy",
 *  "system": {"glibc": "2.35", "architecture": "x86_64", "python": "3.11.9"},
 *  "history": "...", "pinned": ["..."],
 *  "conda": [{"name","version","build","build_number","channel","subdir","url","fn","md5","sha256","size",
 *             "timestamp","license","depends","constrains","track_features","noarch","python_site_packages_path",
 *             "files"}],
 *  "pip": [{"name","version","requires_dist","installer","direct_url","files"}]}</pre>
 *
 * Older snapshots without {@code image}, {@code system} or the longer record fields are read too.
 */
public record BaseSnapshot(Optional<ImageInfo> image, String prefix, SystemInfo system, String history,
        List<String> pinned, List<BaseConda> conda, List<BasePip> pip) {
    /** The format version this writes. */
    public static final int VERSION = 1;

    /**
     * @param reference the reference snapshotted, as given
     * @param digest the image manifest's digest (linux/amd64)
     * @param indexDigest the digest of the multi-platform index the reference named, if it named one
     */
    public record ImageInfo(String reference, String digest, Optional<String> indexDigest, String platform) {
    }

    /**
     * @param glibc the C library version (from the image's libc), when it has glibc
     * @param architecture e.g. {@code x86_64}
     * @param python the environment's python version, when it has python
     */
    public record SystemInfo(Optional<String> glibc, String architecture, Optional<String> python) {
        public static final SystemInfo UNKNOWN = new SystemInfo(Optional.empty(), "x86_64", Optional.empty());
    }

    /** A conda package of the base environment. */
    public record BaseConda(PackageRecord record, Optional<String> sitePackagesPath, List<String> files) {
        public BaseConda {
            files = List.copyOf(files);
        }

        public String name() {
            return record.name();
        }

        public String version() {
            return record.version();
        }

        public String build() {
            return record.build();
        }

        public Optional<String> sha256() {
            return record.sha256();
        }

        public Optional<String> md5() {
            return record.md5();
        }

        public String fn() {
            return record.fileName();
        }

        public boolean noarchPython() {
            return record.noarch().filter("python"::equals).isPresent();
        }

        /** {@code conda-meta/NAME-VERSION-BUILD.json}'s file name. */
        public String recordName() {
            return record.dist() + ".json";
        }
    }

    /**
     * A pip distribution of the base environment ({@code *.dist-info}); {@code files} relative to the prefix.
     *
     * @param installer what installed it ({@code pip}, {@code conda}, …), "" when unknown
     * @param directUrl the content of {@code direct_url.json}, if any
     */
    public record BasePip(String name, String version, List<String> requiresDist, String installer,
            Optional<String> directUrl, List<String> files) {
        public BasePip {
            requiresDist = List.copyOf(requiresDist);
            files = List.copyOf(files);
        }

        /** A distribution known by name, version and files only. */
        public BasePip(String name, String version, List<String> files) {
            this(name, version, List.of(), "", Optional.empty(), files);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BaseSnapshot {
        pinned = List.copyOf(pinned);
        conda = conda.stream().sorted(Comparator.comparing(BaseConda::name)).toList();
        pip = pip.stream().sorted(Comparator.comparing((BasePip p) -> normalize(p.name())).thenComparing(BasePip::version))
                .toList();
    }

    /** A snapshot of an environment only (no image, system facts unknown). */
    public BaseSnapshot(String prefix, String history, List<BaseConda> conda, List<BasePip> pip) {
        this(Optional.empty(), prefix, SystemInfo.UNKNOWN, history, List.of(), conda, pip);
    }

    public static BaseSnapshot read(Path file) throws SnapshotException {
        return parse(file, bytes(file));
    }

    /** The snapshot file's bytes (one line naming it when it is missing). */
    public static byte[] bytes(Path file) throws SnapshotException {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SnapshotException(file + ": no snapshot of the base environment (write it with the base"
                    + " snapshot goal, or pass another snapshot file)");
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read: " + oneLine(e));
        }
    }

    /** Reads a snapshot whose bytes the caller already has ({@code file} names it in errors). */
    public static BaseSnapshot parse(Path file, byte[] content) throws SnapshotException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (IOException e) {
            throw new SnapshotException(file + ": not a valid base environment snapshot: " + oneLine(e));
        }
        if (root.path("snapshot_version").asInt(VERSION) > VERSION) {
            throw new SnapshotException(file + ": snapshot version " + root.path("snapshot_version").asInt()
                    + " is newer than this tool reads (" + VERSION + ")");
        }
        String prefix = root.path("prefix").asText("");
        if (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.startsWith("/") || prefix.length() < 2) {
            throw new SnapshotException(file + ": \"prefix\" must be an absolute path (e.g. /opt/conda/envs/birdy)");
        }
        Optional<ImageInfo> image = Optional.empty();
        JsonNode img = root.path("image");
        if (img.isObject()) {
            image = Optional.of(new ImageInfo(img.path("reference").asText(""), img.path("digest").asText(""),
                    text(img, "index_digest"), img.path("platform").asText("linux/amd64")));
        }
        JsonNode sys = root.path("system");
        SystemInfo system = new SystemInfo(text(sys, "glibc"), sys.path("architecture").asText("x86_64"),
                text(sys, "python"));
        List<BaseConda> conda = new ArrayList<>();
        for (JsonNode r : root.path("conda")) {
            PackageRecord record;
            try {
                record = PackageRecord.fromJson(null, r, "", "");
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(file + ": conda record #" + (conda.size() + 1) + ": " + e.getMessage());
            }
            conda.add(new BaseConda(record, text(r, "python_site_packages_path"), strings(r.path("files"))));
        }
        List<BasePip> pip = new ArrayList<>();
        for (JsonNode r : root.path("pip")) {
            pip.add(new BasePip(r.path("name").asText(), r.path("version").asText(), strings(r.path("requires_dist")),
                    r.path("installer").asText(""), text(r, "direct_url"), strings(r.path("files"))));
        }
        return new BaseSnapshot(image, prefix, system, root.path("history").asText(""), strings(root.path("pinned")), conda,
                pip);
    }

    /** Deterministic JSON (sorted records, fixed key order, newline at the end). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("snapshot_version", VERSION);
        image.ifPresent(i -> {
            ObjectNode n = root.putObject("image");
            n.put("reference", i.reference());
            n.put("digest", i.digest());
            i.indexDigest().ifPresent(d -> n.put("index_digest", d));
            n.put("platform", i.platform());
        });
        root.put("prefix", prefix);
        ObjectNode sys = root.putObject("system");
        system.glibc().ifPresent(g -> sys.put("glibc", g));
        sys.put("architecture", system.architecture());
        system.python().ifPresent(p -> sys.put("python", p));
        root.put("history", history);
        ArrayNode pins = root.putArray("pinned");
        pinned.forEach(pins::add);
        ArrayNode records = root.putArray("conda");
        for (BaseConda c : conda) {
            ObjectNode n = records.addObject();
            PackageRecord r = c.record();
            n.put("name", r.name());
            n.put("version", r.version());
            n.put("build", r.build());
            n.put("build_number", r.buildNumber());
            n.put("channel", r.channel());
            n.put("subdir", r.subdir());
            n.put("url", r.url());
            n.put("fn", r.fileName());
            r.md5().ifPresent(v -> n.put("md5", v));
            r.sha256().ifPresent(v -> n.put("sha256", v));
            n.put("size", r.size());
            n.put("timestamp", r.timestamp());
            r.license().ifPresent(v -> n.put("license", v));
            r.depends().forEach(n.putArray("depends")::add);
            r.constrains().forEach(n.putArray("constrains")::add);
            r.trackFeatures().forEach(n.putArray("track_features")::add);
            r.noarch().ifPresent(v -> n.put("noarch", v));
            c.sitePackagesPath().ifPresent(v -> n.put("python_site_packages_path", v));
            c.files().forEach(n.putArray("files")::add);
        }
        ArrayNode dists = root.putArray("pip");
        for (BasePip p : pip) {
            ObjectNode n = dists.addObject();
            n.put("name", p.name());
            n.put("version", p.version());
            p.requiresDist().forEach(n.putArray("requires_dist")::add);
            n.put("installer", p.installer());
            p.directUrl().ifPresent(v -> n.put("direct_url", v));
            p.files().forEach(n.putArray("files")::add);
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base's conda packages as records to match specs against, by name. */
    public Map<String, PackageRecord> records() {
        Map<String, PackageRecord> out = new TreeMap<>();
        conda.forEach(c -> out.put(c.name(), c.record()));
        return out;
    }

    /** The python of the base environment as {@code X.Y}, if it has one. */
    public Optional<String> pythonVersion() {
        return conda.stream().filter(c -> c.name().equals("python")).findFirst().map(c -> majorMinor(c.version()))
                .or(() -> system.python().map(BaseSnapshot::majorMinor));
    }

    public Optional<BaseConda> conda(String name) {
        return conda.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    /** PEP 503 normalized name. */
    static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) && !node.get(field).asText().isEmpty() ? Optional.of(node.get(field).asText())
                : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
