package ca.crim.pavics.jupyter.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external programs tests rely on. Missing on a laptop: the test is skipped with a message
 * saying what to install. Missing under CI ({@code CI=true}): the test fails.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** @param debianPackage the package that provides it, for the message */
    public static Path require(String program, String debianPackage) {
        Optional<Path> found = find(program);
        if (found.isPresent()) {
            return found.get();
        }
        String message = program + " is not installed (apt-get install -y " + debianPackage + ")";
        if (underCi()) {
            throw new AssertionError(message + ": required when CI=true");
        }
        Assumptions.abort("Skipped: " + message);
        throw new IllegalStateException("unreachable");
    }

    /** Skips (or fails under CI) unless the tests run as root, e.g. for chroot. */
    public static void requireRoot(String why) {
        if ("root".equals(System.getProperty("user.name"))) {
            return;
        }
        if (underCi()) {
            throw new AssertionError("must run as root under CI: " + why);
        }
        Assumptions.abort("Skipped: not root, cannot " + why);
    }

    public static Optional<Path> find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
