package ca.crim.pavics.jupyter.env.lock;

import java.util.List;
import java.util.Optional;

/**
 * The packages a lock pins for one platform, normalized from any supported format.
 *
 * @param format "pixi.lock v6", "conda-lock v1" or "@EXPLICIT"
 */
public record LockFile(String format, String platform, List<LockedPackage> packages, Optional<String> inputHash) {
    public LockFile {
        packages = List.copyOf(packages);
    }

    public List<CondaPackage> conda() {
        return packages.stream().filter(CondaPackage.class::isInstance).map(CondaPackage.class::cast).toList();
    }

    public List<WheelPackage> wheels() {
        return packages.stream().filter(WheelPackage.class::isInstance).map(WheelPackage.class::cast).toList();
    }
}
