package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.EnvironmentFileParser;
import ca.crim.pavics.jupyter.spec.NotebookConfig;
import ca.crim.pavics.jupyter.spec.NotebookConfigParser;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.File;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Parses {@code environment.yml} and {@code notebook_config.yml} into typed models and fails the build with
 * one line {@code FILE:LINE:COL: message} on the first mistake.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends ImageModuleMojo {
    @Parameter(property = "jupyter-image.environmentFile", defaultValue = "${project.basedir}/environment.yml")
    private File environmentFile;

    @Parameter(property = "jupyter-image.notebookConfig", defaultValue = "${project.basedir}/notebook_config.yml")
    private File notebookConfig;

    /** The conda environment of the base image that environment.yml updates. */
    @Parameter(property = "jupyter-image.environmentName", defaultValue = "birdy")
    private String environmentName;


    @Override
    public void execute() throws MojoFailureException {
        if (skipped()) {
            return;
        }
        ImageFilesGoal.parse(imageFiles).ifPresent(f -> getLog().info(imageFiles.getName() + ": " + f.entries().size()
                + " entries"));
        try {
            EnvironmentFile env = new EnvironmentFileParser(environmentName).parse(environmentFile.toPath());
            NotebookConfig notebooks = new NotebookConfigParser().parse(notebookConfig.toPath());
            getLog().info(String.format("%s: %d conda and %d pip requirements; %s: %d notebook folders",
                    environmentFile.getName(), env.conda().size(), env.pip().size(), notebookConfig.getName(),
                    notebooks.entries().size()));
        } catch (SpecException e) {
            throw new MojoFailureException(e.getMessage());
        }
    }
}
