package ca.crim.pavics.jupyter.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks within a few seconds that a registry can be reached at all (name resolves, TCP port answers), so
 * that a build fails early with a clear message instead of hanging in retries.
 */
public final class RegistryProbe {
    private final Duration timeout;

    public RegistryProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @param insecure plain-HTTP registry (default port 80 instead of 443)
     * @param proxy a proxy to check instead of the registry itself ("host:port"), when one is configured
     * @return empty when reachable, else a short reason ("unknown host registry-1.docker.io", …)
     */
    public Optional<String> unreachableReason(ImageReference image, boolean insecure, Optional<String> proxy) {
        String host;
        int port;
        if (proxy.isPresent()) {
            String p = proxy.get();
            int colon = p.lastIndexOf(':');
            host = colon > 0 ? p.substring(0, colon) : p;
            port = colon > 0 ? Integer.parseInt(p.substring(colon + 1)) : 3128;
        } else {
            host = image.hostName();
            port = image.port() > 0 ? image.port() : (insecure ? 80 : 443);
        }
        String where = host + ":" + port + (proxy.isPresent() ? " (proxy)" : "");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("unknown host " + host + (proxy.isPresent() ? " (proxy)" : "")
                    + ": no network or no DNS");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            return Optional.of("no answer from " + where + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            return Optional.of("cannot connect to " + where + ": " + e.getMessage());
        }
    }
}
