package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.spec.ImageFileEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The members of an {@code archive} entry as layer entries under its {@code path}, the way {@code tar -x
 * --strip-components=N [members]} would extract them into a fresh folder, but refusing what would land outside it.
 * Formats by their first bytes: gzip'd, bzip2'd or plain tar, zip. Member names are normalised ({@code ./} dropped);
 * then {@code strip_components} leading folders are removed (members with no name left are skipped), {@code include}
 * keeps the members named or below a folder named (each must match), {@code rename} moves a member (or a folder and
 * what is below). Refused, naming the member: an absolute name, a {@code ..} component, a symbolic link that is
 * absolute or leads out of the folder, a hard link to a member that is not extracted, a device or FIFO. Owner and
 * group are the entry's; a declared mode replaces the mode of regular files. Contents over 1 MiB are spooled to
 * {@code workDir}, never held in memory.
 */
final class ArchiveMembers {
    private static final int IN_MEMORY = 1 << 20;

    private final ImageFileEntry entry;
    private final String where;
    private final Path workDir;
    private final Map<String, LayerEntry> out = new TreeMap<>();
    private final Set<String> matchedIncludes = new LinkedHashSet<>();
    private final Set<String> renamed = new LinkedHashSet<>();
    private final List<String[]> hardLinks = new ArrayList<>();
    private int spooled;
    private int members;

    /**
     * @param where the entry's location for messages, e.g. {@code nlp/image-files.yml:12}
     */
    ArchiveMembers(ImageFileEntry entry, String where, Path workDir) {
        this.entry = entry;
        this.where = where;
        this.workDir = workDir;
    }

