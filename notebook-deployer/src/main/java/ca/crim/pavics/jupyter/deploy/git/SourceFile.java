package ca.crim.pavics.jupyter.deploy.git;

import org.eclipse.jgit.lib.ObjectId;

/**
 * A file of the source folder at the deployed commit.
 *
 * @param path relative path inside the source folder, '/'-separated
 * @param kind regular file, executable file or symbolic link
 * @param blob the git object holding the content (the link target for a symbolic link)
 */
public record SourceFile(String path, Kind kind, ObjectId blob) {
    public enum Kind {
        FILE, EXECUTABLE, SYMLINK
    }
}
