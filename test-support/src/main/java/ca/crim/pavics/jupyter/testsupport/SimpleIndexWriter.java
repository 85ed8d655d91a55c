package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a simple repository for tests, served by {@link StaticHttpServer}: {@code simple/NAME/index.json} (PEP 691)
 * or {@code index.html} (PEP 503), files under {@code files/}, each wheel's core metadata beside it as
 * {@code FILE.metadata} (PEP 658/714) unless left out.
 */
public final class SimpleIndexWriter {
    private record Entry(Path file, String metadata, String requiresPython, boolean yanked) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private final Map<String, List<Entry>> projects = new TreeMap<>();
    private boolean metadataFiles = true;
    private boolean html;

    /** @param root the folder served; {@code root/simple/} is the index URL's path */
    public SimpleIndexWriter(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("files"));
    }

    /** No PEP 658 metadata files: clients must read the wheels (range requests). */
    public SimpleIndexWriter withoutMetadataFiles() {
        metadataFiles = false;
        return this;
    }

    /** PEP 503 HTML pages instead of PEP 691 JSON. */
    public SimpleIndexWriter html() {
        html = true;
        return this;
    }

    /** Where files go. */
    public Path filesDir() {
        return root.resolve("files");
    }

    /** Adds a wheel built by {@code wheel} (written into {@link #filesDir()}). */
    public Path add(WheelBuilder wheel, String project, String requiresPython, boolean yanked) throws IOException {
        Path file = wheel.write(filesDir());
        projects.computeIfAbsent(normalize(project), k -> new ArrayList<>())
                .add(new Entry(file, wheel.metadataText(), requiresPython, yanked));
        return file;
    }

    /** Adds a source distribution (content irrelevant: it must never be chosen). */
    public Path addSdist(String project, String version, String requiresPython, boolean yanked) throws IOException {
        Path file = filesDir().resolve(project.replaceAll("[-_.]+", "_") + "-" + version + ".tar.gz");
        Files.write(file, ("sdist of " + project + " " + version).getBytes(StandardCharsets.UTF_8));
        projects.computeIfAbsent(normalize(project), k -> new ArrayList<>()).add(new Entry(file, null, requiresPython, yanked));
        return file;
    }

    /** Declares a project with no files (a page listing nothing). */
    public void addEmpty(String project) {
        projects.computeIfAbsent(normalize(project), k -> new ArrayList<>());
    }

    /** Writes the project pages and metadata files. */
    public void write() throws IOException {
        for (Map.Entry<String, List<Entry>> p : projects.entrySet()) {
            Path dir = Files.createDirectories(root.resolve("simple").resolve(p.getKey()));
            ObjectNode page = JSON.createObjectNode();
            page.putObject("meta").put("api-version", "1.1");
            page.put("name", p.getKey());
            ArrayNode files = page.putArray("files");
            StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><body>\n");
            for (Entry e : p.getValue()) {
                String fn = e.file().getFileName().toString();
                String sha = sha256(Files.readAllBytes(e.file()));
                ObjectNode f = files.addObject().put("filename", fn).put("url", "../../files/" + fn);
                f.putObject("hashes").put("sha256", sha);
                if (!e.requiresPython().isEmpty()) {
                    f.put("requires-python", e.requiresPython());
                }
                f.put("yanked", e.yanked());
                String metaAttr = "";
                if (e.metadata() != null && metadataFiles) {
                    byte[] meta = e.metadata().getBytes(StandardCharsets.UTF_8);
                    Files.write(filesDir().resolve(fn + ".metadata"), meta);
                    f.putObject("core-metadata").put("sha256", sha256(meta));
                    metaAttr = " data-core-metadata=\"sha256=" + sha256(meta) + "\"";
                } else {
                    f.put("core-metadata", false);
                }
                h.append("<a href=\"../../files/").append(fn).append("#sha256=").append(sha).append('"')
                        .append(e.requiresPython().isEmpty() ? "" : " data-requires-python=\"" + e.requiresPython()
                                .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "\"")
                        .append(e.yanked() ? " data-yanked=\"\"" : "").append(metaAttr).append('>').append(fn).append("</a>\n");
            }
            h.append("</body></html>\n");
            if (html) {
                Files.writeString(dir.resolve("index.html"), h.toString());
            } else {
                JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("index.json").toFile(), page);
            }
        }
    }

    private static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
