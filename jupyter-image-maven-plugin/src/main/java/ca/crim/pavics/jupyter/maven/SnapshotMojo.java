package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import ca.crim.pavics.jupyter.image.PomProperty;
import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.snapshot.SnapshotMaker;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Snapshots the base image's environment into {@code base-config/base-environment.json} and pins {@code base.image}
 * by digest in {@code base-config/pom.xml}: {@code ./mvnw -pl base-config jupyter-image:snapshot}
 * ({@code -Dbase.image=REF} to snapshot another reference).
 */
@Mojo(name = "snapshot", threadSafe = true)
public class SnapshotMojo extends AbstractRegistryMojo {
    @Parameter(property = "base.image", required = true)
    private String baseImage;

    /** The environment to snapshot; default: the conda environment on the image's PATH. */
    @Parameter(property = "base.prefix")
    private String prefix;

    @Parameter(property = "image.env.baseSnapshot", defaultValue = "${project.basedir}/base-environment.json")
    private File snapshotFile;

    /** The POM whose {@code base.image} is pinned by digest. */
    @Parameter(defaultValue = "${project.basedir}/pom.xml")
    private File pom;

    /** Pin {@code base.image} in the POM by the snapshotted digest. */
    @Parameter(property = "base.pin", defaultValue = "true")
    private boolean pin;

    @Override
    public void execute() throws MojoFailureException {
        BaseSnapshot snapshot;
        try {
            snapshot = new SnapshotMaker().make(new SnapshotMaker.Request(baseImage, registrySettings(),
                    Optional.ofNullable(prefix).filter(p -> !p.isBlank()), Runtime.getRuntime().availableProcessors()));
        } catch (SnapshotException | IOException e) {
            throw new MojoFailureException(HelpfulSuggestions.forFailure(e, insecure), e);
        }
        BaseSnapshot.ImageInfo image = snapshot.image().orElseThrow();
        try {
            AtomicFiles.write(snapshotFile.toPath(), snapshot.toJson());
        } catch (IOException e) {
            throw new MojoFailureException("cannot write " + snapshotFile + ": " + e.getMessage(), e);
        }
        getLog().info(String.format("%s: %s (%s) prefix %s: %d conda records, %d pip distributions, python %s, glibc %s",
                snapshotFile, baseImage, image.digest(), snapshot.prefix(), snapshot.conda().size(), snapshot.pip().size(),
                snapshot.system().python().orElse("none"), snapshot.system().glibc().orElse("none")));
        if (pin) {
            ImageReference ref = ImageReference.parse(baseImage);
            String written = baseImage.contains("@") ? baseImage.substring(0, baseImage.indexOf('@')) : baseImage;
            String pinned = written + "@" + image.indexDigest().orElse(image.digest());
            try {
                String previous = PomProperty.set(pom.toPath(), "base.image", pinned);
                getLog().info(pom + ": base.image " + (previous.equals(pinned) ? "already " + pinned
                        : previous + " -> " + pinned));
            } catch (IOException e) {
                throw new MojoFailureException("cannot pin base.image in " + pom + ": " + e.getMessage(), e);
            }
        }
    }
}
