package ca.crim.pavics.jupyter.spec;

/**
 * A conda match spec of {@code environment.yml}, e.g. {@code pillow>=7.1} or {@code conda-forge::gdal 3.8.*}.
 *
 * @param channel channel given with {@code channel::name}, or ""
 * @param name package name, lower case
 * @param constraint version and build part as written (trimmed), or ""
 * @param line line in the file (1-based)
 */
public record CondaSpec(String channel, String name, String constraint, String raw, int line) {
}
