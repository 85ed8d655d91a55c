package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.env.lock.LockFiles;
import java.io.File;
import java.util.Set;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** The files of an image module's environment that the goals reading its lock share. */
abstract class LockedModuleMojo extends ImageModuleMojo {
    @Parameter(defaultValue = "${project.basedir}/environment.yml")
    protected File environmentFile;

    /** The lock; default: the first of conda-lock.yml, pixi.lock, environment.lock.txt beside the pom. */
    @Parameter(property = "image.env.lock")
    protected File lockFile;

    /** Snapshot of the base image's environment (written by the snapshot goal into base-config). */
    @Parameter(property = "image.env.baseSnapshot", defaultValue = "${project.parent.basedir}/base-environment.json")
    protected File baseSnapshot;

    /** conda-lock categories to install, comma-separated ({@code conda-lock install} installs main only). */
    @Parameter(property = "image.env.lockCategories", defaultValue = "main")
    protected String lockCategories;

    /** The lock given, else the first one found beside the pom, else where {@code conda-lock.yml} would be. */
    protected File lock() {
        return lockFile != null ? lockFile
                : LockFiles.find(project.getBasedir().toPath()).map(java.nio.file.Path::toFile)
                        .orElse(new File(project.getBasedir(), LockFiles.NAMES.get(0)));
    }

    protected Set<String> categories() throws MojoFailureException {
        return LockCategories.parse(lockCategories);
    }
}
