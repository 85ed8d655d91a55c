package ca.crim.pavics.jupyter.deploy.sync;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a deployed version holds, with the file status seen after it was written — like git's index: a file
 * whose size, mtime, ctime and inode are unchanged still has the recorded content and need not be read again.
 * ctime cannot be set by users, so any edit is noticed. A missing or unreadable manifest only costs hashing.
 */
final class Manifest {
    record Entry(ObjectId blob, long size, long mtime, long ctime, long inode) {
    }

    private Manifest() {
    }

    static Map<String, Entry> load(Path file) {
        Map<String, Entry> entries = new HashMap<>();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length == 6 && ObjectId.isId(f[1])) {
                    entries.put(f[0], new Entry(ObjectId.fromString(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4]), Long.parseLong(f[5])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new HashMap<>();
        }
        return entries;
    }

    /** The status of {@code file} as recorded in a manifest entry (blob left to the caller). */
    static Entry status(Path file, ObjectId blob) throws IOException {
        return stat(file, blob).entry();
    }

    /** One lstat: the manifest status plus the file's type and permission bits ({@code st_mode}). */
    record Stat(Entry entry, int mode) {
        boolean regularFile() {
            return (mode & 0170000) == 0100000;
        }

        boolean ownerExecutable() {
            return (mode & 0100) != 0;
        }
    }

    static Stat stat(Path file, ObjectId blob) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
        return new Stat(new Entry(blob, (Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).toMillis(),
                ((FileTime) a.get("ctime")).toMillis(), ((Number) a.get("ino")).longValue()), (Integer) a.get("mode"));
    }

    static boolean unchanged(Entry recorded, Entry now) {
        return recorded.size() == now.size() && recorded.mtime() == now.mtime() && recorded.ctime() == now.ctime()
                && recorded.inode() == now.inode();
    }

    static void write(Path file, Map<String, Entry> entries) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry v = e.getValue();
                w.write(e.getKey() + "\t" + v.blob().name() + "\t" + v.size() + "\t" + v.mtime() + "\t" + v.ctime() + "\t" + v.inode() + "\n");
            }
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
