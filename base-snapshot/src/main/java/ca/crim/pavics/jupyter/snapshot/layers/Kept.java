package ca.crim.pavics.jupyter.snapshot.layers;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.util.List;
import java.util.Optional;

/** What a snapshot keeps of one path of the image: the parsed content of the few files that describe the environment. */
public sealed interface Kept {
    /** A text file kept whole ({@code conda-meta/history}, {@code pinned}, a dist-info's INSTALLER or direct_url.json). */
    record Text(String content) implements Kept {
    }

    /** A {@code conda-meta/*.json} record. */
    record CondaMeta(PackageRecord record, Optional<String> sitePackagesPath, List<String> files) implements Kept {
    }

    /** A dist-info's METADATA headers. */
    record Metadata(String name, String version, List<String> requiresDist) implements Kept {
    }

    /** A dist-info's RECORD: the paths it lists, relative to site-packages. */
    record Record(List<String> paths) implements Kept {
    }

    /** A C library file and the glibc version it carries. */
    record Libc(String version) implements Kept {
    }

    /** A symbolic link named like a C library ({@code libc.so.6 -> libc-2.31.so}). */
    record Link(String target) implements Kept {
    }
}
