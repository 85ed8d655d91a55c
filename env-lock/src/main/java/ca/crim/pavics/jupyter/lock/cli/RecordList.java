package ca.crim.pavics.jupyter.lock.cli;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.lock.repodata.ChannelSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text file of records, one {@code SUBDIR/FILENAME} per line ({@code linux-64/python-3.11.6-hab00c5b_0_cpython.conda};
 * blank lines and {@code #} comments skipped), as {@code --installed} and {@code --prefer} take it.
 */
final class RecordList {
    private static final Pattern LINE = Pattern.compile("^([a-z0-9_-]+)/((.+)-([^-]+)-([^-]+)\\.(conda|tar\\.bz2))$");

    /** One line of the file: where it is, its subdir and file name, and the name-version-build it names. */
    record Entry(int line, String subdir, String fileName, String name, String dist) {
    }

    private RecordList() {
    }

    /**
     * Reads the lines.
     *
     * @throws IOException one line {@code FILE:LINE: ...} for a line that is not {@code SUBDIR/FILENAME}
     */
    static List<Entry> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(t);
            if (!m.matches()) {
                throw new IOException(file + ":" + (i + 1) + ": '" + t + "' is not SUBDIR/FILENAME of a conda package"
                        + " (e.g. linux-64/python-3.11.6-hab00c5b_0_cpython.conda)");
            }
            out.add(new Entry(i + 1, m.group(1), m.group(2), m.group(3), m.group(3) + "-" + m.group(4) + "-" + m.group(5)));
        }
        return out;
    }

    /**
     * The records the lines name, found in the channels (any priority).
     *
     * @throws IOException one line {@code FILE:LINE: ...} for a record no channel has, or two records of one name
     */
    static List<PackageRecord> resolve(Path file, List<Entry> entries, ChannelSet channels) throws IOException {
        Map<String, PackageRecord> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            PackageRecord found = null;
            for (PackageRecord r : channels.allRecords(e.name())) {
                if (r.subdir().equals(e.subdir()) && r.fileName().equals(e.fileName())) {
                    found = r;
                    break;
                }
            }
            if (found == null) {
                throw new IOException(file + ":" + e.line() + ": " + e.subdir() + "/" + e.fileName()
                        + " is in none of the channels given");
            }
            if (out.put(found.name(), found) != null) {
                throw new IOException(file + ":" + e.line() + ": a second record of " + found.name()
                        + " (an environment has one record per name)");
            }
        }
        return List.copyOf(out.values());
    }
}
