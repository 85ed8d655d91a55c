package ca.crim.pavics.jupyter.config.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** The newest released version of a module: its newest {@code <module>-x.y.z} git tag. */
public final class ReleasedVersions {
    private ReleasedVersions() {
    }

    public static Optional<String> newest(Path repositoryRoot, String module) throws IOException {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(repositoryRoot.toFile());
        if (builder.getGitDir() == null) {
            throw new IOException(repositoryRoot + " is not inside a git repository (needed for --released)");
        }
        Pattern tag = Pattern.compile("^refs/tags/" + Pattern.quote(module) + "-(\\d+\\.\\d+\\.\\d+)$");
        try (Repository repo = builder.build()) {
            Optional<String> best = Optional.empty();
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/tags/")) {
                Matcher m = tag.matcher(ref.getName());
                if (m.matches() && (best.isEmpty() || Versions.compare(m.group(1), best.get()) > 0)) {
                    best = Optional.of(m.group(1));
                }
            }
            return best;
        }
    }
}
