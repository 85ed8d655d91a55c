package ca.crim.pavics.jupyter.env.lock;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A locked conda package.
 *
 * @param depends match specs of its dependencies ("libgcc >=13"), as far as the lock records them
 */
public record CondaPackage(String name, String version, String build, String url, Optional<String> sha256,
        Optional<String> md5, List<String> depends) implements LockedPackage {
    private static final Pattern FILE = Pattern.compile("^(.+)-([^-]+)-([^-]+)\\.(conda|tar\\.bz2)$");

    public CondaPackage {
        depends = List.copyOf(depends);
    }

    /**
     * This package as a record to match specs against: name, version, build, URL, hashes, depends; the channel and
     * subdir come from the URL ({@code CHANNEL/SUBDIR/FILE}). Locks do not record the build number: it is 0 here.
     */
    public ca.crim.pavics.jupyter.conda.record.PackageRecord toRecord() {
        String dir = url.contains("/") ? url.substring(0, url.lastIndexOf('/')) : "";
        String subdir = dir.contains("/") ? dir.substring(dir.lastIndexOf('/') + 1) : "";
        String channel = dir.contains("/") ? dir.substring(0, dir.lastIndexOf('/')) : "";
        return new ca.crim.pavics.jupyter.conda.record.PackageRecord(name, version, build, 0, depends, List.of(),
                List.of(), subdir, null, 0, md5.orElse(null), sha256.orElse(null), 0, null, fileName(), url, channel);
    }

    /** The file name in the URL, e.g. {@code python-3.11.0-he550d4f_1_cpython.conda}. */
    public String fileName() {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** name, version and build from a package file name ({@code <name>-<version>-<build>.conda}). */
    static String[] parseFileName(String url) throws LockException {
        String file = url.substring(url.lastIndexOf('/') + 1);
        Matcher m = FILE.matcher(file);
        if (!m.matches()) {
            throw new LockException("not a conda package file name: " + file);
        }
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }
}
