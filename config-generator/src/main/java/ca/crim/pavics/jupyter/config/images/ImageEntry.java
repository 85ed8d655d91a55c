package ca.crim.pavics.jupyter.config.images;

import ca.crim.pavics.jupyter.registry.ImageReference;
import java.util.regex.Pattern;

/**
 * An image a server should offer: its reference and the name users pick on the JupyterHub spawn page.
 *
 * @param selectionName {@code name} or {@code name:version}; the notebook folder is the part before ':'
 * @param reference image reference as written in env.local, e.g. {@code pavics/crim-jupyter-eo:0.5.0}
 */
public record ImageEntry(String selectionName, String reference) {
    private static final Pattern SELECTION_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$");

    public ImageEntry {
        validateSelectionName(selectionName);
        repositoryKey(reference);
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a valid selection name. */
    public static void validateSelectionName(String name) {
        if (!SELECTION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid selection name '" + name
                    + "' (letters, digits, '.', '_', '-', optionally ':version')");
        }
    }

    /** Registry and repository without tag or digest: the identity of an image across versions. */
    public static String repositoryKey(String reference) {
        ImageReference ref = ImageReference.parse(reference);
        return ref.registry() + "/" + ref.repository();
    }

    public String repositoryKey() {
        return repositoryKey(reference);
    }

    /** The version part: the tag of the reference ("" for a digest-only reference). */
    public String tag() {
        return ImageReference.parse(reference).tag();
    }

    /** Selection name without its ':version' part: the tutorial-notebooks folder and job name. */
    public String folderName() {
        return folderName(selectionName);
    }

    public static String folderName(String selectionName) {
        int colon = selectionName.indexOf(':');
        return colon < 0 ? selectionName : selectionName.substring(0, colon);
    }
}
