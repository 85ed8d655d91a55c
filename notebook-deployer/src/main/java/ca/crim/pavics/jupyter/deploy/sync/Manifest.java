package ca.crim.pavics.jupyter.deploy.sync;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a deployed version holds — the source tree it came from, and every folder, file and link with the status
 * seen after it was written — like git's index: an entry whose type, size, mtime, ctime and inode are unchanged
 * still has the recorded content and need not be read again. ctime cannot be set by users, so any edit is
 * noticed; a folder's mtime and ctime change when an entry is added, removed or renamed in it, so a version whose
 * every entry is unchanged holds exactly what the manifest lists. A missing, old or unreadable manifest only costs
 * hashing.
 */
final class Manifest {
    private static final String HEADER = "notebook-deployer manifest 2";

    enum Type {
        DIR, FILE, EXEC, LINK
    }

    /** One recorded path ("" for the version's folder): {@code blob} (hex) is null for a folder; times in nanoseconds. */
    record Entry(String path, Type type, String blob, long size, long mtime, long ctime, long inode) {
        /** Whether this entry records the content {@code id}. */
        boolean holds(ObjectId id) {
            return blob != null && id.name().equals(blob);
        }

        /** Same status as {@code now}: same type, size, times and inode. */
        boolean unchanged(Stat now) {
            return type == now.type() && (type == Type.DIR || size == now.size()) && mtime == now.mtime() && ctime == now.ctime()
                    && inode == now.inode();
        }
    }

    /**
     * A manifest: the commit and source folder the version was made from, their git tree, the warnings of that
     * deploy, and its entries ("" is the version's own folder).
     */
    record Contents(ObjectId commit, String sourceDir, ObjectId tree, List<String> warnings, List<Entry> entries) {
        /** Whether the version was made from {@code sourceDir} at {@code commit}. */
        boolean madeFrom(ObjectId otherCommit, String otherSourceDir) {
            return commit.equals(otherCommit) && sourceDir.equals(otherSourceDir);
        }

        /** The same version, recorded as made from {@code sourceDir} at {@code commit} (which has the same tree). */
        Contents from(ObjectId otherCommit, String otherSourceDir) {
            return new Contents(otherCommit, otherSourceDir, tree, warnings, entries);
        }
    }

    /** One lstat; {@code type} is null for what this tool never writes (devices, sockets...). */
    record Stat(Type type, long size, long mtime, long ctime, long inode) {
        Entry entry(String path, ObjectId blob) {
            return new Entry(path, type, blob == null ? null : blob.name(), size, mtime, ctime, inode);
        }
    }

    private Manifest() {
    }

    static Stat stat(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        Type type = switch (mode & 0170000) {
            case 0040000 -> Type.DIR;
            case 0120000 -> Type.LINK;
            case 0100000 -> (mode & 0100) != 0 ? Type.EXEC : Type.FILE;
            default -> null;
        };
        return new Stat(type, (Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), ((Number) a.get("ino")).longValue());
    }

    /** The stat of a path, or empty when it does not exist. */
    static Optional<Stat> statIfExists(Path file) throws IOException {
        try {
            return Optional.of(stat(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The manifest in {@code file}; empty when it is missing, of another format or damaged. */
    static Optional<Contents> load(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (!HEADER.equals(r.readLine())) {
                return Optional.empty();
            }
            ObjectId tree = null;
            ObjectId commit = null;
            String sourceDir = null;
            List<String> warnings = new ArrayList<>();
            List<Entry> entries = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                // hand-parsed: this runs on every deploy, before the JIT has warmed up
                int a = line.indexOf('\t');
                int b = line.indexOf('\t', a + 1);
                String kind = line.substring(0, a);
                if (kind.equals("tree")) {
                    tree = ObjectId.fromString(line.substring(a + 1));
                } else if (kind.equals("commit")) {
                    commit = ObjectId.fromString(line.substring(a + 1));
                } else if (kind.equals("source")) {
                    sourceDir = unescape(line.substring(a + 1));
                } else if (kind.equals("warning")) {
                    warnings.add(unescape(line.substring(a + 1)));
                } else {
                    entries.add(entry(line, kind, a, b));
                }
            }
            return tree == null || commit == null || sourceDir == null ? Optional.empty()
                    : Optional.of(new Contents(commit, sourceDir, tree, List.copyOf(warnings), entries));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * One entry line, parsed in a method of its own: thousands of calls get it compiled early, where the loop of
     * {@link #load} would run interpreted (a cold JVM compiles a loop only after many more iterations).
     */
    private static Entry entry(String line, String kind, int a, int b) {
        Type type = Type.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
        String path = unescape(line.substring(a + 1, b));
        String blob = null;
        long size = 0;
        if (type != Type.DIR) {
            int c = line.indexOf('\t', b + 1);
            blob = line.substring(b + 1, c);
            b = line.indexOf('\t', c + 1);
            size = Long.parseLong(line, c + 1, b, 10);
        }
        int m = line.indexOf('\t', b + 1);
        int n = line.indexOf('\t', m + 1);
        return new Entry(path, type, blob, size, Long.parseLong(line, b + 1, m, 10), Long.parseLong(line, m + 1, n, 10),
                Long.parseLong(line, n + 1, line.length(), 10));
    }

    /**
     * Writes {@code contents} to {@code file} atomically. An entry changed in the same clock tick as the manifest
     * could be edited again unnoticed (git's "racily clean" entries): its time is taken from the file system's clock
     * (the new file's own mtime, after every entry was read) and such entries are written with an impossible mtime,
     * so the next run reads them once more.
     */
    static void write(Path file, Contents contents) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp);
        long racyFrom = stat(temp).mtime();
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            w.write(HEADER + "\ncommit\t" + contents.commit().name() + "\nsource\t" + escape(contents.sourceDir())
                    + "\ntree\t" + contents.tree().name() + "\n");
            for (String warning : contents.warnings()) {
                w.write("warning\t" + escape(warning) + "\n");
            }
            for (Entry v : contents.entries()) {
                long mtime = Math.max(v.mtime(), v.ctime()) >= racyFrom ? -1 : v.mtime();
                line(w, v, escape(v.path()), mtime);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void line(Writer w, Entry v, String path, long mtime) throws IOException {
        if (v.type() == Type.DIR) {
            w.write("dir\t" + path + "\t" + mtime + "\t" + v.ctime() + "\t" + v.inode() + "\n");
        } else {
            w.write(v.type().name().toLowerCase(java.util.Locale.ROOT) + "\t" + path + "\t" + v.blob() + "\t"
                    + v.size() + "\t" + mtime + "\t" + v.ctime() + "\t" + v.inode() + "\n");
        }
    }

    /** Paths may hold tabs, newlines and backslashes: escaped so each entry stays on one line. */
    static String escape(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
