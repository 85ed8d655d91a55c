package ca.crim.pavics.jupyter.deploy.sync;

import ca.crim.pavics.jupyter.deploy.git.FetchException;
import ca.crim.pavics.jupyter.deploy.git.SourceFile;
import ca.crim.pavics.jupyter.deploy.git.SourceTree;
import ca.crim.pavics.jupyter.image.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * Makes {@code DEST/dest_sub_dir} hold exactly the source folder, like {@code rsync --recursive --delete
 * --checksum}: changed content replaced, extraneous files removed, unchanged files untouched (same inode and
 * mtime). The new tree is built beside the target (unchanged files hard-linked), and the target, a symbolic
 * link {@code NAME -> .NAME.versions/<version>}, is switched to it with one rename: a crash or kill leaves
 * the old tree or the new one, never a mix. Nothing outside DEST is read, written or deleted.
 */
public final class TreeSync {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXEC = PosixFilePermissions.fromString("rwxr-xr-x");
    public static final String LOCK_NAME = ".notebook-deployer.lock";

    /** Optional owner of what is written (needs root). */
    public record Owner(int uid, int gid) {
        public static Owner parse(String text) {
            String[] parts = text.split(":", -1);
            if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
                throw new IllegalArgumentException("owner must be UID:GID (numbers), found '" + text + "'");
            }
            return new Owner(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    private final Path dest;
    private final boolean dryRun;
    private final Optional<Owner> owner;

    public TreeSync(Path dest, boolean dryRun, Optional<Owner> owner) throws IOException {
        this.dest = dest.toRealPath();
        this.dryRun = dryRun;
        this.owner = owner;
    }

    /** Where an entry's folder is and which version of it is live. */
    private record Resolved(Path parent, String leaf, Path target, Path versions, Path current, String currentName,
            boolean managed) {
        Path manifest() {
            return managed ? versions.resolve(currentName + ".manifest") : null;
        }
    }

    /**
     * What is on disk in the live version (read before the git work when prefetched): its files and links, its
     * manifest, the manifest entries whose status is unchanged, and whether all are ({@code intact}: the version
     * holds exactly what its manifest lists, and the folders were not walked).
     */
    private record Scan(Path current, Optional<Manifest.Contents> manifest, Path[] paths, java.util.BitSet matched,
            Map<String, Path> walked) {
        /** The version holds exactly what its manifest lists (then its folders were not walked). */
        boolean intact() {
            return manifest.isPresent() && matched.cardinality() == paths.length;
        }

        boolean holds(ObjectId tree) {
            return intact() && manifest.get().tree().equals(tree);
        }

        /** Files and links of the live version. */
        Map<String, Path> existing() {
            if (!intact()) {
                return walked;
            }
            Map<String, Path> listed = new java.util.HashMap<>();
            List<Manifest.Entry> entries = manifest.get().entries();
            for (int i = 0; i < paths.length; i++) {
                if (entries.get(i).type() != Manifest.Type.DIR) {
                    listed.put(entries.get(i).path(), paths[i]);
                }
            }
            return listed;
        }

        /** Manifest entries whose status is unchanged, by path. */
        Map<String, Manifest.Entry> unchanged() {
            Map<String, Manifest.Entry> found = new java.util.HashMap<>();
            manifest.ifPresent(m -> matched.stream().forEach(i -> found.put(m.entries().get(i).path(), m.entries().get(i))));
            return found;
        }
    }

    private final Map<String, java.util.concurrent.CompletableFuture<Scan>> prefetched = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Starts reading what an entry's live folder holds (file list and manifest) in the background, so that the disk
     * work overlaps the git work that comes before {@link #sync}. Read only; errors are left to {@code sync}.
     */
    public void prefetch(String destSubDir) {
        if (destSubDir.isEmpty() || prefetched.containsKey(destSubDir)) {
            return;
        }
        prefetched.put(destSubDir, java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Resolved r = resolve(destSubDir);
                return scan(r, check -> checks.put(destSubDir, check));
            } catch (IOException | SyncException | RuntimeException e) {
                return null;
            }
        }, PREFETCH));
    }

    private static final java.util.concurrent.Executor PREFETCH = runnable -> {
        Thread t = new Thread(runnable, "destination-scan");
        t.setDaemon(true);
        t.start();
    };

