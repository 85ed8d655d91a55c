package ca.crim.pavics.jupyter.maven;

import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** Common part of the goals that act on an image module; modules with {@code pom} packaging are skipped. */
abstract class ImageModuleMojo extends AbstractRegistryMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Declared image content beyond packages (models, tools): one layer per entry, locked in image-files.lock. */
    @Parameter(property = "image.files", defaultValue = "${project.basedir}/image-files.yml")
    protected java.io.File imageFiles;

    /** Skip this goal. */
    @Parameter(property = "jupyter-image.skip", defaultValue = "false")
    protected boolean skip;

    protected boolean skipped() {
        if (skip) {
            getLog().info("Skipping: jupyter-image.skip is set");
            return true;
        }
        if ("pom".equals(project.getPackaging())) {
            getLog().debug("Skipping: packaging is 'pom' (not an image module)");
            return true;
        }
        return false;
    }
}
