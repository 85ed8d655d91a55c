package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A copy of this repository's sources (no {@code target/}, no {@code .git}) committed into a fresh git
 * repository, for tests that run the real Maven build without touching the working tree.
 */
public final class RepositoryCopy {
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".idea");

    private final Path root;

    private RepositoryCopy(Path root) {
        this.root = root;
    }

    /** The repository under test: system property {@code repository.root}, else found upwards from cwd. */
    public static Path sourceRoot() {
        String configured = System.getProperty("repository.root");
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured, "mvnw"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    public static RepositoryCopy create(Path destination) throws IOException {
        Path source = sourceRoot();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(source) && SKIPPED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(destination.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = destination.resolve(source.relativize(file).toString());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
        RepositoryCopy copy = new RepositoryCopy(destination);
        copy.git("init", "-q", "-b", "main");
        copy.git("add", "-A");
        copy.git("commit", "-q", "-m", "copy of the repository under test");
        return copy;
    }

    /** {@code git clone URL DESTINATION}: a fresh clone, as a user would have. */
    public static RepositoryCopy cloneOf(String url, Path destination) {
        Processes.runOk(destination.getParent(), Duration.ofMinutes(2),
                List.of(ExternalTools.require("git", "git").toString(), "clone", "-q", url, destination.toString()));
        return new RepositoryCopy(destination);
    }

    public Path root() {
        return root;
    }

    public String git(String... args) {
        List<String> command = new ArrayList<>(List.of(ExternalTools.require("git", "git").toString(),
                "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        return Processes.runOk(root, Duration.ofMinutes(1), command).output().trim();
    }

    /**
     * Runs the Maven that runs this build ({@code maven.home}), else the wrapper, in the copy, with
     * {@code -B} and the given arguments.
     */
    public Processes.Result maven(Duration limit, String... args) {
        return maven(limit, java.util.Map.of(), args);
    }

    /** Like {@link #maven(Duration, String...)} with extra environment variables (e.g. MAVEN_OPTS). */
    public Processes.Result maven(Duration limit, java.util.Map<String, String> env, String... args) {
        String home = System.getProperty("maven.home");
        List<String> command = new ArrayList<>();
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            command.add(Path.of(home, "bin", "mvn").toString());
        } else {
            command.add(root.resolve("mvnw").toString());
        }
        command.add("-B");
        command.add("-f");
        command.add(root.resolve("pom.xml").toString());
        command.addAll(List.of(args));
        return Processes.run(root, limit, env, command);
    }
}