    /** Manifest checks in progress, by destination folder: a thread that waits for a scan helps with its check. */
    private final Map<String, ManifestCheck> checks = new java.util.concurrent.ConcurrentHashMap<>();

    /** The prefetched scan of {@code destSubDir} (helping with its manifest check meanwhile), or null. */
    private Scan prefetchedScan(String destSubDir, boolean remove) {
        java.util.concurrent.CompletableFuture<Scan> pending = remove ? prefetched.remove(destSubDir) : prefetched.get(destSubDir);
        if (pending == null) {
            return null;
        }
        ManifestCheck check = checks.get(destSubDir);
        if (check != null) {
            check.help();
        }
        return pending.join();
    }

    private static Scan scan(Resolved r) throws IOException {
        return scan(r, check -> { });
    }

    private static Scan scan(Resolved r, java.util.function.Consumer<ManifestCheck> started) throws IOException {
        Optional<Manifest.Contents> manifest = r.managed() ? Manifest.load(r.manifest()) : Optional.empty();
        if (manifest.isEmpty()) {
            Map<String, Path> existing = r.current() == null ? Map.of() : existing(r.current(), Set.of());
            return new Scan(r.current(), manifest, new Path[0], new java.util.BitSet(), existing);
        }
        // one lstat per recorded entry; the folders are listed only when something changed
        ManifestCheck check = new ManifestCheck(r.current(), manifest.get().entries());
        started.accept(check);
        check.await();
        java.util.BitSet matched = check.unchanged();
        boolean intact = matched.cardinality() == check.paths().length;
        return new Scan(r.current(), manifest, check.paths(), matched, intact ? null : existing(r.current(), Set.of()));
    }

