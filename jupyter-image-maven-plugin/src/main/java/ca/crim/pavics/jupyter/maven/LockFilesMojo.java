package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import java.io.File;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Locks the module's {@code image-files.yml} alone: {@code ./mvnw -pl nlp jupyter-image:lock-files} downloads every
 * URL the lock lacks (once, into the package cache) and records its SHA-256 and size in {@code image-files.lock}.
 * {@code jupyter-image:lock} does the same after locking environment.yml.
 */
@Mojo(name = "lock-files", requiresProject = true, threadSafe = true)
public class LockFilesMojo extends ImageModuleMojo {

    /** Download and hash every URL again, even those already locked. */
    @Parameter(property = "lock.update", defaultValue = "false")
    private boolean update;

    /** Only check that the lock has every declared URL (no download); fail otherwise. */
    @Parameter(property = "lock.check", defaultValue = "false")
    private boolean check;

    @Parameter(property = "image.env.cacheDir")
    private File cacheDir;

    /** Longest silence of a download server, in seconds. */
    @Parameter(property = "lock.timeout", defaultValue = "60")
    private int timeoutSeconds;

    @Override
    public void execute() throws MojoFailureException {
        if (skipped()) {
            return;
        }
        if (!imageFiles.exists()) {
            getLog().info("No " + imageFiles.getName() + " in " + project.getArtifactId() + ": nothing to lock");
            return;
        }
        ImageFilesGoal.lock(imageFiles, project.getArtifactId(), cacheDir != null ? cacheDir.toPath()
                : PackageCache.defaultDir(System.getenv()), update, check,
                java.time.Duration.ofSeconds(Math.max(1, timeoutSeconds)), getLog());
    }
}
