package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The wheel tags a CPython interpreter on glibc Linux accepts, best first, as PEP 425 and the manylinux specs
 * (PEP 600, with PEP 513/571/599's legacy names) define them, in the order pip's tag list gives them:
 * {@code cp3X-cp3X-P}, {@code cp3X-abi3-P}, {@code cp3X-none-P}, the older {@code cp3Y-abi3-P}, then {@code py3X-none-P},
 * {@code py3-none-P}, the older {@code py3Y-none-P}, then {@code cp3X-none-any}, {@code py3X-none-any}, {@code py3-none-any}
 * and the older {@code py3Y-none-any}; P runs over {@code manylinux_2_G_ARCH} for G from the glibc's minor down to 5
 * (17, 12 and 5 followed by {@code manylinux2014}, {@code manylinux2010}, {@code manylinux1} on x86_64/i686), then
 * {@code linux_ARCH}.
 */
public final class WheelTags {
    private final Map<String, Integer> rank = new HashMap<>();
    private final List<String> ordered = new ArrayList<>();

    /**
     * @param pythonMinor the interpreter's minor version of Python 3 (12 for 3.12)
     * @param glibcMajor glibc's major version (2)
     * @param glibcMinor glibc's minor version (28 for 2.28)
     * @param arch the machine, e.g. {@code x86_64} or {@code aarch64}
     */
    public WheelTags(int pythonMinor, int glibcMajor, int glibcMinor, String arch) {
        List<String> platforms = new ArrayList<>();
        if (glibcMajor == 2) {
            for (int g = glibcMinor; g >= 5; g--) {
                if (g < 17 && !(arch.equals("x86_64") || arch.equals("i686"))) {
                    break; // manylinux for other machines starts at 2_17
                }
                platforms.add("manylinux_2_" + g + "_" + arch);
                String legacy = switch (g) {
                    case 17 -> "manylinux2014";
                    case 12 -> "manylinux2010";
                    case 5 -> "manylinux1";
                    default -> null;
                };
                if (legacy != null && (g == 17 || arch.equals("x86_64") || arch.equals("i686"))) {
                    platforms.add(legacy + "_" + arch);
                }
            }
        }
        platforms.add("linux_" + arch);
        String cp = "cp3" + pythonMinor;
        for (String p : platforms) {
            add(cp + "-" + cp + "-" + p);
        }
        for (String p : platforms) {
            add(cp + "-abi3-" + p);
        }
        for (String p : platforms) {
            add(cp + "-none-" + p);
        }
        for (int m = pythonMinor - 1; m >= 2; m--) {
            for (String p : platforms) {
                add("cp3" + m + "-abi3-" + p);
            }
        }
        for (String p : platforms) {
            add("py3" + pythonMinor + "-none-" + p);
        }
        for (String p : platforms) {
            add("py3-none-" + p);
        }
        for (int m = pythonMinor - 1; m >= 0; m--) {
            for (String p : platforms) {
                add("py3" + m + "-none-" + p);
            }
        }
        add(cp + "-none-any");
        add("py3" + pythonMinor + "-none-any");
        add("py3-none-any");
        for (int m = pythonMinor - 1; m >= 0; m--) {
            add("py3" + m + "-none-any");
        }
    }

    private void add(String tag) {
        if (rank.putIfAbsent(tag, ordered.size()) == null) {
            ordered.add(tag);
        }
    }

    /** The rank (0 best) of the best tag of {@code wheel} this interpreter accepts, or empty when it accepts none. */
    public OptionalInt best(WheelFilename wheel) {
        int best = Integer.MAX_VALUE;
        for (String t : wheel.tags()) {
            Integer r = rank.get(t);
            if (r != null && r < best) {
                best = r;
            }
        }
        return best == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** Every accepted tag, best first. */
    public List<String> all() {
        return List.copyOf(ordered);
    }
}
