package ca.crim.pavics.jupyter.spec;

import ca.crim.pavics.jupyter.spec.ImageFileEntry.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads and validates {@code image-files.yml} (schema: {@code schemas/image-files.schema.json}): a mapping with one
 * key, {@code files}, a list of entries each with a {@code kind}:
 * <ul>
 * <li>{@code download}: {@code url}, {@code path}, optional {@code mode}, {@code owner}, {@code gunzip};</li>
 * <li>{@code archive} (tar, tar.gz, tar.bz2, tar.xz or zip): {@code url}, {@code path} (the folder extracted
 *     under), optional {@code strip_components}, {@code include}, {@code rename}, {@code mode}, {@code owner};</li>
 * <li>{@code file}: {@code source} (relative to the module), {@code path}, optional {@code mode}, {@code owner};</li>
 * <li>{@code directory}: {@code path}, optional {@code mode}, {@code owner} (a folder whose owner and mode the other
 *     entries' layers repeat for it).</li>
 * </ul>
 * Errors are {@link SpecException}s {@code FILE:LINE:COL: problem}.
 */
public final class ImageFilesParser {
    public static final String FILE_NAME = "image-files.yml";
    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3,4}");
    private static final Pattern OWNER = Pattern.compile("(\\d{1,9})(?::(\\d{1,9}))?");
    private static final Pattern URL = Pattern.compile("(https?|file)://\\S+");
    private static final Map<Kind, Set<String>> KEYS = Map.of(
            Kind.DOWNLOAD, Set.of("kind", "url", "path", "mode", "owner", "gunzip"),
            Kind.ARCHIVE, Set.of("kind", "url", "path", "mode", "owner", "strip_components", "include", "rename"),
            Kind.FILE, Set.of("kind", "source", "path", "mode", "owner"),
            Kind.DIRECTORY, Set.of("kind", "path", "mode", "owner"));
    private static final Map<Kind, Set<String>> REQUIRED = Map.of(
            Kind.DOWNLOAD, Set.of("kind", "url", "path"),
            Kind.ARCHIVE, Set.of("kind", "url", "path"),
            Kind.FILE, Set.of("kind", "source", "path"),
            Kind.DIRECTORY, Set.of("kind", "path"));

    /**
     * @throws SpecException on a missing or unreadable file, invalid YAML, an unknown key or kind, a path that is not
     *     absolute and normalised, a bad mode or owner, two entries writing the same file
     */
    public ImageFiles parse(Path file) throws SpecException {
        YamlFile yaml = YamlFile.of(file);
        Node root = yaml.root().orElseThrow(() -> new SpecException(file, 0, 0, "empty file: expected 'files:' with a list of entries"));
        Map<String, Node> top = yaml.mapping(root, "the image files", Set.of("files"), Set.of("files"));
        List<ImageFileEntry> entries = new ArrayList<>();
        Map<String, ImageFileEntry> files = new HashMap<>();
        Map<String, ImageFileEntry> folders = new HashMap<>();
        for (Node item : yaml.sequence(top.get("files"), "files").getValue()) {
            ImageFileEntry entry = entry(yaml, item);
            boolean isFile = entry.kind() == Kind.DOWNLOAD || entry.kind() == Kind.FILE;
            ImageFileEntry other = files.get(entry.path());
            if (other == null && (isFile || entry.kind() == Kind.DIRECTORY)) {
                other = entry.kind() == Kind.DIRECTORY ? folderOf(folders, entry.path(), Kind.DIRECTORY) : folders.get(entry.path());
            }
            if (other != null) {
                throw yaml.error(item, entry.path() + " is already " + (files.containsKey(entry.path()) ? "written by" : "a folder of")
                        + " the entry on line " + other.line());
            }
            for (ImageFileEntry f : files.values()) {
                if (entry.path().startsWith(f.path() + "/")) {
                    throw yaml.error(item, entry.path() + " is below " + f.path() + ", a file of the entry on line " + f.line());
                }
            }
            if (isFile) {
                for (ImageFileEntry f : folders.values()) {
                    if (f.path().startsWith(entry.path() + "/")) {
                        throw yaml.error(item, entry.path() + " is a folder of the entry on line " + f.line() + " (" + f.path() + ")");
                    }
                }
                files.put(entry.path(), entry);
            } else {
                folders.putIfAbsent(entry.path(), entry);
            }
            entries.add(entry);
        }
        return new ImageFiles(file, entries);
    }

    /** The entry of that kind declared at exactly that path, or null (a folder may be declared once). */
    private static ImageFileEntry folderOf(Map<String, ImageFileEntry> folders, String path, Kind kind) {
        ImageFileEntry f = folders.get(path);
        return f != null && f.kind() == kind ? f : null;
    }

    private ImageFileEntry entry(YamlFile yaml, Node item) throws SpecException {
        if (!(item instanceof MappingNode map)) {
            throw yaml.error(item, "an entry must be a mapping with a kind, found " + YamlFile.describe(item));
        }
        Node kindNode = null;
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("kind")) {
                kindNode = t.getValueNode();
            }
        }
        if (kindNode == null) {
            throw yaml.error(item, "missing required key 'kind' in an entry (download, archive, file or directory)");
        }
        String kindText = yaml.string(kindNode, "kind");
        Kind kind;
        try {
            kind = Kind.valueOf(kindText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw yaml.error(kindNode, "unknown kind '" + kindText + "' (allowed: archive, directory, download, file)");
        }
        Map<String, Node> v = yaml.mapping(item, (kind == Kind.ARCHIVE ? "an " : "a ") + kind.key() + " entry", KEYS.get(kind),
                REQUIRED.get(kind));
        String url = "";
        if (v.containsKey("url")) {
            url = yaml.string(v.get("url"), "url").strip();
            if (!URL.matcher(url).matches()) {
                throw yaml.error(v.get("url"), "url must be an http, https or file URL, found '" + url + "'");
            }
        }
        String source = "";
        if (v.containsKey("source")) {
            source = yaml.string(v.get("source"), "source").strip();
            if (!relative(source)) {
                throw yaml.error(v.get("source"), "source must be a file of the module: a relative path without '..', found '"
                        + source + "'");
            }
        }
        String path = yaml.string(v.get("path"), "path").strip();
        if (!path.startsWith("/") || path.equals("/") || !relative(path.substring(1))) {
            throw yaml.error(v.get("path"), "path must be an absolute path in the image below / without '.', '..' or '//', found '"
                    + path + "'");
        }
        Optional<Integer> mode = Optional.empty();
        if (v.containsKey("mode")) {
            Node m = v.get("mode");
            String text = m instanceof ScalarNode s && Tag.INT.equals(s.getTag()) ? s.getValue() : yaml.string(m, "mode");
            if (!OCTAL.matcher(text).matches()) {
                throw yaml.error(m, "mode must be octal permission bits such as \"0644\" or \"0755\", found '" + text + "'");
            }
            mode = Optional.of(Integer.parseInt(text, 8));
        }
        int uid = 0;
        int gid = 0;
        if (v.containsKey("owner")) {
            String text = yaml.string(v.get("owner"), "owner");
            Matcher o = OWNER.matcher(text.strip());
            if (!o.matches()) {
                throw yaml.error(v.get("owner"), "owner must be UID or UID:GID in numbers (e.g. \"1000:1000\"), found '" + text + "'");
            }
            uid = Integer.parseInt(o.group(1));
            gid = o.group(2) == null ? 0 : Integer.parseInt(o.group(2));
        }
        boolean gunzip = false;
        if (v.containsKey("gunzip")) {
            Node g = v.get("gunzip");
            if (!(g instanceof ScalarNode s) || !Tag.BOOL.equals(s.getTag())) {
                throw yaml.error(g, "gunzip must be true or false, found " + YamlFile.describe(g));
            }
            gunzip = Boolean.parseBoolean(((ScalarNode) g).getValue().toLowerCase(java.util.Locale.ROOT));
        }
        int strip = 0;
        if (v.containsKey("strip_components")) {
            String text = yaml.string(v.get("strip_components"), "strip_components");
            if (!text.matches("\\d{1,3}")) {
                throw yaml.error(v.get("strip_components"), "strip_components must be a number of leading folders, found '" + text + "'");
            }
            strip = Integer.parseInt(text);
        }
        List<String> include = new ArrayList<>();
        if (v.containsKey("include")) {
            for (Node n : yaml.sequence(v.get("include"), "include").getValue()) {
                String member = yaml.string(n, "an include member");
                if (!relative(member)) {
                    throw yaml.error(n, "an include member must be a relative path without '..', found '" + member + "'");
                }
                include.add(member);
            }
        }
        Map<String, String> rename = new LinkedHashMap<>();
        if (v.containsKey("rename")) {
            Node r = v.get("rename");
            if (!(r instanceof MappingNode renames)) {
                throw yaml.error(r, "rename must be a mapping of member name to new name, found " + YamlFile.describe(r));
            }
            for (NodeTuple t : renames.getValue()) {
                String from = yaml.string(t.getKeyNode(), "a rename key");
                String to = yaml.string(t.getValueNode(), "rename of " + from);
                if (!relative(from) || !relative(to)) {
                    throw yaml.error(t.getKeyNode(), "rename names must be relative paths without '..', found '" + from
                            + "' -> '" + to + "'");
                }
                rename.put(from, to);
            }
        }
        return new ImageFileEntry(kind, YamlFile.line(item), url, source, path, mode, uid, gid, gunzip, strip, include, rename);
    }

    /** A relative path of plain components: no leading '/', no '.', '..' or empty components, no backslash. */
    static boolean relative(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
