package ca.crim.pavics.jupyter.conda.virtual;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.version.VersionException;
import ca.crim.pavics.jupyter.conda.version.VersionOrder;
import java.util.List;

/**
 * A virtual package (CEP 30): a fact about the system a package may depend on, such as {@code __glibc 2.28},
 * {@code __linux 5.10}, {@code __unix 0}, {@code __archspec 1 x86_64} or {@code __cuda 12.4}. Solvers treat it as an
 * installed record that cannot change.
 *
 * @param name starts with {@code __}
 * @param build the build string ({@code 0} unless the package gives one, like {@code __archspec}'s micro-architecture)
 */
public record VirtualPackage(String name, String version, String build) {
    /** The channel name virtual records carry. */
    public static final String CHANNEL = "@";

    /**
     * Reads {@code NAME=VERSION[=BUILD]}.
     *
     * @throws IllegalArgumentException for a name without {@code __}, a missing or invalid version
     */
    public static VirtualPackage parse(String text) {
        String[] parts = text.strip().split("=", -1);
        if (parts.length < 2 || parts.length > 3 || !parts[0].startsWith("__") || parts[0].length() < 3
                || parts[1].isBlank() || (parts.length == 3 && parts[2].isBlank())) {
            throw new IllegalArgumentException("a virtual package is __NAME=VERSION[=BUILD], found '" + text + "'");
        }
        try {
            VersionOrder.parse(parts[1]);
        } catch (VersionException e) {
            throw new IllegalArgumentException("virtual package '" + text + "': " + e.getMessage());
        }
        return new VirtualPackage(parts[0].strip(), parts[1].strip(), parts.length == 3 ? parts[2].strip() : "0");
    }

    /** This package as an installed record (channel {@value #CHANNEL}, subdir linux-64). */
    public PackageRecord toRecord() {
        return new PackageRecord(name, version, build, 0, List.of(), List.of(), List.of(), "linux-64", null, 0, null, null,
                0, null, name + "-" + version + "-" + build, "", CHANNEL);
    }

    @Override
    public String toString() {
        return name + "=" + version + "=" + build;
    }
}
