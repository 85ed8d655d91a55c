package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A wheel's file name (the binary distribution format spec, PEP 427/491): {@code {name}-{version}[-{build}]-{python}-{abi}-{platform}.whl},
 * where each tag part may be a {@code .}-separated set (PEP 425's compressed tag sets).
 *
 * @param name the distribution name as written (escaped: {@code _} for runs of {@code -_.})
 * @param version the version
 * @param build the optional build tag (digits first)
 * @param tags every {@code python-abi-platform} tag the file supports
 */
public record WheelFilename(String name, Pep440Version version, Optional<String> build, List<String> tags) {
    public WheelFilename {
        tags = List.copyOf(tags);
    }

    /**
     * Reads a wheel file name (the last path segment of a URL, query and fragment removed).
     *
     * @throws InvalidVersionException not a wheel name, or its version is not PEP 440's
     */
    public static WheelFilename parse(String filename) {
        String f = filename;
        if (!f.endsWith(".whl")) {
            throw new InvalidVersionException("'" + filename + "' is not a wheel (.whl)");
        }
        String[] parts = f.substring(0, f.length() - 4).split("-");
        if (parts.length != 5 && parts.length != 6) {
            throw new InvalidVersionException("'" + filename + "' is not a wheel file name (name-version[-build]-python-abi-platform.whl)");
        }
        Optional<String> build = parts.length == 6 ? Optional.of(parts[2]) : Optional.empty();
        int t = parts.length - 3;
        List<String> tags = new ArrayList<>();
        for (String py : parts[t].split("\\.")) {
            for (String abi : parts[t + 1].split("\\.")) {
                for (String plat : parts[t + 2].split("\\.")) {
                    tags.add(py + "-" + abi + "-" + plat);
                }
            }
        }
        return new WheelFilename(parts[0], Pep440Version.parse(parts[1]), build, tags);
    }

    /** Whether {@code filename} ends with {@code .whl}. */
    public static boolean isWheel(String filename) {
        return filename.endsWith(".whl");
    }

    /** PEP 503 normalized name. */
    public String normalizedName() {
        return ProjectName.normalize(name);
    }
}
