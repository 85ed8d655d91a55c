package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.registry.RegistryException;
import java.util.Optional;

/**
 * Turns a domain failure into one sentence that ends with what to do, naming this plugin's options (the domain
 * messages never name {@code -D} options; Jib's {@code HelpfulSuggestions} is the model).
 */
final class HelpfulSuggestions {
    private HelpfulSuggestions() {
    }

    /**
     * The message of {@code failure}, completed with a suggestion when a {@link RegistryException} caused it.
     *
     * @param insecureAllowed whether {@code -Djib.allowInsecureRegistries=true} was given
     */
    static String forFailure(Throwable failure, boolean insecureAllowed) {
        return forFailure(failure, insecureAllowed, null);
    }

    /**
     * {@link #forFailure(Throwable, boolean)} for a goal of an image module: a missing or stale lock names the
     * module's lock command.
     *
     * @param module the image module's artifactId (null: not an image module's goal)
     */
    static String forFailure(Throwable failure, boolean insecureAllowed, String module) {
        String message = String.valueOf(failure.getMessage()).replace('\n', ' ');
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ca.crim.pavics.jupyter.env.lock.StaleLockException && module != null) {
                return message + ": ./mvnw -pl " + module + " jupyter-image:lock (or -Dimage.env.skip=true builds the"
                        + " image WITHOUT its packages, labelled so)";
            }
            if (c instanceof ca.crim.pavics.jupyter.snapshot.SnapshotMismatchException m) {
                return message + ": ./mvnw -pl base-config jupyter-image:snapshot -Dbase.image=" + m.baseImage();
            }
        }
        Optional<RegistryException> registry = RegistryException.in(failure);
        if (registry.isEmpty()) {
            return message;
        }
        String hint = switch (registry.get().kind()) {
            case UNREACHABLE -> insecureAllowed ? "" : "; a plain-HTTP registry needs -Djib.allowInsecureRegistries=true";
            case TIMEOUT -> "; a registry that is only slow: raise the limit with -Dimage.registry.timeout=SECONDS";
            case CREDENTIALS_OVER_HTTP -> "; allow it with -Djib.sendCredentialsOverHttp=true (only on a network you trust)";
            case DIGEST_MISMATCH -> "; something between here and the registry altered it (a proxy?): nothing was used";
            case RETRIES_EXHAUSTED -> "; the registry keeps failing: try again later";
            default -> "";
        };
        return message.endsWith(hint) ? message : message + hint;
    }
}
