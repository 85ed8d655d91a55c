package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.image.ImageRootWriter;
import ca.crim.pavics.jupyter.image.SourceRevision;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Lays out the files that go to the image root ({@code /environment.yml}, its lock, {@code /notebook_config.yml}) in
 * {@code target/image-root} for Jib, and sets the properties its labels use: {@code image.revision} (git
 * commit of the working tree) and {@code image.notebookConfig} (content of notebook_config.yml).
 */
@Mojo(name = "prepare-image", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class PrepareImageMojo extends ImageModuleMojo {
    @Parameter(defaultValue = "${project.basedir}/environment.yml")
    private File environmentFile;

    @Parameter(defaultValue = "${project.basedir}/notebook_config.yml")
    private File notebookConfig;

    @Parameter(defaultValue = "${project.build.directory}/image-root")
    private File imageRoot;

    @Override
    public void execute() throws MojoExecutionException {
        if (skipped()) {
            return;
        }
        try {
            List<java.nio.file.Path> files = new java.util.ArrayList<>(List.of(environmentFile.toPath(), notebookConfig.toPath()));
            // the lock the environment was installed from goes beside /environment.yml
            ca.crim.pavics.jupyter.env.lock.LockFiles.find(project.getBasedir().toPath()).ifPresent(files::add);
            new ImageRootWriter(imageRoot.toPath()).write(files);
            String revision = SourceRevision.of(project.getBasedir().toPath()).orElse("unknown");
            project.getProperties().setProperty("image.revision", revision);
            project.getProperties().setProperty("image.notebookConfig",
                    Files.readString(notebookConfig.toPath(), StandardCharsets.UTF_8));
            getLog().info("Image files in " + imageRoot + ", revision " + revision);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot prepare " + imageRoot + ": " + e.getMessage(), e);
        }
    }
}
