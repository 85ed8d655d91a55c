package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A git repository built with the git command line for tests: write files, commit, tag; served as
 * {@code file://} or through {@link GitHttpServer} (it lives at {@code ROOT/NAME.git} with a work tree beside).
 */
public final class GitFixture {
    private final Path work;
    private final Path bare;

    private GitFixture(Path work, Path bare) {
        this.work = work;
        this.bare = bare;
    }

    /** A work tree {@code ROOT/NAME} that pushes to a bare {@code ROOT/NAME.git}. */
    public static GitFixture create(Path root, String name) throws IOException {
        Path work = Files.createDirectories(root.resolve(name));
        Path bare = root.resolve(name + ".git");
        run(root, "init", "-q", "--bare", "-b", "main", bare.toString());
        run(work, "init", "-q", "-b", "main");
        run(work, "remote", "add", "origin", bare.toString());
        return new GitFixture(work, bare);
    }

    public String fileUrl() {
        return bare.toUri().toString();
    }

    public Path workTree() {
        return work;
    }

    public GitFixture write(String path, String content) throws IOException {
        Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return this;
    }

    public GitFixture write(String path, byte[] content) throws IOException {
        Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return this;
    }

    public GitFixture executable(String path) throws IOException {
        Files.setPosixFilePermissions(work.resolve(path), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    public GitFixture symlink(String path, String target) throws IOException {
        Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.createSymbolicLink(file, Path.of(target));
        return this;
    }

    public GitFixture delete(String path) throws IOException {
        run(work, "rm", "-q", "-r", path);
        return this;
    }

    /** Commits everything and pushes the branch; returns the commit id. */
    public String commit(String message) {
        run(work, "add", "-A");
        run(work, "commit", "-q", "--allow-empty", "-m", message);
        run(work, "push", "-q", "origin", "HEAD");
        return run(work, "rev-parse", "HEAD");
    }

    public void tag(String name) {
        run(work, "tag", name);
        run(work, "push", "-q", "origin", "refs/tags/" + name);
    }

    public void branch(String name) {
        run(work, "push", "-q", "origin", "HEAD:refs/heads/" + name);
    }

    private static String run(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(ExternalTools.require("git", "git").toString(),
                "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
                "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        return Processes.run(dir, Duration.ofMinutes(1), Map.of("GIT_CONFIG_NOSYSTEM", "1"), command).orFail(command).output().trim();
    }
}