    private Resolved resolve(String destSubDir) throws IOException, SyncException {
        String[] segments = destSubDir.split("/");
        Path parent = dest;
        for (int i = 0; i < segments.length - 1; i++) {
            checkSegment(segments[i]);
            parent = parent.resolve(segments[i]);
            if (Files.isSymbolicLink(parent) || (Files.exists(parent, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS))) {
                throw new SyncException(dest.relativize(parent) + " is not a folder (a link or a file): refused");
            }
        }
        String leaf = segments[segments.length - 1];
        checkSegment(leaf);
        Path target = parent.resolve(leaf);
        Path versions = parent.resolve("." + leaf + ".versions");
        if (Files.isSymbolicLink(versions) || (Files.exists(versions, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(versions, LinkOption.NOFOLLOW_LINKS))) {
            throw new SyncException(dest.relativize(versions) + " is not a folder we made: refused");
        }
        Path current = null;
        String currentName = null;
        boolean managed = false;
        if (Files.isSymbolicLink(target)) {
            Path link = Files.readSymbolicLink(target);
            if (link.getNameCount() != 2 || link.isAbsolute() || !link.getName(0).toString().equals(versions.getFileName().toString())) {
                throw new SyncException(dest.relativize(target) + " is a link to " + link + " that this tool did not make: refused");
            }
            currentName = link.getName(1).toString();
            current = versions.resolve(currentName);
            managed = Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS);
            if (!managed) {
                current = null;
            }
        } else if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            current = target;
        }
        return new Resolved(parent, leaf, target, versions, current, currentName, managed);
    }

    /**
     * The warnings of the live version of {@code destSubDir} when it was deployed from {@code sourceDir} at
     * {@code commit} and nothing in it changed since (then the entry is up to date without reading git); else empty.
     */
    public Optional<List<String>> upToDate(String destSubDir, ObjectId commit, String sourceDir) {
        Scan scan = prefetchedScan(destSubDir, false);
        if (scan == null || !scan.intact()) {
            return Optional.empty();
        }
        try {
            Resolved now = resolve(destSubDir);
            if (!now.managed() || !java.util.Objects.equals(now.current(), scan.current())) {
                return Optional.empty();
            }
        } catch (IOException | SyncException e) {
            return Optional.empty();
        }
        Manifest.Contents m = scan.manifest().get();
        return m.madeFrom(commit, sourceDir) ? Optional.of(m.warnings()) : Optional.empty();
    }

    /** The prefetched scan when it is of the version live now, else a fresh one. */
    private Scan scanNow(String destSubDir, Resolved r) throws IOException {
        Scan scan = prefetchedScan(destSubDir, true);
        if (scan != null && java.util.Objects.equals(scan.current(), r.current())) {
            return scan;
        }
        return scan(r);
    }

    public SyncReport sync(SourceTree tree, String destSubDir) throws IOException, SyncException, FetchException {
        if (destSubDir.isEmpty()) {
            List<String> warnings = new ArrayList<>(tree.warnings());
            return inPlace(tree, desired(tree, warnings), warnings);
        }
        Resolved r = resolve(destSubDir);
        Path parent = r.parent();
        String leaf = r.leaf();
        Path target = r.target();
        Path versions = r.versions();
        String currentName = r.currentName();
        boolean managed = r.managed();
        Scan scan = scanNow(destSubDir, r);
        if (managed && scan.holds(tree.treeId())) {
            // the live version was made from this very tree and nothing in it changed since: no git walk, no reads
            Manifest.Contents recorded = scan.manifest().get();
            if (!dryRun && !recorded.madeFrom(tree.commit(), tree.sourceDir())) {
                // a commit that left the folder alone: recorded, so that the next run knows it from the commit alone
                Manifest.write(r.manifest(), recorded.from(tree.commit(), tree.sourceDir()));
            }
            return new SyncReport(0, 0, 0, 0, List.of(), recorded.warnings());
        }
        List<String> warnings = new ArrayList<>(tree.warnings());
        Map<String, SourceFile> desired = desired(tree, warnings);
        Map<String, Path> existing = scan.existing();
        Plan plan = plan(tree, desired, existing, scan.unchanged());
        if (!plan.changed() && managed) {
            boolean recorded = scan.manifest().filter(m -> m.madeFrom(tree.commit(), tree.sourceDir())).isPresent();
            if ((plan.hashed > 0 || !recorded) && !dryRun) {
                writeManifest(versions.resolve(currentName), tree, desired, warnings);
            }
            return plan.report(warnings);
        }
        if (dryRun) {
            return plan.report(warnings);
        }
        removeStale(versions, currentName);
        removeStaleLinks(parent, leaf);
        Files.createDirectories(parent);
        Files.createDirectories(versions);
        chmod(versions, DIR);
        String name = tree.shortCommit() + "-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid();
        Path staging = versions.resolve(name + ".tmp");
        long bytes = build(tree, desired, existing, plan, staging);
        Path built = versions.resolve(name);
        Files.move(staging, built, StandardCopyOption.ATOMIC_MOVE);
        Path tmpLink = parent.resolve("." + leaf + ".link-" + name);
        Files.createSymbolicLink(tmpLink, Path.of(versions.getFileName().toString(), name));
        chown(tmpLink);
        if (!Files.isSymbolicLink(target) && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            // first run over a folder made by the old script: keep it aside, then link (not atomic, once)
            Files.move(target, versions.resolve("previous-" + name), StandardCopyOption.ATOMIC_MOVE);
        } else if (!Files.isSymbolicLink(target) && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(target);
        }
        Files.move(tmpLink, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        removeStale(versions, name);
        // after the old version is gone: unlinking it changed the ctime of the files both shared
        writeManifest(built, tree, desired, warnings);
        return new SyncReport(plan.added, plan.updated, plan.removed, bytes, plan.changes, warnings);
    }

    private static void checkSegment(String segment) throws SyncException {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(".")
                && (segment.endsWith(".versions") || segment.contains(".link-")) || segment.equals(LOCK_NAME)) {
            throw new SyncException("'" + segment + "' cannot be a destination folder name");
        }
    }

    /** Source files to deploy; links that leave the source folder and odd paths are skipped with a warning. */
    private static Map<String, SourceFile> desired(SourceTree tree, List<String> warnings) throws IOException, FetchException {
        Map<String, SourceFile> files = new TreeMap<>();
        for (SourceFile f : tree.files()) {
            if (!safePath(f.path())) {
                warnings.add("skipped " + f.path() + ": not a plain relative path");
                continue;
            }
            if (f.kind() == SourceFile.Kind.SYMLINK) {
                String link = linkTarget(tree, f);
                if (!linkStaysInside(f.path(), link)) {
                    warnings.add("skipped link " + f.path() + " -> " + link + ": it points outside the source folder");
                    continue;
                }
            }
            files.put(f.path(), f);
        }
        return files;
    }

    private static String linkTarget(SourceTree tree, SourceFile link) throws IOException {
        return new String(tree.bytes(link), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean safePath(String path) {
        for (String s : path.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    static boolean linkStaysInside(String linkPath, String target) {
        if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
            return false;
        }
        List<String> parts = new ArrayList<>(List.of(linkPath.split("/")));
        parts.remove(parts.size() - 1);
        for (String s : target.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (parts.isEmpty()) {
                    return false;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(s);
            }
        }
        return true;
    }

    /** Regular files and links under {@code root}, not following links, less the reserved names. */
    private static Map<String, Path> existing(Path root, Set<String> reservedTop) throws IOException {
        Map<String, Path> found = new TreeMap<>();
        int prefix = root.toString().length() + 1;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && dir.getParent().equals(root) && reservedTop.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = file.toString().substring(prefix);
                if (!(file.getParent().equals(root) && reservedTop.contains(file.getFileName().toString()))) {
                    found.put(rel, file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    private final class Plan {
        int added;
        int updated;
        int removed;
        int hashed;
        final Set<String> unchanged = new TreeSet<>();
        final List<String> changes = new ArrayList<>();

        boolean changed() {
            return added + updated + removed > 0;
        }

        SyncReport report(List<String> warnings) {
            return new SyncReport(added, updated, removed, 0, changes, warnings);
        }
    }

    private Plan plan(SourceTree tree, Map<String, SourceFile> desired, Map<String, Path> existing,
            Map<String, Manifest.Entry> matched) throws IOException {
        Plan plan = new Plan();
        for (SourceFile f : desired.values()) {
            Path have = existing.get(f.path());
            if (have == null) {
                plan.added++;
                plan.changes.add("+ " + f.path());
            } else if (same(tree, f, have, matched.get(f.path()), plan)) {
                plan.unchanged.add(f.path());
            } else {
                plan.updated++;
                plan.changes.add("~ " + f.path());
            }
        }
        for (String path : existing.keySet()) {
            if (!desired.containsKey(path)) {
                plan.removed++;
                plan.changes.add("- " + path);
            }
        }
        return plan;
    }

    /** Whether {@code have} holds {@code f}: known from the manifest when its status is unchanged, else read. */
    private static boolean same(SourceTree tree, SourceFile f, Path have, Manifest.Entry unchanged, Plan plan)
            throws IOException {
        if (unchanged != null) {
            return unchanged.type() == type(f) && unchanged.holds(f.blob());
        }
        plan.hashed++;
        if (f.kind() == SourceFile.Kind.SYMLINK) {
            return Files.isSymbolicLink(have)
                    && Files.readSymbolicLink(have).toString().equals(linkTarget(tree, f));
        }
        Manifest.Stat stat = Manifest.stat(have);
        if (stat.type() != type(f)) {
            return false;
        }
        long size = stat.size();
        if (size != tree.size(f)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(have, LinkOption.NOFOLLOW_LINKS)) {
            ObjectId id = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, size, in);
            return id.equals(f.blob());
        }
    }

    private long build(SourceTree tree, Map<String, SourceFile> desired, Map<String, Path> existing, Plan plan, Path staging)
            throws IOException {
        Files.createDirectory(staging);
        chmod(staging, DIR);
        chown(staging);
        long bytes = 0;
        for (SourceFile f : desired.values()) {
            Path out = staging.resolve(f.path());
            createParents(staging, out.getParent());
            if (plan.unchanged.contains(f.path()) && f.kind() != SourceFile.Kind.SYMLINK) {
                Path old = existing.get(f.path());
                try {
                    Files.createLink(out, old);
                    continue;
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(old, out, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    continue;
                }
            }
            if (f.kind() == SourceFile.Kind.SYMLINK) {
                Files.createSymbolicLink(out, Path.of(linkTarget(tree, f)));
            } else {
                try (InputStream in = tree.open(f);
                        OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    bytes += in.transferTo(o);
                }
                chmod(out, f.kind() == SourceFile.Kind.EXECUTABLE ? EXEC : FILE);
            }
            chown(out);
        }
        return bytes;
    }

    private void createParents(Path root, Path dir) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        createParents(root, dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        chmod(dir, DIR);
        chown(dir);
    }

    /** Deploys into DEST itself (empty dest_sub_dir): each file replaced atomically, not the whole tree. */
    private SyncReport inPlace(SourceTree tree, Map<String, SourceFile> desired, List<String> warnings) throws IOException {
        Set<String> reserved = new TreeSet<>(Set.of(LOCK_NAME));
        try (DirectoryStream<Path> top = Files.newDirectoryStream(dest)) {
            for (Path p : top) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && (n.endsWith(".versions") || n.contains(".link-"))) {
                    reserved.add(n);
                }
            }
        }
        Map<String, Path> existing = existing(dest, reserved);
        Plan plan = plan(tree, desired, existing, Map.of());
        if (dryRun || !plan.changed()) {
            return plan.report(warnings);
        }
        long bytes = 0;
        for (SourceFile f : desired.values()) {
            if (plan.unchanged.contains(f.path())) {
                continue;
            }
            Path out = dest.resolve(f.path());
            Path parent = out.getParent();
            for (Path p = dest; !p.equals(parent); ) {
                p = p.resolve(parent.getName(p.getNameCount()).toString());
                if (Files.isSymbolicLink(p) || (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                    FileTrees.delete(p);
                }
            }
            createParents(dest, parent);
            Path tmp = parent.resolve(".notebook-deployer-" + out.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (f.kind() == SourceFile.Kind.SYMLINK) {
                Files.createSymbolicLink(tmp, Path.of(linkTarget(tree, f)));
            } else {
                try (InputStream in = tree.open(f); OutputStream o = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                    bytes += in.transferTo(o);
                }
                chmod(tmp, f.kind() == SourceFile.Kind.EXECUTABLE ? EXEC : FILE);
            }
            chown(tmp);
            if (Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.delete(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        for (String path : existing.keySet()) {
            if (!desired.containsKey(path)) {
                Files.deleteIfExists(dest.resolve(path));
            }
        }
        return new SyncReport(plan.added, plan.updated, plan.removed, bytes, plan.changes, warnings);
    }

    private static void removeStale(Path versions, String keep) throws IOException {
        if (!Files.isDirectory(versions, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(versions)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (!n.equals(keep) && !n.equals(keep + ".manifest")) {
                    FileTrees.delete(p);
                }
            }
        }
    }

    private static Manifest.Type type(SourceFile f) {
        return switch (f.kind()) {
            case FILE -> Manifest.Type.FILE;
            case EXECUTABLE -> Manifest.Type.EXEC;
            case SYMLINK -> Manifest.Type.LINK;
        };
    }

    /** The folder of a relative path ("" at the top). */
    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** Records the version as it is now on disk: its folders, files and links with their status. */
    private static void writeManifest(Path version, SourceTree tree, Map<String, SourceFile> desired, List<String> warnings)
            throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        Set<String> dirs = new java.util.HashSet<>();
        entries.add(Manifest.stat(version).entry("", null));
        for (SourceFile f : desired.values()) {
            for (String dir = parent(f.path()); !dir.isEmpty() && dirs.add(dir); dir = parent(dir)) {
                entries.add(Manifest.stat(version.resolve(dir)).entry(dir, null));
            }
            Manifest.Stat stat = Manifest.stat(version.resolve(f.path()));
            if (stat.type() == type(f)) {
                entries.add(stat.entry(f.path(), f.blob()));
            }
        }
        Manifest.write(version.resolveSibling(version.getFileName() + ".manifest"),
                new Manifest.Contents(tree.commit(), tree.sourceDir(), tree.treeId(), warnings, entries));
    }

    /** Temporary links of a run that was killed before its swap. */
    private static void removeStaleLinks(Path parent, String leaf) throws IOException {
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "." + leaf + ".link-*")) {
            for (Path p : entries) {
                if (Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void chmod(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private void chown(Path p) throws IOException {
        if (owner.isPresent()) {
            Files.setAttribute(p, "unix:uid", owner.get().uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", owner.get().gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }
}
