package ca.crim.pavics.jupyter.env.pkg;

import java.util.Optional;

/**
 * One file of a package as its {@code info/paths.json} describes it (or {@code info/files} +
 * {@code info/has_prefix} for old packages).
 *
 * @param type "hardlink" (a regular file), "softlink" or "directory"
 * @param prefixPlaceholder the build prefix written in the file, to replace at install
 * @param fileMode "text" or "binary" when there is a placeholder
 */
public record PathEntry(String path, String type, Optional<String> sha256, Optional<Long> size,
        Optional<String> prefixPlaceholder, Optional<String> fileMode, boolean noLink) {
}
