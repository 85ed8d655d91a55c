package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.release.ReleasePreparation;
import ca.crim.pavics.jupyter.release.ReleaseRefusedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs inside the build that {@code release:prepare} forks, after it rewrote the module's version and before
 * it commits: refuses the release when the repository is not clean, the tag exists or the CHANGELOG has
 * nothing to release — putting the module's pom.xml back and removing release.properties, so a refusal leaves
 * the clone as it was — else moves the CHANGELOG's unreleased entries under the release and stages it for the
 * release commit. With a SNAPSHOT version (a {@code -DdryRun} fork) it checks and reports, changing nothing.
 */
@Mojo(name = "prepare-release", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class PrepareReleaseMojo extends ImageModuleMojo {
    private static final String SNAPSHOT = "-SNAPSHOT";

    /** The tag the release plugin creates (its default tagNameFormat). */
    @Parameter(defaultValue = "${project.artifactId}-${project.version}")
    private String tag;

    /** Where the release is pushed; empty: do not ask the remote for existing tags. */
    @Parameter(defaultValue = "${project.scm.developerConnection}")
    private String developerConnection;

    /** Release date written into the CHANGELOG; default today. */
    @Parameter(property = "jupyter-image.releaseDate")
    private String releaseDate;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped()) {
            return;
        }
        String version = project.getVersion();
        boolean dryRun = version.endsWith(SNAPSHOT);
        String releaseVersion = dryRun ? version.substring(0, version.length() - SNAPSHOT.length()) : version;
        String releaseTag = dryRun ? project.getArtifactId() + "-" + releaseVersion : tag;
        Optional<String> remote = Optional.ofNullable(developerConnection).filter(s -> !s.isBlank())
                .map(s -> s.startsWith("scm:git:") ? s.substring("scm:git:".length()) : s);
        LocalDate date;
        try {
            date = releaseDate == null || releaseDate.isBlank() ? LocalDate.now() : LocalDate.parse(releaseDate);
        } catch (java.time.format.DateTimeParseException e) {
            throw new MojoFailureException("-Djupyter-image.releaseDate must be a date YYYY-MM-DD, found '" + releaseDate + "'");
        }
        Path moduleDir = project.getBasedir().toPath();
        try {
            ReleasePreparation.Outcome outcome = new ReleasePreparation().prepare(
                    new ReleasePreparation.Request(moduleDir, releaseTag, releaseVersion, remote, date, dryRun));
            if (outcome.written()) {
                getLog().info("CHANGELOG.md: " + outcome.entries() + " entries moved under " + outcome.sectionTitle()
                        + " (staged for the release commit)");
            } else {
                getLog().info("Dry run: CHANGELOG.md would get " + outcome.entries() + " entries under "
                        + outcome.sectionTitle() + "; nothing changed");
            }
        } catch (ReleaseRefusedException e) {
            if (!dryRun) {
                undoPrepare(moduleDir);
            }
            throw new MojoFailureException("Release of " + project.getArtifactId() + " " + releaseVersion
                    + " refused: " + e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("Release preparation of " + project.getArtifactId() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Puts back what release:prepare changed before its fork, so a refused release leaves no trace. */
    private void undoPrepare(Path moduleDir) {
        try {
            Path backup = moduleDir.resolve("pom.xml.releaseBackup");
            if (Files.exists(backup)) {
                Files.move(backup, moduleDir.resolve("pom.xml"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(moduleDir.resolve("release.properties"));
        } catch (IOException e) {
            getLog().warn("Could not undo the release preparation (run release:rollback or release:clean): "
                    + e.getMessage());
        }
    }

}
