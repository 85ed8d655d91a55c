package ca.crim.pavics.jupyter.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** The git commit a folder's working tree is at, for the {@code org.opencontainers.image.revision} label. */
public final class SourceRevision {
    private SourceRevision() {
    }

    public static Optional<String> of(Path folder) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(folder.toFile());
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        try (Repository repo = builder.build()) {
            ObjectId head = repo.resolve("HEAD");
            return head == null ? Optional.empty() : Optional.of(head.name());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
