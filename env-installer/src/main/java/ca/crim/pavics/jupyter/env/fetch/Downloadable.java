package ca.crim.pavics.jupyter.env.fetch;

import java.util.Optional;

/** A file the {@link PackageCache} can fetch: where it is, and the hash it must have. */
public interface Downloadable {
    /** http, https or file URL, or a path relative to the lock's folder; a {@code #fragment} is ignored. */
    String url();

    /** Lower-case hex SHA-256 of the file, when known. */
    Optional<String> sha256();

    /** Hex MD5 of the file, when known (conda's repodata gives one); used only without a SHA-256. */
    default Optional<String> md5() {
        return Optional.empty();
    }

    /** A URL whose content must have {@code sha256} (lower-case hex). */
    static Downloadable of(String url, String sha256) {
        record Known(String url, Optional<String> sha256) implements Downloadable {
        }
        return new Known(url, Optional.of(sha256));
    }
}
