package ca.crim.pavics.jupyter.pypi;

import java.util.Locale;
import java.util.regex.Pattern;

/** Project names of PEP 508 and their PEP 503 normalized form. */
public final class ProjectName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    private ProjectName() {
    }

    /** PEP 503: lower case, each run of {@code -}, {@code _} and {@code .} as one {@code -}. */
    public static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** Whether {@code name} is a valid project name (PEP 508's identifier). */
    public static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }
}
