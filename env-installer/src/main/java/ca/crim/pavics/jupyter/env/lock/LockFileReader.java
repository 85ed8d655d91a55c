package ca.crim.pavics.jupyter.env.lock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a lock file for one platform, as the ecosystem writes them: pixi.lock (versions 6 and 7), conda-lock
 * (version 1, with its {@code manager: pip} entries; only the selected categories, {@code main} by default, as
 * {@code conda-lock install} does) or an {@code @EXPLICIT} spec (with conda-lock's {@code # pip NAME @ URL#sha256=HEX}
 * lines); tells them apart by content. A version newer than those supported is refused, naming it. Errors are one
 * line naming the file.
 */
public final class LockFileReader {
    private static final Pattern HEX64 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern HEX32 = Pattern.compile("^[0-9a-f]{32}$");
    private static final Pattern PIP_LINE = Pattern.compile("^#\\s*pip\\s+([A-Za-z0-9][A-Za-z0-9._-]*)\\s*@\\s*(\\S+)$");
    /** pixi.lock versions read here (the newest last). */
    public static final List<Integer> PIXI_VERSIONS = List.of(6, 7);
    /** conda-lock's categories installed unless others are asked for. */
    public static final java.util.Set<String> DEFAULT_CATEGORIES = java.util.Set.of("main");

    private final java.util.Set<String> categories;

    /** Reads conda-lock's {@code main} category only. */
    public LockFileReader() {
        this(DEFAULT_CATEGORIES);
    }

    /** @param categories conda-lock categories to read (e.g. main, test) */
    public LockFileReader(java.util.Set<String> categories) {
        this.categories = java.util.Set.copyOf(categories);
    }

