package ca.crim.pavics.jupyter.env.lock;

import java.util.Optional;

/** A package pinned by a lock file: a conda package or a Python wheel, with where to get it and its hash. */
public sealed interface LockedPackage extends ca.crim.pavics.jupyter.env.fetch.Downloadable permits CondaPackage, WheelPackage {
    String name();

    String version();

    String url();

    /** Lower-case hex SHA-256 of the file, when the lock records one. */
    Optional<String> sha256();
}
