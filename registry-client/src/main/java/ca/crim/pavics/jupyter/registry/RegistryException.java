package ca.crim.pavics.jupyter.registry;

import java.io.IOException;

/**
 * A registry operation that failed for a reason a person can act on. The message is one complete sentence without
 * any front end's option names; front ends (the Maven plugin, the CLIs) switch on {@link #kind()} to add the option
 * that helps (Jib's {@code HelpfulSuggestions} is the model).
 */
public final class RegistryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Kind {
        /** Name does not resolve, connection refused, TLS to a plain-HTTP registry not allowed. */
        UNREACHABLE,
        /** The connection was silent for longer than the read timeout. */
        TIMEOUT,
        /** Content did not hash to the digest it was requested by (or announced with). */
        DIGEST_MISMATCH,
        /** The registry refused our credentials, or needs credentials we do not have. */
        UNAUTHORIZED,
        /** Credentials exist but were not sent because the registry (or its token realm) is plain HTTP. */
        CREDENTIALS_OVER_HTTP,
        /** A docker credential helper is missing or failed, or the docker configuration is unreadable. */
        CREDENTIAL_HELPER,
        /** The manifest or blob does not exist. */
        NOT_FOUND,
        /** Retries ran out on transient failures (resets, 429, 5xx). */
        RETRIES_EXHAUSTED,
        /** Any other answer the protocol does not allow, or an unexpected status. */
        PROTOCOL
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The first {@link RegistryException} in a cause chain, if any. */
    public static java.util.Optional<RegistryException> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RegistryException r) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }
}
