package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.pypi.Pep440Version;
import java.util.Optional;

/**
 * One distribution of pip's part of a resolution.
 *
 * @param name PEP 503 normalized name
 * @param version the version
 * @param file the wheel to install; empty when what is installed already is kept
 * @param installed what was installed before under this name, if anything (a replaced base distribution)
 */
public record PipPin(String name, Pep440Version version, Optional<DistributionFile> file, Optional<InstalledDistribution> installed) {
    /** Whether this pin installs a wheel (as opposed to keeping what is there). */
    public boolean installs() {
        return file.isPresent();
    }
}
