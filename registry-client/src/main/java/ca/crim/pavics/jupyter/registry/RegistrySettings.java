package ca.crim.pavics.jupyter.registry;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a {@link RegistryClient} talks to registries.
 *
 * @param allowInsecure HTTPS with any certificate, then plain HTTP when the registry does not speak TLS (Jib's
 *     {@code allowInsecureRegistries})
 * @param sendCredentialsOverHttp send credentials (Basic, or to a plain-HTTP token realm) over plain HTTP; without it
 *     they are withheld and the failure says so (Jib's {@code sendCredentialsOverHttp})
 * @param connectTimeout how long to wait for a TCP connection (and TLS handshake)
 * @param readTimeout the longest silence allowed on a connection, in either direction: waiting for an answer, reading
 *     a body, or writing an upload the registry does not read; not the length of a transfer
 * @param retry when to try again after a reset connection, a 429 or a 502/503/504 (and a 500 on an upload)
 * @param credentials where credentials come from
 * @param notices one line per retry and per other event worth telling a person (also logged through SLF4J)
 */
public record RegistrySettings(boolean allowInsecure, boolean sendCredentialsOverHttp, Duration connectTimeout,
        Duration readTimeout, RetryPolicy retry, DockerCredentials credentials, Consumer<String> notices) {
    /** 20 s: long enough for a slow TLS handshake far away. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** 60 s of silence: a registry that is still working answers, or sends bytes, well within it. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    /** Secure registries only, default timeouts and retries, credentials of the given environment's docker config. */
    public static RegistrySettings defaults(Map<String, String> env) {
        return new RegistrySettings(false, false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, RetryPolicy.DEFAULT,
                DockerCredentials.fromEnvironment(env), line -> { });
    }

    public RegistrySettings withAllowInsecure(boolean allow) {
        return new RegistrySettings(allow, sendCredentialsOverHttp, connectTimeout, readTimeout, retry, credentials, notices);
    }

    public RegistrySettings withSendCredentialsOverHttp(boolean send) {
        return new RegistrySettings(allowInsecure, send, connectTimeout, readTimeout, retry, credentials, notices);
    }

    /** Sets the read (silence) timeout; the connect timeout becomes the smaller of its own and this. */
    public RegistrySettings withReadTimeout(Duration timeout) {
        Duration connect = connectTimeout.compareTo(timeout) > 0 ? timeout : connectTimeout;
        return new RegistrySettings(allowInsecure, sendCredentialsOverHttp, connect, timeout, retry, credentials, notices);
    }

    public RegistrySettings withRetry(RetryPolicy policy) {
        return new RegistrySettings(allowInsecure, sendCredentialsOverHttp, connectTimeout, readTimeout, policy,
                credentials, notices);
    }

    public RegistrySettings withCredentials(DockerCredentials source) {
        return new RegistrySettings(allowInsecure, sendCredentialsOverHttp, connectTimeout, readTimeout, retry, source,
                notices);
    }

    public RegistrySettings withNotices(Consumer<String> sink) {
        return new RegistrySettings(allowInsecure, sendCredentialsOverHttp, connectTimeout, readTimeout, retry,
                credentials, sink);
    }
}