    /** The layer entries (keyed by image path without the leading slash), folders included. */
    Map<String, LayerEntry> read(Path archive) throws IOException, ImageFilesException {
        byte[] magic = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(archive)) {
            n = in.readNBytes(magic, 0, magic.length);
        }
        try {
            readArchive(archive, magic, n);
        } catch (IOException e) {
            throw error("cannot be read as a tar, tar.gz, tar.bz2 or zip archive (" + printable(e.getMessage()) + ")");
        }
        if (members == 0) {
            throw error("has no member: it is not a tar, tar.gz, tar.bz2 or zip archive, or it is empty");
        }
        for (String include : entry.include()) {
            if (!matchedIncludes.contains(include)) {
                throw error("the archive has no member " + include + (entry.stripComponents() > 0
                        ? " (after removing " + entry.stripComponents() + " leading folder(s))" : ""));
            }
        }
        for (String from : entry.rename().keySet()) {
            if (!renamed.contains(from)) {
                throw error("rename: the archive has no member " + from + (entry.stripComponents() > 0
                        ? " (after removing " + entry.stripComponents() + " leading folder(s))" : ""));
            }
        }
        for (String[] link : hardLinks) {
            if (!out.containsKey(link[1])) {
                throw error("member " + link[0] + " is a hard link to " + link[2] + ", which is not extracted");
            }
        }
        return out;
    }

    private static String printable(String message) {
        String m = String.valueOf(message).replaceAll("[^\\x20-\\x7e]", "?");
        return m.length() > 120 ? m.substring(0, 117) + "..." : m;
    }

    private void readArchive(Path archive, byte[] magic, int n) throws IOException, ImageFilesException {
        if (n >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            readZip(archive);
        } else if (n >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X') {
            throw error("xz-compressed archives are not supported: use a .tar.gz, .tar.bz2, .tar or .zip");
        } else {
            InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
            try (InputStream in = n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
                    ? new GzipCompressorInputStream(raw, true)
                    : n >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h' ? new BZip2CompressorInputStream(raw, true) : raw;
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry t;
                while ((t = tar.getNextEntry()) != null) {
                    tarMember(t, tar);
                }
            }
        }
    }

    private void tarMember(TarArchiveEntry t, InputStream content) throws IOException, ImageFilesException {
        members++;
        String original = t.getName();
        String name = target(original);
        if (name == null) {
            return;
        }
        int mode = t.getMode() & 07777;
        if (t.isFIFO() || t.isCharacterDevice() || t.isBlockDevice()) {
            throw error("member " + original + " is a device, FIFO or other special file: only files, folders and links"
                    + " can be extracted");
        }
        if (t.isDirectory()) {
            directory(name, mode);
        } else if (t.isSymbolicLink()) {
            symlink(original, name, t.getLinkName());
        } else if (t.isLink()) {
            if (t.getLinkName().startsWith("/") || List.of(t.getLinkName().split("/")).contains("..")) {
                throw error("member " + original + " is a hard link to " + t.getLinkName() + ", outside " + entry.path());
            }
            String linked = target(t.getLinkName());
            if (linked == null) {
                throw error("member " + original + " is a hard link to " + t.getLinkName() + ", which is not extracted");
            }
            parents(name);
            hardLinks.add(new String[] {original, path(linked), t.getLinkName()});
            out.put(path(name), withOwner(LayerEntry.hardlink(path(name), fileMode(mode), path(linked))));
        } else if (t.isFile()) {
            file(name, mode, content, t.getSize());
        } else {
            throw error("member " + original + " is a device, FIFO or other special file: only files, folders and links"
                    + " can be extracted");
        }
    }

    private void readZip(Path archive) throws IOException, ImageFilesException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry z = entries.nextElement();
                members++;
                String name = target(z.getName());
                if (name == null) {
                    continue;
                }
                int mode = z.getUnixMode() & 07777;
                if (z.isDirectory()) {
                    directory(name, mode == 0 ? 0755 : mode);
                } else if (z.isUnixSymlink()) {
                    try (InputStream in = zip.getInputStream(z)) {
                        symlink(z.getName(), name, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                } else {
                    try (InputStream in = zip.getInputStream(z)) {
                        file(name, mode == 0 ? 0644 : mode, in, z.getSize());
                    }
                }
            }
        }
    }

    /**
     * The member's name under the entry's folder after normalising, stripping, include and rename; null when it is
     * not extracted.
     */
    private String target(String original) throws ImageFilesException {
        if (original.startsWith("/")) {
            throw error("member " + original + " has an absolute name");
        }
        List<String> parts = new ArrayList<>();
        for (String part : original.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw error("member " + original + " has a '..' component: it would be written outside " + entry.path());
            }
            parts.add(part);
        }
        if (parts.size() <= entry.stripComponents()) {
            return null;
        }
        String name = String.join("/", parts.subList(entry.stripComponents(), parts.size()));
        if (!entry.include().isEmpty()) {
            boolean kept = false;
            for (String include : entry.include()) {
                if (name.equals(include) || name.startsWith(include + "/")) {
                    matchedIncludes.add(include);
                    kept = true;
                }
            }
            if (!kept) {
                return null;
            }
        }
        for (Map.Entry<String, String> r : entry.rename().entrySet()) {
            if (name.equals(r.getKey())) {
                renamed.add(r.getKey());
                return r.getValue();
            }
            if (name.startsWith(r.getKey() + "/")) {
                renamed.add(r.getKey());
                return r.getValue() + name.substring(r.getKey().length());
            }
        }
        return name;
    }

    private void symlink(String original, String name, String linkTarget) throws ImageFilesException {
        if (linkTarget.startsWith("/")) {
            throw error("member " + original + " is a symbolic link to the absolute path " + linkTarget
                    + ": only links inside " + entry.path() + " can be extracted");
        }
        List<String> resolved = new ArrayList<>(List.of(name.split("/")));
        resolved.remove(resolved.size() - 1);
        for (String part : linkTarget.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (resolved.isEmpty()) {
                    throw error("member " + original + " is a symbolic link to " + linkTarget + ", which leads out of "
                            + entry.path());
                }
                resolved.remove(resolved.size() - 1);
            } else {
                resolved.add(part);
            }
        }
        parents(name);
        out.put(path(name), withOwner(LayerEntry.symlink(path(name), linkTarget)));
    }

    private void directory(String name, int mode) {
        parents(name);
        out.put(path(name), LayerEntry.directory(path(name), mode == 0 ? 0755 : mode, entry.uid(), entry.gid()));
    }

    private void file(String name, int mode, InputStream content, long size) throws IOException {
        parents(name);
        LayerEntry file;
        if (size >= 0 && size <= IN_MEMORY) {
            file = LayerEntry.file(path(name), fileMode(mode), content.readNBytes((int) size));
        } else {
            Files.createDirectories(workDir);
            Path spool = workDir.resolve("member-" + (spooled++));
            long copied = Files.copy(content, spool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            file = LayerEntry.spooledFile(path(name), fileMode(mode), spool, copied);
        }
        out.put(path(name), withOwner(file));
    }

    private int fileMode(int archiveMode) {
        return entry.mode().orElse(archiveMode == 0 ? 0644 : archiveMode);
    }

    /** Folders between the entry's folder and a member, when the archive has no entry for them. */
    private void parents(String name) {
        int slash = name.lastIndexOf('/');
        while (slash > 0) {
            String dir = name.substring(0, slash);
            out.putIfAbsent(path(dir), LayerEntry.directory(path(dir), 0755, entry.uid(), entry.gid()));
            slash = dir.lastIndexOf('/');
        }
    }

    private String path(String name) {
        return entry.layerPath() + "/" + name;
    }

    private LayerEntry withOwner(LayerEntry e) {
        return new LayerEntry(e.path(), e.type(), e.mode(), e.linkTarget(), e.data(), e.spooled(), e.size(), entry.uid(), entry.gid());
    }

    private ImageFilesException error(String problem) {
        return new ImageFilesException(where + ": archive " + entry.url() + ": " + problem);
    }
}
