package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Fake docker credential helpers ({@code docker-credential-NAME}, the docker-credential-helpers protocol): a shell
 * script that answers {@code get} with a fixed user and secret for one server URL (any other: "credentials not found
 * in native keychain", exit 1), and appends each server URL it was asked for to {@code NAME.log} beside it.
 */
public final class CredentialHelpers {
    private CredentialHelpers() {
    }

    /**
     * Writes {@code dir/docker-credential-NAME}.
     *
     * @param server the server URL it knows ({@code host:port}, or {@code https://index.docker.io/v1/})
     */
    public static Path write(Path dir, String name, String server, String user, String secret) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve("docker-credential-" + name);
        Path log = dir.resolve(name + ".log");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "read -r server",
                "echo \"$1 $server\" >> '" + log + "'",
                "if [ \"$1\" = get ] && [ \"$server\" = '" + server + "' ]; then",
                "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" '" + user + "' '" + secret + "'",
                "  exit 0",
                "fi",
                "echo 'credentials not found in native keychain'",
                "exit 1",
                ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The server URLs the helper {@code name} was asked for, in order. */
    public static List<String> requests(Path dir, String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }
}