    public LockFile read(Path file, String platform) throws LockException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LockException(file + ": lock file not found");
        } catch (IOException e) {
            throw new LockException(file + ": cannot read: " + e.getMessage());
        }
        return read(file, text, platform);
    }

    /** Reads a lock whose text the caller already has ({@code file} names it in errors). */
    public LockFile read(Path file, String text, String platform) throws LockException {
        try {
            if (text.lines().anyMatch(l -> l.trim().equals("@EXPLICIT"))) {
                return explicit(text, platform);
            }
            return yaml(text, platform);
        } catch (LockException | IllegalStateException e) {
            throw new LockException(file + ": " + e.getMessage());
        }
    }

    private LockFile explicit(String text, String platform) throws LockException {
        List<LockedPackage> packages = new ArrayList<>();
        String filePlatform = null;
        String inputHash = null;
        boolean started = false;
        int lineNumber = 0;
        for (String raw : text.split("\r?\n")) {
            lineNumber++;
            String line = raw.trim();
            java.util.regex.Matcher pip = PIP_LINE.matcher(line);
            if (pip.matches()) {
                packages.add(explicitPip(pip.group(1), pip.group(2), lineNumber));
            } else if (line.startsWith("# platform:")) {
                filePlatform = line.substring("# platform:".length()).trim();
            } else if (line.startsWith("# input_hash:")) {
                inputHash = line.substring("# input_hash:".length()).trim();
            } else if (line.equals("@EXPLICIT")) {
                started = true;
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (!started) {
                    throw new LockException("line " + lineNumber + ": package before @EXPLICIT");
                }
                int hash = line.indexOf('#');
                String url = hash < 0 ? line : line.substring(0, hash);
                String digest = hash < 0 ? "" : line.substring(hash + 1).toLowerCase(Locale.ROOT);
                Optional<String> sha256 = Optional.empty();
                Optional<String> md5 = Optional.empty();
                if (digest.startsWith("sha256:")) {
                    sha256 = Optional.of(hex(digest.substring(7), HEX64, "sha256", lineNumber));
                } else if (!digest.isEmpty()) {
                    md5 = Optional.of(hex(digest, HEX32, "md5", lineNumber));
                }
                String[] nvb;
                try {
                    nvb = CondaPackage.parseFileName(url);
                } catch (LockException e) {
                    throw new LockException("line " + lineNumber + ": " + e.getMessage());
                }
                packages.add(new CondaPackage(nvb[0], nvb[1], nvb[2], url, sha256, md5, List.of()));
            }
        }
        if (filePlatform != null && !filePlatform.equals(platform)) {
            throw new LockException("locked for " + filePlatform + ", not " + platform);
        }
        return new LockFile("@EXPLICIT", platform, packages, Optional.ofNullable(inputHash));
    }

    /** conda-lock's {@code # pip NAME @ URL#sha256=HEX}: a wheel whose version comes from its file name. */
    private static WheelPackage explicitPip(String name, String urlWithHash, int lineNumber) throws LockException {
        int hash = urlWithHash.indexOf('#');
        String url = hash < 0 ? urlWithHash : urlWithHash.substring(0, hash);
        Optional<String> sha256 = Optional.empty();
        if (hash >= 0) {
            String fragment = urlWithHash.substring(hash + 1).toLowerCase(Locale.ROOT);
            if (!fragment.startsWith("sha256=")) {
                throw new LockException("line " + lineNumber + ": pip package " + name + ": only #sha256= hashes are read");
            }
            sha256 = Optional.of(hex(fragment.substring(7), HEX64, "sha256", lineNumber));
        }
        String file = url.substring(url.lastIndexOf('/') + 1);
        String[] parts = file.split("-");
        String version = file.endsWith(".whl") && parts.length >= 5 ? parts[1] : "";
        return new WheelPackage(name, version, url, sha256);
    }

    private static String hex(String value, Pattern pattern, String what, int line) throws LockException {
        if (!pattern.matcher(value).matches()) {
            throw new LockException("line " + line + ": invalid " + what + " '" + value + "'");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private LockFile yaml(String text, String platform) throws LockException {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(64 * 1024 * 1024);
            root = new Yaml(options).load(text);
        } catch (MarkedYAMLException e) {
            throw new LockException("line " + (e.getProblemMark().getLine() + 1) + ": invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new LockException("invalid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new LockException("not a lock file (no version, no @EXPLICIT)");
        }
        Object version = map.get("version");
        if (map.containsKey("environments")) {
            if (version instanceof Integer v && PIXI_VERSIONS.contains(v)) {
                return pixi((Map<String, Object>) map, platform, v);
            }
            throw new LockException("pixi.lock version " + version + " is not supported (supported: "
                    + PIXI_VERSIONS.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                    + "; the newest is " + PIXI_VERSIONS.get(PIXI_VERSIONS.size() - 1)
                    + (version instanceof Integer v && v > 7 ? "): this tool is older than the pixi that wrote it" : ")"));
        }
        if (map.containsKey("package") || map.containsKey("metadata")) {
            if (Integer.valueOf(1).equals(version)) {
                return condaLock((Map<String, Object>) map, platform);
            }
            throw new LockException("conda-lock version " + version + " is not supported (supported: 1, the newest)");
        }
        throw new LockException("unsupported lock file (version " + version
                + "; supported: pixi.lock versions 6 and 7, conda-lock version 1, @EXPLICIT)");
    }

    @SuppressWarnings("unchecked")
    private LockFile pixi(Map<String, Object> root, String platform, int version) throws LockException {
        Map<String, Object> env = map(map(root.get("environments"), "environments").get("default"), "environments.default");
        Object listed = map(env.get("packages"), "environments.default.packages").get(platform);
        if (listed == null) {
            throw new LockException("no packages for platform " + platform + " in environment 'default'");
        }
        Map<String, Map<String, Object>> byUrl = new HashMap<>();
        for (Object o : list(root.get("packages"), "packages")) {
            Map<String, Object> p = map(o, "a package");
            Object url = p.containsKey("conda") ? p.get("conda") : p.get("pypi");
            if (url != null) {
                byUrl.put((p.containsKey("conda") ? "conda:" : "pypi:") + url, p);
            }
        }
        List<LockedPackage> packages = new ArrayList<>();
        for (Object o : list(listed, "environments.default.packages." + platform)) {
            Map<String, Object> ref = map(o, "a package reference");
            boolean conda = ref.containsKey("conda");
            String url = String.valueOf(conda ? ref.get("conda") : ref.get("pypi"));
            Map<String, Object> p = byUrl.get((conda ? "conda:" : "pypi:") + url);
            if (p == null) {
                throw new LockException("package " + url + " is listed for " + platform + " but not described under 'packages'");
            }
            if (conda) {
                String[] nvb = CondaPackage.parseFileName(url);
                packages.add(new CondaPackage(str(p, "name", nvb[0]), str(p, "version", nvb[1]), str(p, "build", nvb[2]), url,
                        hash(p.get("sha256"), HEX64, url), hash(p.get("md5"), HEX32, url), strings(p.get("depends"))));
            } else {
                String wheelUrl = url.startsWith("direct+") ? url.substring("direct+".length()) : url;
                packages.add(new WheelPackage(str(p, "name", null), str(p, "version", ""), wheelUrl,
                        hash(p.get("sha256"), HEX64, url)));
            }
        }
        return new LockFile("pixi.lock v" + version, platform, packages, Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private LockFile condaLock(Map<String, Object> root, String platform) throws LockException {
        Map<String, Object> metadata = map(root.get("metadata"), "metadata");
        List<Object> platforms = list(metadata.get("platforms"), "metadata.platforms");
        if (!platforms.contains(platform)) {
            throw new LockException("not locked for " + platform + " (platforms: " + platforms + ")");
        }
        Optional<String> inputHash = Optional.ofNullable(metadata.get("content_hash"))
                .map(h -> map(h, "metadata.content_hash").get(platform)).map(String::valueOf);
        List<LockedPackage> packages = new ArrayList<>();
        for (Object o : list(root.get("package"), "package")) {
            Map<String, Object> p = map(o, "a package");
            if (!platform.equals(String.valueOf(p.get("platform"))) || !selected(p)) {
                continue;
            }
            String url = str(p, "url", null);
            Map<String, Object> hash = p.get("hash") == null ? Map.of() : map(p.get("hash"), "hash of " + url);
            String manager = String.valueOf(p.get("manager"));
            if (manager.equals("conda")) {
                String[] nvb = CondaPackage.parseFileName(url);
                List<String> depends = new ArrayList<>();
                if (p.get("dependencies") instanceof Map<?, ?> deps) {
                    deps.forEach((k, v) -> depends.add((k + " " + (v == null ? "" : v)).trim()));
                }
                packages.add(new CondaPackage(str(p, "name", nvb[0]), str(p, "version", nvb[1]), nvb[2], url,
                        hash(hash.get("sha256"), HEX64, url), hash(hash.get("md5"), HEX32, url), depends));
            } else if (manager.equals("pip")) {
                packages.add(new WheelPackage(str(p, "name", null), str(p, "version", null), url,
                        hash(hash.get("sha256"), HEX64, url)));
            } else {
                throw new LockException("package " + url + ": unknown manager '" + manager + "'");
            }
        }
        return new LockFile("conda-lock v1", platform, packages, inputHash);
    }

    /**
     * Whether a conda-lock package belongs to a selected category: {@code category: NAME} (conda-lock 2) or
     * {@code categories: [NAME, ...]} (conda-lock 3); a package with neither is {@code main}.
     */
    private boolean selected(Map<String, Object> p) {
        List<String> of = new ArrayList<>();
        if (p.get("categories") instanceof List<?> list) {
            list.forEach(c -> of.add(String.valueOf(c)));
        } else if (p.get("category") != null) {
            of.add(String.valueOf(p.get("category")));
        } else {
            of.add("main");
        }
        return of.stream().anyMatch(categories::contains);
    }

    private static Optional<String> hash(Object value, Pattern pattern, String url) throws LockException {
        if (value == null) {
            return Optional.empty();
        }
        String v = String.valueOf(value).toLowerCase(Locale.ROOT);
        if (!pattern.matcher(v).matches()) {
            throw new LockException("package " + url + ": invalid hash '" + value + "'");
        }
        return Optional.of(v);
    }

    private static String str(Map<String, Object> p, String key, String fallback) throws LockException {
        Object v = p.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new LockException("a package has no '" + key + "': " + p.getOrDefault("url", p));
            }
            return fallback;
        }
        return String.valueOf(v);
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalStateException(what + " must be a mapping");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalStateException(what + " must be a list");
    }
}
