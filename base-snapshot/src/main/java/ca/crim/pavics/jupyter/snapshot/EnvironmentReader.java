package ca.crim.pavics.jupyter.snapshot;

import ca.crim.pavics.jupyter.snapshot.layers.Kept;
import ca.crim.pavics.jupyter.snapshot.layers.MergedView;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the environment out of an image's merged kept paths: which prefix (given, else the first conda environment on
 * the image's {@code PATH}, else the only one, else the only one under {@code envs/}), its conda records, history and
 * pins, the dist-infos of its site-packages, the glibc version and the architecture.
 */
final class EnvironmentReader {
    /** Where glibc's {@code libc.so.6} lives on common distributions, most likely first. */
    private static final List<String> LIBC_PATHS = List.of("lib/x86_64-linux-gnu/libc.so.6",
            "usr/lib/x86_64-linux-gnu/libc.so.6", "lib64/libc.so.6", "usr/lib64/libc.so.6", "lib/libc.so.6",
            "usr/lib/libc.so.6");

    private final NavigableMap<String, Kept> entries;
    private final JsonNode config;
    private final String reference;

    EnvironmentReader(MergedView view, JsonNode config, String reference) {
        this.entries = view.entries();
        this.config = config;
        this.reference = reference;
    }

    BaseSnapshot read(BaseSnapshot.ImageInfo image, Optional<String> requestedPrefix) throws SnapshotException {
        String prefix = prefix(requestedPrefix);
        String meta = prefix + "/conda-meta/";
        String history = entries.get(meta + "history") instanceof Kept.Text t ? t.content() : "";
        List<String> pinned = new ArrayList<>();
        if (entries.get(meta + "pinned") instanceof Kept.Text t) {
            t.content().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(pinned::add);
        }
        List<BaseSnapshot.BaseConda> conda = new ArrayList<>();
        for (Map.Entry<String, Kept> e : below(meta).entrySet()) {
            if (e.getValue() instanceof Kept.CondaMeta c && e.getKey().indexOf('/', meta.length()) < 0) {
                conda.add(new BaseSnapshot.BaseConda(c.record(), c.sitePackagesPath(), c.files()));
            }
        }
        Optional<BaseSnapshot.BaseConda> python = conda.stream().filter(c -> c.name().equals("python")).findFirst();
        String site = python.flatMap(BaseSnapshot.BaseConda::sitePackagesPath)
                .orElse(python.map(p -> "lib/python" + BaseSnapshot.majorMinor(p.version()) + "/site-packages")
                        .orElse("lib/python3/site-packages"));
        List<BaseSnapshot.BasePip> pip = distributions(prefix, site);
        BaseSnapshot.SystemInfo system = new BaseSnapshot.SystemInfo(glibc(), architecture(),
                python.map(BaseSnapshot.BaseConda::version));
        return new BaseSnapshot(Optional.of(image), "/" + prefix, system, history, pinned, conda, pip);
    }

    private NavigableMap<String, Kept> below(String dirWithSlash) {
        return entries.subMap(dirWithSlash, true, dirWithSlash + "\uffff", true);
    }

    private String prefix(Optional<String> requested) throws SnapshotException {
        TreeSet<String> prefixes = new TreeSet<>();
        for (String path : entries.keySet()) {
            int at = path.indexOf("/conda-meta/");
            if (at > 0 && path.indexOf('/', at + "/conda-meta/".length()) < 0) {
                prefixes.add(path.substring(0, at));
            }
        }
        if (requested.isPresent()) {
            String p = trim(requested.get());
            if (!prefixes.contains(p)) {
                throw new SnapshotException(reference + " has no conda environment at /" + p + " (it has "
                        + list(prefixes) + ")");
            }
            return p;
        }
        if (prefixes.isEmpty()) {
            throw new SnapshotException(reference + " holds no conda environment (no conda-meta folder)");
        }
        for (JsonNode env : config.path("config").path("Env")) {
            String text = env.asText();
            if (text.startsWith("PATH=")) {
                for (String dir : text.substring(5).split(":")) {
                    String d = trim(dir);
                    if (d.endsWith("/bin") && prefixes.contains(d.substring(0, d.length() - 4))) {
                        return d.substring(0, d.length() - 4);
                    }
                }
            }
        }
        if (prefixes.size() == 1) {
            return prefixes.first();
        }
        List<String> envs = prefixes.stream().filter(p -> p.contains("/envs/")).toList();
        if (envs.size() == 1) {
            return envs.get(0);
        }
        throw new SnapshotException(reference + " has several conda environments (" + list(prefixes)
                + ") and none is on its PATH: name the one to snapshot");
    }

