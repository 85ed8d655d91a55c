package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.registry.RegistrySettings;
import java.time.Duration;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** The registry options every goal that talks to a registry binds, and the settings they make. */
abstract class AbstractRegistryMojo extends AbstractMojo {
    /** Registries without valid TLS: any certificate, or plain HTTP (Jib's option of the same name). */
    @Parameter(property = "jib.allowInsecureRegistries", defaultValue = "false")
    protected boolean insecure;

    /** Send registry credentials over plain HTTP (Jib's option of the same name); never by default. */
    @Parameter(property = "jib.sendCredentialsOverHttp", defaultValue = "false")
    protected boolean sendCredentialsOverHttp;

    /** Longest silence on a registry connection, in seconds (not the length of a transfer). */
    @Parameter(property = "image.registry.timeout", defaultValue = "60")
    protected int registryTimeoutSeconds;

    /** Registry settings from these options and the docker configuration of this environment. */
    protected RegistrySettings registrySettings() throws MojoFailureException {
        if (registryTimeoutSeconds < 1) {
            throw new MojoFailureException("image.registry.timeout must be a number of seconds >= 1, not "
                    + registryTimeoutSeconds);
        }
        return RegistrySettings.defaults(System.getenv()).withAllowInsecure(insecure)
                .withSendCredentialsOverHttp(sendCredentialsOverHttp)
                .withReadTimeout(Duration.ofSeconds(registryTimeoutSeconds))
                .withNotices(line -> getLog().warn(line));
    }
}
