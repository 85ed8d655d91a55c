package ca.crim.pavics.jupyter.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.lock.repodata.ChannelSet;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.lock.repodata.RepodataException;
import ca.crim.pavics.jupyter.lock.solve.Solver;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Locks a request: reads its channels' repodata through the cache (strict channel priority), solves it on top of
 * its installed state, and says what changes: added records, replaced installed records (with the record each
 * replaces), installed records kept.
 */
public final class CondaLocker {
    private final RepodataCache cache;

    /** @param cache where repodata is downloaded and revalidated */
    public CondaLocker(RepodataCache cache) {
        this.cache = cache;
    }

    /**
     * Solves the request.
     *
     * @throws RepodataException one line naming a channel URL that cannot be read (404, 500, corrupt, unreachable)
     * @throws UnsatisfiableException the request cannot be met: its message names the conflicting specs and the
     *     chain of dependencies between them
     * @throws IOException when the repodata cache cannot be written or read
     */
    public LockResult lock(LockRequest request) throws IOException, UnsatisfiableException {
        long start = System.nanoTime();
        try (ChannelSet channels = open(request.channels())) {
            return solve(request, channels, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Fetches (or revalidates) and indexes the channels' repodata, strict priority.
     *
     * @throws RepodataException one line naming a channel URL that cannot be read
     */
    public ChannelSet open(List<ca.crim.pavics.jupyter.conda.spec.Channel> channels) throws IOException {
        return ChannelSet.open(channels, cache, true);
    }

    /**
     * Solves the request over channels already open.
     *
     * @param readTime the time it took to open them (reported in the result)
     * @throws UnsatisfiableException the request cannot be met (see {@link #lock})
     */
    public static LockResult solve(LockRequest request, ChannelSet channels, Duration readTime)
            throws IOException, UnsatisfiableException {
        long start = System.nanoTime();
        Solver.Solution solution = Solver.solve(new Solver.Request(request.specs(), request.installed(),
                request.preferred(), request.virtual(), request.pinned()), channels);
        return result(request, solution, readTime, Duration.ofNanos(System.nanoTime() - start));
    }

    private static LockResult result(LockRequest request, Solver.Solution solution, Duration readTime,
            Duration solveTime) {
        Map<String, PackageRecord> installed = new LinkedHashMap<>();
        request.installed().forEach(r -> installed.put(r.name(), r));
        List<LockResult.Change> changes = new ArrayList<>();
        int kept = 0;
        long bytes = 0;
        for (PackageRecord r : solution.records().values()) {
            PackageRecord old = installed.get(r.name());
            if (old != null && old.dist().equals(r.dist())) {
                kept++;
                continue;
            }
            changes.add(new LockResult.Change(r, Optional.ofNullable(old)));
            bytes += Math.max(0, r.size());
        }
        return new LockResult(solution.records(), changes, kept, bytes, readTime, solveTime, solution.decisions(),
                solution.conflicts());
    }
}
