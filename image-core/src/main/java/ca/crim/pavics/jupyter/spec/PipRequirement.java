package ca.crim.pavics.jupyter.spec;

/**
 * A pip requirement of {@code environment.yml}, e.g. {@code xarray==2022.11.0} or a direct reference
 * {@code weaver@git+https://github.com/crim-ca/weaver.git@4.30.0}.
 *
 * @param name project name as written
 * @param constraint extras, version specifiers and markers as written, or ""
 * @param url the URL of a direct reference, or ""
 * @param line line in the file (1-based)
 */
public record PipRequirement(String name, String constraint, String url, String raw, int line) {
    /** PEP 503 normalized name: lower case, runs of {@code -_.} as one {@code -}. */
    public String normalizedName() {
        return normalize(name);
    }

    public boolean isDirectReference() {
        return !url.isEmpty();
    }

    public static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
    }
}
