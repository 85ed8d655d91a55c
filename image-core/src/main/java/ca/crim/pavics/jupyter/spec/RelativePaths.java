package ca.crim.pavics.jupyter.spec;

import java.util.regex.Pattern;

/** Rules for the folder paths of a notebook config: relative, inside the tree, in a normal form. */
public final class RelativePaths {
    private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private RelativePaths() {
    }

    /**
     * Returns the path with trailing and doubled slashes and {@code .} segments removed, or throws
     * {@link IllegalArgumentException} with the reason when it is absolute or leaves the tree.
     */
    public static String normalize(String path) {
        if (path.startsWith("/") || path.startsWith("\\") || path.startsWith("~")
                || WINDOWS_DRIVE.matcher(path).matches()) {
            throw new IllegalArgumentException("must be a relative path, found '" + path + "'");
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("must not contain backslashes or NUL characters: '" + path + "'");
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new IllegalArgumentException("must not contain '..': '" + path + "'");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        return out.toString();
    }

    /** True when one folder is the other or contains it ("" contains everything). */
    public static boolean overlap(String a, String b) {
        return a.equals(b) || a.isEmpty() || b.isEmpty() || a.startsWith(b + "/") || b.startsWith(a + "/");
    }
}
