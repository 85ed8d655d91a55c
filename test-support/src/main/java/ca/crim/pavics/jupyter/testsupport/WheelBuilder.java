package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Writes a wheel for tests: files (incl. {@code NAME-VER.data/...}), dist-info with WHEEL, METADATA, entry points, RECORD. */
public final class WheelBuilder {
    private final String name;
    private final String version;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Integer> modes = new LinkedHashMap<>();
    private String entryPoints;
    private String metadataHeaders = "";
    private String tag = "py3-none-any";
    private boolean corruptRecord;

    public WheelBuilder(String name, String version) {
        this.name = name;
        this.version = version;
    }

    public String distInfo() {
        return name + "-" + version + ".dist-info";
    }

    public String dataDir() {
        return name + "-" + version + ".data";
    }

    public WheelBuilder file(String path, String content, int mode) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        modes.put(path, mode);
        return this;
    }

    public WheelBuilder consoleScripts(String... scripts) {
        entryPoints = "[console_scripts]\n" + String.join("\n", scripts) + "\n";
        return this;
    }

    /** Adds header lines to METADATA (e.g. {@code "Requires-Dist: b>=1\nRequires-Python: >=3.9\n"}). */
    public WheelBuilder metadata(String headerLines) {
        metadataHeaders = headerLines.endsWith("\n") || headerLines.isEmpty() ? headerLines : headerLines + "\n";
        return this;
    }

    /** The wheel's tag (default {@code py3-none-any}), in its file name and WHEEL file. */
    public WheelBuilder tag(String tag) {
        this.tag = tag;
        return this;
    }

    /** The METADATA text this wheel carries. */
    public String metadataText() {
        return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n" + metadataHeaders;
    }

    /** Writes a RECORD whose hash of the first file is wrong. */
    public WheelBuilder corruptRecord() {
        corruptRecord = true;
        return this;
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        all.put(distInfo() + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: " + tag + "\n")
                .getBytes(StandardCharsets.UTF_8));
        all.put(distInfo() + "/METADATA", metadataText().getBytes(StandardCharsets.UTF_8));
        if (entryPoints != null) {
            all.put(distInfo() + "/entry_points.txt", entryPoints.getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder record = new StringBuilder();
        boolean first = true;
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            byte[] content = first && corruptRecord ? "other".getBytes(StandardCharsets.UTF_8) : e.getValue();
            first = false;
            record.append(e.getKey()).append(",sha256=").append(hash(content)).append(',').append(e.getValue().length).append('\n');
        }
        record.append(distInfo()).append("/RECORD,,\n");
        all.put(distInfo() + "/RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve(name + "-" + version + "-" + tag + ".whl");
        try (OutputStream out = Files.newOutputStream(file); ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                ZipArchiveEntry z = new ZipArchiveEntry(e.getKey());
                z.setUnixMode(0100000 | modes.getOrDefault(e.getKey(), 0644));
                zip.putArchiveEntry(z);
                zip.write(e.getValue());
                zip.closeArchiveEntry();
            }
        }
        return file;
    }

    private static String hash(byte[] content) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
