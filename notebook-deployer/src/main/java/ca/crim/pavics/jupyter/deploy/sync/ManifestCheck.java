package ca.crim.pavics.jupyter.deploy.sync;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compares the entries of a manifest with what is on disk now (one lstat each), in chunks that any thread may take:
 * the thread that scans the destination, and a thread that needs the result and would otherwise wait.
 */
final class ManifestCheck {
    private static final int CHUNK = 128;

    private final Path root;
    private final List<Manifest.Entry> entries;
    private final Path[] paths;
    private final boolean[] same;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    ManifestCheck(Path root, List<Manifest.Entry> entries) {
        this.root = root;
        this.entries = entries;
        this.paths = new Path[entries.size()];
        this.same = new boolean[entries.size()];
        if (entries.isEmpty()) {
            finished.complete(null);
        }
    }

    /** Checks chunks until none is left to take. */
    void help() {
        int n = paths.length;
        for (int start = next.getAndAdd(CHUNK); start < n; start = next.getAndAdd(CHUNK)) {
            int end = Math.min(n, start + CHUNK);
            for (int i = start; i < end; i++) {
                paths[i] = entries.get(i).path().isEmpty() ? root : root.resolve(entries.get(i).path());
                same[i] = unchanged(entries.get(i), paths[i]);
            }
            if (done.addAndGet(end - start) == n) {
                finished.complete(null);
            }
        }
    }

    /** Helps, then waits for the chunks other threads are still checking. */
    void await() {
        help();
        finished.join();
    }

    /** The path of each entry (after {@link #await}). */
    Path[] paths() {
        return paths;
    }

    /** The entries whose status is unchanged (after {@link #await}). */
    BitSet unchanged() {
        BitSet set = new BitSet(same.length);
        for (int i = 0; i < same.length; i++) {
            set.set(i, same[i]);
        }
        return set;
    }

    /** In a method of its own, so that a cold JVM compiles it early (see {@code Manifest.entry}). */
    private static boolean unchanged(Manifest.Entry e, Path path) {
        try {
            Optional<Manifest.Stat> now = Manifest.statIfExists(path);
            return now.isPresent() && e.unchanged(now.get());
        } catch (IOException ex) {
            return false;
        }
    }
}
