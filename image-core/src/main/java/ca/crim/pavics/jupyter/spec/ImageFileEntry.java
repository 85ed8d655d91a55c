package ca.crim.pavics.jupyter.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of {@code image-files.yml}: content added to the image as a layer of its own.
 *
 * @param kind what the entry adds
 * @param line 1-based line of the entry in its file (for messages)
 * @param url {@code download}, {@code archive}: where the content comes from (http, https or file URL); else ""
 * @param source {@code file}: the file, relative to the module folder; else ""
 * @param path absolute, normalised path in the image ({@code /heideltime/x.jar}); for {@code archive} the folder
 *     the members are extracted under
 * @param mode octal permission bits when declared ({@code download}, {@code file}: of the file; {@code archive}: of every
 *     regular file, folders keeping theirs; {@code directory}: of the folder)
 * @param uid owner of everything the entry writes (0 unless declared)
 * @param gid group of everything the entry writes
 * @param gunzip {@code download}: the URL's content is gzip-compressed and stored decompressed
 * @param stripComponents {@code archive}: leading path components removed from each member's name (tar's
 *     {@code --strip-components})
 * @param include {@code archive}: the members (names after stripping) to extract, each required; empty: all
 * @param rename {@code archive}: member name (after stripping) → name under {@code path}
 */
public record ImageFileEntry(Kind kind, int line, String url, String source, String path, Optional<Integer> mode,
        int uid, int gid, boolean gunzip, int stripComponents, List<String> include, Map<String, String> rename) {
    public enum Kind {
        DOWNLOAD, ARCHIVE, FILE, DIRECTORY;

        /** The name written in image-files.yml. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ImageFileEntry {
        include = List.copyOf(include);
        rename = Map.copyOf(rename);
    }

    /** The path without its leading slash, as layer entries name it. */
    public String layerPath() {
        return path.substring(1);
    }

    /** A short description for logs and image history: {@code archive https://... -> /heideltime}. */
    public String describe() {
        String from = switch (kind) {
            case DOWNLOAD, ARCHIVE -> url;
            case FILE -> source;
            case DIRECTORY -> "";
        };
        return kind.key() + (from.isEmpty() ? " " : " " + from + " -> ") + path;
    }
}
