package ca.crim.pavics.jupyter.env.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the base image's environment already contains, from a committed snapshot (JSON): its prefix, the
 * content of {@code conda-meta/history}, its conda records and its pip {@code dist-info}s.
 *
 * <pre>{"prefix": "/opt/conda/envs/birdy", "history": "...",
 *  "conda": [{"name","version","build","sha256","md5","fn","noarch","python_site_packages_path","files":[...]}],
 *  "pip": [{"name","version","files":[...]}]}</pre>
 */
public record BaseSnapshot(String prefix, String history, List<BaseConda> conda, List<BasePip> pip) {
    /** A conda package of the base environment. */
    public record BaseConda(String name, String version, String build, Optional<String> sha256, Optional<String> md5,
            String fn, boolean noarchPython, Optional<String> sitePackagesPath, List<String> files) {
        public String recordName() {
            return name + "-" + version + "-" + build + ".json";
        }
    }

    /** A pip-installed distribution of the base environment; {@code files} relative to the prefix. */
    public record BasePip(String name, String version, List<String> files) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public BaseSnapshot {
        conda = List.copyOf(conda);
        pip = List.copyOf(pip);
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
                    + " snapshot generator, or pass -Dimage.env.baseSnapshot=FILE)");
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
        String prefix = root.path("prefix").asText("");
        if (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.startsWith("/") || prefix.length() < 2) {
            throw new SnapshotException(file + ": \"prefix\" must be an absolute path (e.g. /opt/conda/envs/birdy)");
        }
        List<BaseConda> conda = new ArrayList<>();
        for (JsonNode r : root.path("conda")) {
            for (String field : List.of("name", "version", "build")) {
                if (!r.hasNonNull(field)) {
                    throw new SnapshotException(file + ": conda record #" + (conda.size() + 1) + " has no \"" + field + "\"");
                }
            }
            conda.add(new BaseConda(r.get("name").asText(), r.get("version").asText(), r.get("build").asText(),
                    text(r, "sha256"), text(r, "md5"), r.path("fn").asText(""),
                    "python".equals(r.path("noarch").asText()) || "python".equals(r.path("noarch").path("type").asText()),
                    text(r, "python_site_packages_path"), strings(r.path("files"))));
        }
        List<BasePip> pip = new ArrayList<>();
        for (JsonNode r : root.path("pip")) {
            pip.add(new BasePip(r.path("name").asText(), r.path("version").asText(), strings(r.path("files"))));
        }
        return new BaseSnapshot(prefix, root.path("history").asText(""), conda, pip);
    }

    /** The base's conda packages as records to match specs against, by name. */
    public java.util.Map<String, ca.crim.pavics.jupyter.conda.record.PackageRecord> records() {
        java.util.Map<String, ca.crim.pavics.jupyter.conda.record.PackageRecord> out = new java.util.TreeMap<>();
        for (BaseConda c : conda) {
            out.put(c.name(), new ca.crim.pavics.jupyter.conda.record.PackageRecord(c.name(), c.version(), c.build(), 0,
                    List.of(), List.of(), List.of(), "", c.noarchPython() ? "python" : null, 0, c.md5().orElse(null),
                    c.sha256().orElse(null), 0, null, c.fn().isEmpty() ? null : c.fn(), "", ""));
        }
        return out;
    }

    /** The python of the base environment as {@code X.Y}, if it has one. */
    public Optional<String> pythonVersion() {
        return conda.stream().filter(c -> c.name().equals("python")).findFirst().map(c -> majorMinor(c.version()));
    }

    public Optional<BaseConda> conda(String name) {
        return conda.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
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
