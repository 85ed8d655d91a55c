package ca.crim.pavics.jupyter.lock.pip;

/**
 * A Python distribution already in the environment before pip's part is resolved.
 *
 * @param name PEP 503 normalized name
 * @param version its version as installed (a conda version may not be PEP 440's)
 * @param origin what put it there, for messages, e.g. {@code conda package pytorch 2.4.0 of the solution}
 * @param replaceable whether pip may replace it (a base image's pip distribution); conda packages are not
 */
public record InstalledDistribution(String name, String version, String origin, boolean replaceable) {
}
