package ca.crim.pavics.jupyter.env.install;

import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import java.util.List;

/**
 * A package turned into layer entries.
 *
 * @param entries the package's files under the prefix, sorted by path
 * @param files paths relative to the prefix, as its conda-meta record lists them
 * @param recordName file name of its {@code conda-meta} record ({@code NAME-VERSION-BUILD.json}); "" for wheels
 * @param record content of that record
 * @param bytes size of its file contents
 */
public record InstalledPackage(String name, List<LayerEntry> entries, List<String> files, String recordName,
        byte[] record, long bytes) {
    public InstalledPackage {
        entries = List.copyOf(entries);
        files = List.copyOf(files);
    }
}
