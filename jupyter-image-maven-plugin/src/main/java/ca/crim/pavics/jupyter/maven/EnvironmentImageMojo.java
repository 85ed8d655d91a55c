package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.env.EnvironmentBuild;
import ca.crim.pavics.jupyter.env.EnvironmentException;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.io.File;
import java.util.List;
import java.util.Optional;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.files.ImageFileLayers;
import ca.crim.pavics.jupyter.files.ImageFilesException;
import ca.crim.pavics.jupyter.files.ImageFilesLock;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the module's environment image (the base + its locked conda/pip packages in our own layers) and points
 * Jib at it: sets {@code image.fromImage} (the digest in {@code targetRepository}, or a docker-save tar when none
 * is given) and {@code image.environment} (the label saying what was installed). With {@code image.env.skip} the
 * image is built from the base without its packages, and the label says so.
 */
@Mojo(name = "environment-image", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class EnvironmentImageMojo extends LockedModuleMojo {
    static final String NOT_INSTALLED = "NOT INSTALLED: built without the packages of environment.yml (image.env.skip)";
    static final String NOT_ADDED = "NOT ADDED: built without the content of image-files.yml (image.files.skip)";


    @Parameter(property = "base.image", required = true)
    private String baseImage;

    /** Registry repository for the environment image (HOST/NAMESPACE/NAME); none: a docker-save tar for Jib's tar://. */
    @Parameter
    private String targetRepository;

    /** Build the image from the base without the environment's packages (labelled so). */
    @Parameter(property = "image.env.skip", defaultValue = "false")
    private boolean skipEnvironment;

    /** Install packages that have pre/post-link scripts without running them. */
    @Parameter(property = "image.env.allowLinkScripts", defaultValue = "false")
    private boolean allowLinkScripts;

    @Parameter(property = "image.env.gzipLevel", defaultValue = "6")
    private int gzipLevel;

    @Parameter(property = "image.env.cacheDir")
    private File cacheDir;


    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    private File buildDirectory;

    @Parameter(property = "jib.skip", defaultValue = "false")
    private boolean jibSkip;

    @Parameter(defaultValue = "${project.build.directory}/environment-image")
    private File workDir;


    /** Build the image without the content of image-files.yml (labelled so), e.g. before it is locked. */
    @Parameter(property = "image.files.skip", defaultValue = "false")
    private boolean skipFiles;

    @Override
    public void execute() throws MojoFailureException {
        // what Jib sees when no environment image is made below
        project.getProperties().setProperty("image.fromImage", baseImage);
        project.getProperties().setProperty("image.environment", "not built");
        project.getProperties().setProperty("image.filesLabel", "not built");
        if (skipped()) {
            return;
        }
        forgetPreviousImage();
        if (jibSkip) {
            getLog().info("Skipping the environment image: jib.skip is set");
            return;
        }
        java.nio.file.Path packages = cacheDir != null ? cacheDir.toPath() : PackageCache.defaultDir(System.getenv());
        List<ExtraLayer> extra = extraLayers(packages);
        if (skipEnvironment) {
            getLog().warn("image.env.skip: the image is built from " + baseImage + " WITHOUT the packages of "
                    + environmentFile.getName() + " (label ca.crim.pavics.jupyter.environment says so)");
            project.getProperties().setProperty("image.fromImage", baseImage);
            project.getProperties().setProperty("image.environment", NOT_INSTALLED);
            if (extra.isEmpty()) {
                return;
            }
        }
        File lock = lock();
        RegistrySettings registry = registrySettings();
        EnvironmentBuild.Request request = new EnvironmentBuild.Request(lock.toPath(), environmentFile.toPath(),
                baseSnapshot.toPath(), baseImage, Optional.ofNullable(targetRepository).filter(s -> !s.isBlank()),
                workDir.toPath(), packages, registry, allowLinkScripts, gzipLevel,
                Runtime.getRuntime().availableProcessors(), categories(), !skipEnvironment, extra);
        try {
            EnvironmentBuild.Result result = new EnvironmentBuild().build(request);
            project.getProperties().setProperty("image.fromImage", result.fromImage());
            if (!skipEnvironment) {
                project.getProperties().setProperty("image.environment", "installed from " + lock.getName()
                        + " (environment key " + result.key().substring(0, 16) + ")");
            }
            getLog().info("Environment image: " + result.fromImage() + (result.reused() ? " (unchanged, reused)" : " — " + result.summary()));
        } catch (EnvironmentException e) {
            throw new MojoFailureException(HelpfulSuggestions.forFailure(e, insecure, project.getArtifactId()), e);
        }
    }

    /**
     * The layers of image-files.yml (none without the file, or with image.files.skip); sets the label property
     * {@code image.filesLabel}.
     */
    private List<ExtraLayer> extraLayers(java.nio.file.Path packages) throws MojoFailureException {
        Optional<ImageFiles> files = ImageFilesGoal.parse(imageFiles);
        if (files.isEmpty()) {
            project.getProperties().setProperty("image.filesLabel", "none");
            return List.of();
        }
        if (skipFiles) {
            getLog().warn("image.files.skip: the image is built WITHOUT the " + files.get().entries().size() + " entries of "
                    + imageFiles.getName() + " (label ca.crim.pavics.jupyter.files says so)");
            project.getProperties().setProperty("image.filesLabel", NOT_ADDED);
            return List.of();
        }
        try {
            java.nio.file.Path lockFile = ImageFilesGoal.lockOf(imageFiles);
            List<ExtraLayer> layers = ImageFileLayers.of(files.get(), ImageFilesLock.read(lockFile), lockFile,
                    project.getBasedir().toPath(), new PackageCache(packages, lockFile.getParent(), 4),
                    ImageFileLayers.defaultLayerCache(packages), gzipLevel);
            project.getProperties().setProperty("image.filesLabel", layers.size() + " entries of " + imageFiles.getName()
                    + " (layers key " + ca.crim.pavics.jupyter.registry.Digests.sha256Hex(layers.stream().map(ExtraLayer::key)
                    .collect(java.util.stream.Collectors.joining(",")).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .substring(0, 16) + ")");
            return layers;
        } catch (ImageFilesException e) {
            throw new MojoFailureException(e.fixedByLocking() ? e.getMessage() + ": " + ImageFilesGoal.lockCommand(
                    project.getArtifactId()) + " (or -Dimage.files.skip=true builds the image WITHOUT them, labelled so)"
                    : e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoFailureException(imageFiles + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes what Jib wrote for the previous build ({@code jib-image.digest}, {@code .id}, {@code .json}, the
     * tarball): if this build fails, nothing there still names the old image as if it were this one.
     */
    private void forgetPreviousImage() throws MojoFailureException {
        for (String name : new String[] {"jib-image.digest", "jib-image.id", "jib-image.json", "jib-image.tar"}) {
            try {
                Files.deleteIfExists(buildDirectory.toPath().resolve(name));
            } catch (IOException e) {
                throw new MojoFailureException("cannot remove the previous build's " + buildDirectory.toPath().resolve(name)
                        + ": " + e.getMessage());
            }
        }
    }
}
