package ca.crim.pavics.jupyter.env.lock;

import java.util.Optional;

/** A locked Python wheel. {@code url} may be relative to the lock file for a local wheel. */
public record WheelPackage(String name, String version, String url, Optional<String> sha256) implements LockedPackage {
    /** PEP 503 normalized name. */
    public String normalizedName() {
        return ca.crim.pavics.jupyter.spec.PipRequirement.normalize(name);
    }
}
