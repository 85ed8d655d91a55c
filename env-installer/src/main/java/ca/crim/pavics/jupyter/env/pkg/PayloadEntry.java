package ca.crim.pavics.jupyter.env.pkg;

/**
 * One entry of a package's payload (everything outside {@code info/}), as stored in its tar.
 *
 * @param linkTarget target of a symbolic or hard link, else ""
 */
public record PayloadEntry(String path, Kind kind, int mode, long size, String linkTarget) {
    public enum Kind {
        FILE, DIRECTORY, SYMLINK, HARDLINK
    }
}