    private static String trim(String p) {
        String t = p.strip();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static String list(TreeSet<String> prefixes) {
        return prefixes.isEmpty() ? "none" : String.join(", ", prefixes.stream().map(p -> "/" + p).toList());
    }

    private List<BaseSnapshot.BasePip> distributions(String prefix, String site) {
        String root = prefix + "/" + site + "/";
        Map<String, Map<String, Kept>> byDist = new TreeMap<>();
        for (Map.Entry<String, Kept> e : below(root).entrySet()) {
            String rest = e.getKey().substring(root.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(0, slash).endsWith(".dist-info") && rest.indexOf('/', slash + 1) < 0) {
                byDist.computeIfAbsent(rest.substring(0, slash), k -> new TreeMap<>()).put(rest.substring(slash + 1),
                        e.getValue());
            }
        }
        List<BaseSnapshot.BasePip> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Kept>> d : byDist.entrySet()) {
            String dir = d.getKey();
            String stem = dir.substring(0, dir.length() - ".dist-info".length());
            int dash = stem.indexOf('-');
            String name = dash > 0 ? stem.substring(0, dash) : stem;
            String version = dash > 0 ? stem.substring(dash + 1) : "";
            List<String> requires = List.of();
            if (d.getValue().get("METADATA") instanceof Kept.Metadata m) {
                name = m.name().isEmpty() ? name : m.name();
                version = m.version().isEmpty() ? version : m.version();
                requires = m.requiresDist();
            }
            String installer = d.getValue().get("INSTALLER") instanceof Kept.Text t ? t.content().strip() : "";
            Optional<String> directUrl = d.getValue().get("direct_url.json") instanceof Kept.Text t
                    ? Optional.of(t.content().strip()) : Optional.empty();
            List<String> files = new ArrayList<>();
            if (d.getValue().get("RECORD") instanceof Kept.Record r) {
                for (String p : r.paths()) {
                    files.add(relativeToPrefix(site, p));
                }
            }
            out.add(new BaseSnapshot.BasePip(name, version, requires, installer, directUrl, files));
        }
        return out;
    }

    /** A RECORD path (relative to site-packages, maybe with {@code ../}) relative to the prefix. */
    static String relativeToPrefix(String site, String recordPath) {
        List<String> parts = new ArrayList<>(List.of(site.split("/")));
        for (String p : recordPath.split("/")) {
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    private Optional<String> glibc() {
        for (String path : LIBC_PATHS) {
            Optional<String> v = libcAt(path, 0);
            if (v.isPresent()) {
                return v;
            }
        }
        return entries.values().stream().filter(Kept.Libc.class::isInstance).map(k -> ((Kept.Libc) k).version())
                .max((a, b) -> compareVersions(a, b));
    }

    private Optional<String> libcAt(String path, int depth) {
        Kept k = entries.get(path);
        if (k instanceof Kept.Libc l) {
            return Optional.of(l.version());
        }
        if (k instanceof Kept.Link link && depth < 8) {
            String target = link.target().startsWith("/") ? trim(link.target())
                    : relativeToPrefix(path.substring(0, Math.max(0, path.lastIndexOf('/'))), link.target());
            return libcAt(target, depth + 1);
        }
        return Optional.empty();
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private String architecture() {
        String arch = config.path("architecture").asText("amd64");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            case "ppc64le" -> "ppc64le";
            default -> arch;
        };
    }
}
