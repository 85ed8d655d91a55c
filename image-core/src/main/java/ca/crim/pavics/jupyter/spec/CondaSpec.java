package ca.crim.pavics.jupyter.spec;

import ca.crim.pavics.jupyter.conda.spec.MatchSpec;

/**
 * A conda match spec of {@code environment.yml}, e.g. {@code pillow>=7.1} or {@code conda-forge::gdal 3.8.*}.
 *
 * @param name package name, lower case (the spec's exact name)
 * @param spec the parsed match spec (conda's rules, {@code conda-core})
 * @param raw the spec as written (trimmed)
 * @param line line in the file (1-based)
 */
public record CondaSpec(String name, MatchSpec spec, String raw, int line) {
}
