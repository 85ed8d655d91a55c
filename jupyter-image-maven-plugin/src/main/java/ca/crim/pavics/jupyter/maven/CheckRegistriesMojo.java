package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryProbe;
import java.time.Duration;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Fails within seconds, with a message that says what to do, when the base image's registry (or the target
 * registry) cannot be reached — instead of letting Jib retry for minutes and end in a stack trace.
 */
@Mojo(name = "check-registries", defaultPhase = LifecyclePhase.INSTALL, threadSafe = true)
public class CheckRegistriesMojo extends ImageModuleMojo {
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** The base image ({@code base.image}); {@code tar://} and {@code docker://} bases are not checked. */
    @Parameter(required = true)
    private String baseImage;

    /** The image pushed to a registry, when the build pushes one. */
    @Parameter
    private String targetImage;


    /** Jib is skipped: nothing to check. */
    @Parameter(property = "jib.skip", defaultValue = "false")
    private boolean jibSkip;

    @Parameter(property = "jupyter-image.probeTimeoutSeconds", defaultValue = "5")
    private int timeoutSeconds;

    @Override
    public void execute() throws MojoFailureException {
        if (skipped() || jibSkip) {
            return;
        }
        boolean baseInRegistry = !baseImage.contains("://");
        if (session.isOffline() && (baseInRegistry || targetImage != null)) {
            throw new MojoFailureException("Maven is offline (-o) but base image " + baseImage
                    + " must be read from a registry: drop -o, or build from a local tarball with"
                    + " -Dbase.image=tar:///absolute/path/image.tar");
        }
        RegistryProbe probe = new RegistryProbe(Duration.ofSeconds(timeoutSeconds));
        if (baseInRegistry) {
            ImageReference base = parse(baseImage, "base image (-Dbase.image)");
            Optional<String> reason = probe.unreachableReason(base, insecure, proxy());
            if (reason.isPresent()) {
                throw new MojoFailureException("Cannot reach the registry of base image " + baseImage + ": "
                        + reason.get() + ". Build from a reachable copy with -Dbase.image=HOST[:PORT]/NAME:TAG"
                        + " (plain-HTTP registry: add -Djib.allowInsecureRegistries=true) or"
                        + " -Dbase.image=tar:///absolute/path/image.tar");
            }
        }
        if (targetImage != null && !targetImage.isBlank()) {
            ImageReference target = parse(targetImage, "target image");
            Optional<String> reason = probe.unreachableReason(target, insecure, proxy());
            if (reason.isPresent()) {
                throw new MojoFailureException("Cannot reach registry " + target.registry() + " to push "
                        + targetImage + " (base image " + baseImage + "): " + reason.get()
                        + ". Choose another registry with -Dimage.registry=HOST[:PORT], or drop it to write"
                        + " a tarball under target/");
            }
        }
    }

    private static ImageReference parse(String reference, String what) throws MojoFailureException {
        try {
            return ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("Invalid " + what + ": " + e.getMessage());
        }
    }

    private static Optional<String> proxy() {
        String host = System.getProperty("https.proxyHost");
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(host + ":" + System.getProperty("https.proxyPort", "443"));
    }
}
