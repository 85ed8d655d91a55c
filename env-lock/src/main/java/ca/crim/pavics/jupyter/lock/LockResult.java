package ca.crim.pavics.jupyter.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A solved request, seen against its installed state.
 *
 * @param environment the whole environment after the change, installed records included, by name
 * @param changes what the image adds or replaces, by name: the new record and, for a replacement, the installed
 *     record it replaces
 * @param kept how many installed records stay as they are
 * @param downloadBytes the summed {@code size} of the changed records' package files (bytes; 0 where unknown)
 * @param readTime time spent fetching and indexing repodata
 * @param solveTime time spent solving
 * @param decisions the solver's decisions
 * @param conflicts the conflicts the solver learnt from
 */
public record LockResult(Map<String, PackageRecord> environment, List<Change> changes, int kept, long downloadBytes,
        Duration readTime, Duration solveTime, int decisions, int conflicts) {
    public LockResult {
        environment = Map.copyOf(environment);
        changes = List.copyOf(changes);
    }

    /** A record the image adds, or one that replaces an installed record of the same name. */
    public record Change(PackageRecord record, Optional<PackageRecord> replaced) {
    }

    /** The records added (names the installed state does not have). */
    public List<Change> added() {
        return changes.stream().filter(c -> c.replaced().isEmpty()).toList();
    }

    /** The records that replace an installed record. */
    public List<Change> replaced() {
        return changes.stream().filter(c -> c.replaced().isPresent()).toList();
    }

    /** One line: {@code 45 added, 2 replaced (python 3.11.4 -> 3.11.6, ...), 480 kept; 312.4 MB to download}. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(added().size()).append(" added, ").append(replaced().size()).append(" replaced");
        List<Change> r = replaced();
        if (!r.isEmpty()) {
            b.append(" (");
            for (int i = 0; i < Math.min(3, r.size()); i++) {
                PackageRecord old = r.get(i).replaced().get();
                PackageRecord now = r.get(i).record();
                b.append(i > 0 ? ", " : "").append(now.name()).append(' ').append(old.version())
                        .append(old.version().equals(now.version()) ? " " + old.build() + " -> " + now.build()
                                : " -> " + now.version());
            }
            b.append(r.size() > 3 ? ", ...)" : ")");
        }
        b.append(", ").append(kept).append(" kept from the base; ")
                .append(String.format(java.util.Locale.ROOT, "%.1f MB", downloadBytes / 1e6)).append(" to download");
        return b.toString();
    }
}
