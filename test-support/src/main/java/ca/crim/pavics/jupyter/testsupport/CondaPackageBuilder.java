package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Writes conda packages for tests, in either format, as conda-build does: payload, {@code info/index.json},
 * {@code info/paths.json} (with sha256, placeholders, path types), optional {@code info/link.json}.
 */
public final class CondaPackageBuilder {
    private record Item(String path, byte[] content, String link, int mode, String placeholder, String fileMode) {
    }

    public static final String PLACEHOLDER = "/opt/anaconda1anaconda2anaconda3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String version;
    private final String build;
    private final List<Item> items = new ArrayList<>();
    private final List<String> depends = new ArrayList<>();
    private String noarch;
    private final List<String> entryPoints = new ArrayList<>();
    private long timestamp = 1_700_000_000_000L;

    public CondaPackageBuilder(String name, String version, String build) {
        this.name = name;
        this.version = version;
        this.build = build;
    }

    public String fileStem() {
        return name + "-" + version + "-" + build;
    }

    public CondaPackageBuilder depends(String spec) {
        depends.add(spec);
        return this;
    }

    public CondaPackageBuilder file(String path, String content, int mode) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    public CondaPackageBuilder file(String path, byte[] content, int mode) {
        items.add(new Item(path, content, null, mode, null, null));
        return this;
    }

    /** A file whose content holds {@code placeholder}, replaced at install ("text" or "binary"). */
    public CondaPackageBuilder prefixFile(String path, byte[] content, int mode, String placeholder, String fileMode) {
        items.add(new Item(path, content, null, mode, placeholder, fileMode));
        return this;
    }

    public CondaPackageBuilder symlink(String path, String target) {
        items.add(new Item(path, null, target, 0777, null, null));
        return this;
    }

    public CondaPackageBuilder noarchPython(String... entryPoints) {
        this.noarch = "python";
        this.entryPoints.addAll(List.of(entryPoints));
        return this;
    }

    public Path writeConda(Path dir) throws IOException {
        Path file = dir.resolve(fileStem() + ".conda");
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(file); ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            zip.setMethod(ZipArchiveOutputStream.STORED);
            putStored(zip, "metadata.json", "{\"conda_pkg_format_version\": 2}".getBytes(StandardCharsets.UTF_8));
            putStored(zip, "pkg-" + fileStem() + ".tar.zst", zstd(tar(false)));
            putStored(zip, "info-" + fileStem() + ".tar.zst", zstd(tar(true)));
        }
        return file;
    }

    public Path writeTarBz2(Path dir) throws IOException {
        Path file = dir.resolve(fileStem() + ".tar.bz2");
        Files.createDirectories(dir);
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(file))) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            writeTar(both, true, true);
            out.write(both.toByteArray());
        }
        return file;
    }

    private static void putStored(ZipArchiveOutputStream zip, String name, byte[] data) throws IOException {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setMethod(ZipArchiveEntry.STORED);
        e.setSize(data.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putArchiveEntry(e);
        zip.write(data);
        zip.closeArchiveEntry();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private byte[] tar(boolean info) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTar(out, info, !info);
        return out.toByteArray();
    }

    private void writeTar(OutputStream out, boolean info, boolean payload) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        if (payload) {
            for (Item item : items) {
                if (item.link != null) {
                    TarArchiveEntry e = new TarArchiveEntry(item.path, TarConstants.LF_SYMLINK);
                    e.setLinkName(item.link);
                    tar.putArchiveEntry(e);
                } else {
                    TarArchiveEntry e = new TarArchiveEntry(item.path);
                    e.setMode(0100000 | item.mode);
                    e.setSize(item.content.length);
                    tar.putArchiveEntry(e);
                    tar.write(item.content);
                }
                tar.closeArchiveEntry();
            }
        }
        if (info) {
            for (Map.Entry<String, byte[]> e : infoFiles().entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry("info/" + e.getKey());
                t.setSize(e.getValue().length);
                t.setMode(0100644);
                tar.putArchiveEntry(t);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        tar.finish();
    }

    private Map<String, byte[]> infoFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        index.put("name", name);
        index.put("version", version);
        index.put("build", build);
        index.put("build_number", 0);
        index.put("subdir", noarch != null ? "noarch" : "linux-64");
        index.put("timestamp", timestamp);
        index.put("license", "BSD-3-Clause");
        if (noarch != null) {
            index.put("noarch", noarch);
        }
        ArrayNode deps = index.putArray("depends");
        depends.forEach(deps::add);
        files.put("index.json", JSON.writeValueAsBytes(index));
        ObjectNode paths = JSON.createObjectNode();
        paths.put("paths_version", 1);
        ArrayNode list = paths.putArray("paths");
        for (Item item : items) {
            ObjectNode p = list.addObject();
            p.put("_path", item.path);
            if (item.link != null) {
                p.put("path_type", "softlink");
                p.put("sha256", LayerTar.sha256(item.link.getBytes(StandardCharsets.UTF_8)).substring(7));
                p.put("size_in_bytes", item.link.length());
            } else {
                p.put("path_type", "hardlink");
                p.put("sha256", LayerTar.sha256(item.content).substring(7));
                p.put("size_in_bytes", item.content.length);
                if (item.placeholder != null) {
                    p.put("prefix_placeholder", item.placeholder);
                    p.put("file_mode", item.fileMode);
                }
            }
        }
        files.put("paths.json", JSON.writeValueAsBytes(paths));
        if (noarch != null) {
            ObjectNode link = JSON.createObjectNode();
            ObjectNode n = link.putObject("noarch");
            n.put("type", noarch);
            ArrayNode eps = n.putArray("entry_points");
            entryPoints.forEach(eps::add);
            link.put("package_metadata_version", 1);
            files.put("link.json", JSON.writeValueAsBytes(link));
        }
        return files;
    }
}
