package ca.crim.pavics.jupyter.env.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * A conda package file: {@code .conda} (a zip whose central directory is read — streaming readers fail on
 * packages written with data descriptors — holding {@code info-*.tar.zst} and {@code pkg-*.tar.zst}) or
 * {@code .tar.bz2} (one tar with {@code info/} and the payload).
 */
public final class CondaPackageArchive {
    /** Receives each payload entry with its content (only for files; read it before returning). */
    @FunctionalInterface
    public interface PayloadVisitor {
        void visit(PayloadEntry entry, InputStream content) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public CondaPackageArchive(Path file) {
        this.file = file;
    }

    /** The files under {@code info/} (paths relative to info/), read into memory. */
    public Map<String, byte[]> info() throws PackageException {
        Map<String, byte[]> info = new LinkedHashMap<>();
        read(true, (entry, content) -> {
            if (entry.kind() == PayloadEntry.Kind.FILE) {
                info.put(entry.path(), content.readAllBytes());
            }
        });
        return info;
    }

    /** Streams the payload entries (everything outside {@code info/}). */
    public void payload(PayloadVisitor visitor) throws PackageException {
        read(false, visitor);
    }

    /** The package's file list from {@code info/paths.json}, or from {@code info/files} + {@code info/has_prefix}. */
    public List<PathEntry> paths() throws PackageException {
        return paths(info());
    }

    /** Like {@link #paths()}, from the {@code info/} files already read with {@link #info()}. */
    public List<PathEntry> paths(Map<String, byte[]> info) throws PackageException {
        try {
            if (info.containsKey("paths.json")) {
                JsonNode root = JSON.readTree(info.get("paths.json"));
                List<PathEntry> entries = new ArrayList<>();
                for (JsonNode p : root.path("paths")) {
                    entries.add(new PathEntry(p.path("_path").asText(), p.path("path_type").asText("hardlink"),
                            text(p, "sha256"), p.has("size_in_bytes") ? Optional.of(p.get("size_in_bytes").asLong()) : Optional.empty(),
                            text(p, "prefix_placeholder"), text(p, "file_mode"), p.path("no_link").asBoolean(false)));
                }
                return entries;
            }
            Map<String, String[]> prefixes = new LinkedHashMap<>();
            if (info.containsKey("has_prefix")) {
                for (String line : new String(info.get("has_prefix"), StandardCharsets.UTF_8).split("\n")) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 3) {
                        prefixes.put(parts[2], new String[] {parts[0], parts[1]});
                    } else if (parts.length == 1 && !parts[0].isEmpty()) {
                        prefixes.put(parts[0], new String[] {"/opt/anaconda1anaconda2anaconda3", "text"});
                    }
                }
            }
            if (!info.containsKey("files")) {
                throw new PackageException(file + ": no info/paths.json and no info/files");
            }
            List<PathEntry> entries = new ArrayList<>();
            for (String path : new String(info.get("files"), StandardCharsets.UTF_8).split("\n")) {
                if (path.isBlank()) {
                    continue;
                }
                String[] prefix = prefixes.get(path.trim());
                entries.add(new PathEntry(path.trim(), "hardlink", Optional.empty(), Optional.empty(),
                        prefix == null ? Optional.empty() : Optional.of(prefix[0]),
                        prefix == null ? Optional.empty() : Optional.of(prefix[1]), false));
            }
            return entries;
        } catch (IOException e) {
            throw new PackageException(file + ": invalid info/paths.json: " + e.getMessage(), e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }

    private void read(boolean infoPart, PayloadVisitor visitor) throws PackageException {
        String name = file.getFileName().toString();
        try {
            if (name.endsWith(".conda")) {
                readConda(infoPart, visitor);
            } else if (name.endsWith(".tar.bz2")) {
                try (InputStream in = new BZip2CompressorInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                    readTar(in, infoPart, true, visitor);
                }
            } else {
                throw new PackageException(file + ": not a conda package (.conda or .tar.bz2)");
            }
        } catch (VisitorFailure e) {
            // the visitor's own (unchecked) failure, not a broken archive: the caller gets it as it was thrown
            throw (RuntimeException) e.getCause();
        } catch (IOException | RuntimeException e) {
            throw new PackageException(file + ": corrupt or unreadable package: " + oneLine(e), e);
        }
    }

    /** Carries an exception thrown by a {@link PayloadVisitor} past the archive's own error handling. */
    private static final class VisitorFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VisitorFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private void readConda(boolean infoPart, PayloadVisitor visitor) throws IOException, PackageException {
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            ZipArchiveEntry inner = null;
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements();) {
                ZipArchiveEntry entry = e.nextElement();
                String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                if (base.startsWith(infoPart ? "info-" : "pkg-") && base.endsWith(".tar.zst")) {
                    inner = entry;
                }
            }
            if (inner == null) {
                throw new PackageException(file + ": no " + (infoPart ? "info-" : "pkg-") + "*.tar.zst inside");
            }
            try (InputStream in = new ZstdCompressorInputStream(new BufferedInputStream(zip.getInputStream(inner)))) {
                readTar(in, infoPart, false, visitor);
            }
        }
    }

    private static void readTar(InputStream in, boolean infoPart, boolean mixed, PayloadVisitor visitor) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String path = entry.getName();
                while (path.startsWith("./")) {
                    path = path.substring(2);
                }
                if (path.endsWith("/")) {
                    path = path.substring(0, path.length() - 1);
                }
                boolean isInfo = path.equals("info") || path.startsWith("info/");
                if (mixed && isInfo != infoPart) {
                    continue;
                }
                if (infoPart) {
                    if (!isInfo && mixed) {
                        continue;
                    }
                    path = path.startsWith("info/") ? path.substring(5) : path;
                    if (path.equals("info")) {
                        continue;
                    }
                }
                PayloadEntry.Kind kind = entry.isSymbolicLink() ? PayloadEntry.Kind.SYMLINK
                        : entry.isLink() ? PayloadEntry.Kind.HARDLINK
                        : entry.isDirectory() ? PayloadEntry.Kind.DIRECTORY : PayloadEntry.Kind.FILE;
                PayloadEntry payload = new PayloadEntry(path, kind, entry.getMode() & 07777, entry.getSize(),
                        entry.getLinkName() == null ? "" : entry.getLinkName());
                try {
                    visitor.visit(payload, tar);
                } catch (RuntimeException e) {
                    // an IOException here comes from reading the entry's content: a broken archive, reported below
                    throw new VisitorFailure(e);
                }
            }
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
