package ca.crim.pavics.jupyter.conda.virtual;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The virtual packages of a linux-64 system (CEP 30): {@code __unix}, {@code __linux}, {@code __glibc},
 * {@code __archspec} and, only when a driver is given, {@code __cuda} (an image built here has no GPU driver; conda
 * too leaves {@code __cuda} out when it finds none). Values are configurable; explicit entries replace the defaults.
 */
public final class VirtualPackages {
    /** The kernel version assumed when none is given (a conservative Linux of current servers). */
    public static final String DEFAULT_LINUX = "5.10";
    /** The micro-architecture assumed when none is given. */
    public static final String DEFAULT_ARCHSPEC = "x86_64";

    private VirtualPackages() {
    }

    /**
     * @param glibc the C library version of the image (from the base snapshot)
     * @param linux the kernel version to assume
     * @param archspec the micro-architecture ({@code x86_64}, {@code haswell}, …)
     * @param cuda the CUDA driver version, if the target has one
     */
    public static List<VirtualPackage> linux64(String glibc, String linux, String archspec, Optional<String> cuda) {
        List<VirtualPackage> out = new ArrayList<>();
        out.add(new VirtualPackage("__unix", "0", "0"));
        out.add(new VirtualPackage("__linux", linux, "0"));
        out.add(new VirtualPackage("__glibc", glibc, "0"));
        out.add(new VirtualPackage("__archspec", "1", archspec));
        cuda.ifPresent(v -> out.add(new VirtualPackage("__cuda", v, "0")));
        return out;
    }

    /** {@code defaults} with each package of {@code overrides} put in place of the one of the same name (or added). */
    public static List<VirtualPackage> override(List<VirtualPackage> defaults, List<VirtualPackage> overrides) {
        Map<String, VirtualPackage> byName = new LinkedHashMap<>();
        defaults.forEach(v -> byName.put(v.name(), v));
        overrides.forEach(v -> byName.put(v.name(), v));
        return List.copyOf(byName.values());
    }
}
