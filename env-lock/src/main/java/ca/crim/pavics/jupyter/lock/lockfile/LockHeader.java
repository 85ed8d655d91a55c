package ca.crim.pavics.jupyter.lock.lockfile;

import ca.crim.pavics.jupyter.conda.spec.Channel;
import java.util.List;
import java.util.Optional;

/**
 * What a written lock says about how it was made.
 *
 * @param environmentSha256 sha256 (hex) of the {@code environment.yml} bytes the lock was made from
 * @param source the environment file's name as the lock names it ({@code environment.yml})
 * @param baseImage the base image snapshotted ({@code birdhouse/pavics-jupyter-base:0.6.1}), if known
 * @param baseDigest the base image's manifest digest ({@code sha256:...}), if known
 * @param channels the channels read, in priority order
 */
public record LockHeader(String environmentSha256, String source, Optional<String> baseImage,
        Optional<String> baseDigest, List<Channel> channels) {
    public LockHeader {
        channels = List.copyOf(channels);
    }
}
