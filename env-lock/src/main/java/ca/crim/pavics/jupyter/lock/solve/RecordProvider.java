package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.io.IOException;
import java.util.List;

/**
 * Where the solver finds the records of a package name, asked once per name it reaches (so a provider may read only
 * those names). Records of the channels only: installed and virtual records are given to the solver separately.
 */
public interface RecordProvider {
    /**
     * The records named {@code name} in the channels, already restricted by channel priority (strict: only the
     * highest-priority channel that has the name) and with their channel set.
     *
     * @throws IOException when the channel data cannot be read
     */
    List<PackageRecord> records(String name) throws IOException;

    /** The priority of a record's channel: 0 for the first channel, larger for later ones. */
    default int priority(PackageRecord record) {
        return 0;
    }

    /** A provider over a fixed list of records, in channel-priority order of {@code channels}. */
    static RecordProvider of(List<PackageRecord> records) {
        java.util.Map<String, List<PackageRecord>> byName = new java.util.HashMap<>();
        for (PackageRecord r : records) {
            byName.computeIfAbsent(r.name(), k -> new java.util.ArrayList<>()).add(r);
        }
        return name -> byName.getOrDefault(name, List.of());
    }
}
