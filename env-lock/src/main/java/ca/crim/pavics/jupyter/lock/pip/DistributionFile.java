package ca.crim.pavics.jupyter.lock.pip;

import java.util.Optional;

/**
 * One file of a project page of a simple repository (PEP 503/691).
 *
 * @param filename the file name
 * @param url absolute URL, fragment removed
 * @param sha256 the file's SHA-256 (hex) when the index gives it
 * @param requiresPython {@code requires-python} / {@code data-requires-python}, empty when absent
 * @param yanked PEP 592 yanked
 * @param metadata whether the index serves the file's core metadata at {@code url + ".metadata"} (PEP 658/714)
 * @param metadataSha256 that metadata file's SHA-256 when given
 */
public record DistributionFile(String filename, String url, Optional<String> sha256, String requiresPython, boolean yanked,
        boolean metadata, Optional<String> metadataSha256) {
    public boolean isWheel() {
        return filename.endsWith(".whl");
    }
}
