package ca.crim.pavics.jupyter.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one logical registry request as attempts, as {@link RegistrySettings#retry()} allows: an attempt that failed
 * with a reset or closed connection, or that signalled a retryable status ({@link #failIfRetryable}), is tried again
 * after the policy's delay, with one line told per retry; timeouts, unreachable hosts and {@link RegistryException}s
 * end the request at once. With insecure registries allowed, a registry that fails the TLS handshake (or refuses
 * port 443) is remembered as plain HTTP for this JVM's life and the attempt is repeated over HTTP.
 */
final class RetryingCalls {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    /** API hosts found to speak plain HTTP only (when insecure registries are allowed). */
    private static final Set<String> PLAIN_HTTP = ConcurrentHashMap.newKeySet();
    /** Loopback API hosts found to speak TLS (when insecure registries are allowed). */
    private static final Set<String> TLS = ConcurrentHashMap.newKeySet();

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException;
    }

    /** A failed attempt that may succeed when tried again. */
    static final class Retry extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Optional<String> retryAfter;

        Retry(String reason, Optional<String> retryAfter) {
            super(reason);
            this.retryAfter = retryAfter;
        }
    }

    private final ImageReference ref;
    private final RegistrySettings settings;

    RetryingCalls(ImageReference ref, RegistrySettings settings) {
        this.ref = ref;
        this.settings = settings;
    }

    /**
     * Whether this registry is spoken to over plain HTTP: only when insecure registries are allowed, and then for a
     * registry found not to speak TLS, or first of all for a loopback one (127.0.0.0/8, ::1, localhost: the docker
     * daemon's insecure-by-default registries), until it answers plain HTTP with 400 (see {@link #tlsInstead}).
     */
    static boolean plainHttp(RegistrySettings settings, ImageReference ref) {
        if (!settings.allowInsecure() || TLS.contains(ref.apiHost())) {
            return false;
        }
        return PLAIN_HTTP.contains(ref.apiHost()) || isLoopback(ref.hostName());
    }

    /**
     * After an answer over plain HTTP from a loopback registry not yet known to speak it: a 400 means a TLS server
     * refusing plain HTTP (it is spoken to over HTTPS from now on: true, repeat the request); anything else confirms
     * plain HTTP.
     */
    static boolean tlsInstead(RegistrySettings settings, ImageReference ref, int status) {
        if (!plainHttp(settings, ref) || PLAIN_HTTP.contains(ref.apiHost())) {
            return false;
        }
        if (status == 400) {
            TLS.add(ref.apiHost());
            return true;
        }
        PLAIN_HTTP.add(ref.apiHost());
        return false;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** 429, 500, 502, 503, 504: worth another attempt. */
    static boolean isRetryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Ends the attempt as retryable when the status is. */
    static void failIfRetryable(int status, Optional<String> retryAfter) throws Retry {
        if (isRetryable(status)) {
            throw new Retry("HTTP " + status, retryAfter);
        }
    }

    <T> T run(String what, Attempt<T> attempt) throws IOException {
        Duration waited = Duration.ZERO;
        for (int n = 1;; n++) {
            String reason;
            Optional<String> retryAfter = Optional.empty();
            try {
                return attempt.run();
            } catch (Retry r) {
                reason = r.getMessage();
                retryAfter = r.retryAfter;
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                switch (RegistryTransport.classify(e)) {
                    case TRANSIENT -> reason = describe(e);
                    case TLS -> {
                        if (settings.allowInsecure() && PLAIN_HTTP.add(ref.apiHost())) {
                            notice("registry " + ref.registry() + " does not speak TLS (" + describe(e)
                                    + "): using plain HTTP, as insecure registries are allowed");
                            n--;
                            continue;
                        }
                        throw new RegistryException(RegistryException.Kind.UNREACHABLE, "cannot reach registry "
                                + ref.registry() + " over HTTPS (" + describe(e) + ")", e);
                    }
                    case UNREACHABLE -> {
                        if (settings.allowInsecure() && ref.port() < 0 && PLAIN_HTTP.add(ref.apiHost())) {
                            n--;
                            continue;
                        }
                        throw new RegistryException(RegistryException.Kind.UNREACHABLE, "cannot reach registry "
                                + ref.registry() + " (" + describe(e) + ")", e);
                    }
                    case TIMEOUT -> throw new RegistryException(RegistryException.Kind.TIMEOUT, what + ": no answer from "
                            + ref.registry() + " for " + settings.readTimeout().toSeconds() + " s", e);
                    default -> throw e;
                }
            }
            Optional<Duration> delay = settings.retry().delay(n, retryAfter, waited);
            if (delay.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.RETRIES_EXHAUSTED, what + " failed " + n
                        + (n == 1 ? " time" : " times") + ", last: " + reason);
            }
            notice(what + " failed (" + reason + "): retry " + n + " of " + (settings.retry().maxAttempts() - 1) + " in "
                    + String.format("%.2f s", delay.get().toMillis() / 1000.0));
            waited = waited.plus(delay.get());
            try {
                Thread.sleep(delay.get().toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": interrupted");
            }
        }
    }

    private void notice(String line) {
        LOG.warn(line);
        settings.notices().accept(line);
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + DockerCredentials.firstLine(m));
    }
}
