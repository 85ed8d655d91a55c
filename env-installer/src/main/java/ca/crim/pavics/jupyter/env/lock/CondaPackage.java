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
