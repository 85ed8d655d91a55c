package ca.crim.pavics.jupyter.release.extension;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import ca.crim.pavics.jupyter.release.GitRepository;
import ca.crim.pavics.jupyter.release.ReleasePreparation;
import ca.crim.pavics.jupyter.release.ReleaseRefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.inject.Named;
import javax.inject.Singleton;
import org.apache.maven.project.MavenProject;
import org.apache.maven.shared.release.ReleaseExecutionException;
import org.apache.maven.shared.release.ReleaseResult;
import org.apache.maven.shared.release.config.ReleaseDescriptor;
import org.apache.maven.shared.release.env.ReleaseEnvironment;
import org.apache.maven.shared.release.phase.AbstractReleasePhase;

/**
 * Rollback step: each released module's CHANGELOG.md gets the content it had in the parent of the release
 * tag's commit (before the release), and is staged so the plugin's rollback commit takes it along. Runs
 * before the tag is removed.
 */
@Named(RestoreChangelogPhase.NAME)
@Singleton
public class RestoreChangelogPhase extends AbstractReleasePhase {
    public static final String NAME = "restore-changelog";

    @Override
    public ReleaseResult execute(ReleaseDescriptor descriptor, ReleaseEnvironment environment,
            List<MavenProject> reactorProjects) throws ReleaseExecutionException {
        return restore(descriptor, reactorProjects, false);
    }

    @Override
    public ReleaseResult simulate(ReleaseDescriptor descriptor, ReleaseEnvironment environment,
            List<MavenProject> reactorProjects) throws ReleaseExecutionException {
        return restore(descriptor, reactorProjects, true);
    }

    private ReleaseResult restore(ReleaseDescriptor descriptor, List<MavenProject> reactorProjects, boolean simulate)
            throws ReleaseExecutionException {
        ReleaseResult result = new ReleaseResult();
        String tag = descriptor.getScmReleaseLabel();
        for (MavenProject project : reactorProjects) {
            Path changelog = project.getBasedir().toPath().resolve(ReleasePreparation.CHANGELOG);
            if (tag == null || !Files.exists(changelog)) {
                continue;
            }
            try (GitRepository git = GitRepository.containing(project.getBasedir().toPath())) {
                Optional<byte[]> before = git.contentBeforeTag(tag, changelog);
                if (before.isEmpty()) {
                    logInfo(result, "No tag " + tag + " here: " + git.relative(changelog) + " left as it is");
                    continue;
                }
                if (simulate) {
                    logInfo(result, "Would restore " + git.relative(changelog) + " as before " + tag);
                    continue;
                }
                AtomicFiles.writeString(changelog, new String(before.get(), StandardCharsets.UTF_8));
                git.stage(changelog);
                logInfo(result, "Restored " + git.relative(changelog) + " as before " + tag);
            } catch (IOException | ReleaseRefusedException e) {
                throw new ReleaseExecutionException("Cannot restore " + changelog + ": " + e.getMessage(), e);
            }
        }
        result.setResultCode(ReleaseResult.SUCCESS);
        return result;
    }
}
