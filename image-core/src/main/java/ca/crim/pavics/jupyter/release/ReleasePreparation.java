package ca.crim.pavics.jupyter.release;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;

/**
 * The part of releasing one image module that maven-release-plugin does not do: refuse when the whole
 * repository is not clean, when the tag exists (locally or on the remote) or when the CHANGELOG has nothing
 * to release; otherwise move the CHANGELOG's unreleased entries under the new version and stage the file.
 */
public final class ReleasePreparation {
    /** What to release. {@code remoteUrl} empty: the remote is not asked. */
    public record Request(Path moduleDir, String tag, String version, Optional<String> remoteUrl, LocalDate date,
            boolean dryRun) {
    }

    public record Outcome(Path changelog, int entries, String sectionTitle, boolean written) {
    }

    public static final String CHANGELOG = "CHANGELOG.md";

    public Outcome prepare(Request request) throws ReleaseRefusedException, IOException {
        Path changelog = request.moduleDir().resolve(CHANGELOG);
        try (GitRepository git = GitRepository.containing(request.moduleDir())) {
            // the release plugin has already rewritten the module's pom.xml when its forked build runs
            Set<String> unclean = git.uncleanPaths(Set.of(git.relative(request.moduleDir().resolve("pom.xml"))));
            if (!unclean.isEmpty()) {
                throw new ReleaseRefusedException("the working tree of the repository is not clean ("
                        + GitRepository.summarize(unclean, 5) + "): commit or stash first");
            }
            if (git.hasLocalTag(request.tag())) {
                throw new ReleaseRefusedException("tag " + request.tag() + " already exists in this clone");
            }
            if (request.remoteUrl().isPresent() && git.remoteHasTag(request.remoteUrl().get(), request.tag())) {
                throw new ReleaseRefusedException("tag " + request.tag() + " already exists on " + request.remoteUrl().get());
            }
            String text;
            try {
                text = Files.readString(changelog, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ReleaseRefusedException(git.relative(changelog) + " is missing");
            }
            ChangelogRelease.Result result;
            try {
                result = new ChangelogRelease().release(text, request.version(), request.date());
            } catch (ReleaseRefusedException e) {
                throw new ReleaseRefusedException(git.relative(changelog) + ": " + e.getMessage());
            }
            String title = request.version() + " (" + request.date() + ")";
            if (request.dryRun()) {
                return new Outcome(changelog, result.entries(), title, false);
            }
            AtomicFiles.writeString(changelog, result.text());
            git.stage(changelog);
            return new Outcome(changelog, result.entries(), title, true);
        }
    }
}
