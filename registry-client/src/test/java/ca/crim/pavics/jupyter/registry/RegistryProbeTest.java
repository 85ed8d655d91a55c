package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryProbeTest {
    private final RegistryProbe probe = new RegistryProbe(Duration.ofSeconds(2));

    @Test
    void listeningPortIsReachable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ImageReference ref = ImageReference.parse("127.0.0.1:" + server.getLocalPort() + "/base:1");
            assertThat(probe.unreachableReason(ref, true, Optional.empty())).isEmpty();
        }
    }

    @Test
    void closedPortAndUnknownHostAreReported() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        assertThat(probe.unreachableReason(ImageReference.parse("127.0.0.1:" + port + "/base:1"), true, Optional.empty()))
                .hasValueSatisfying(r -> assertThat(r).startsWith("cannot connect to 127.0.0.1:" + port));
        assertThat(probe.unreachableReason(ImageReference.parse("no-such-host.invalid/base:1"), false, Optional.empty()))
                .hasValueSatisfying(r -> assertThat(r).startsWith("unknown host no-such-host.invalid"));
    }
}
