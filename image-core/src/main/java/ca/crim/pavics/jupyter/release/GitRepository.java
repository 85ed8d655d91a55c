package ca.crim.pavics.jupyter.release;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** The git repository a module lives in, for the checks and edits of a release. */
public final class GitRepository implements AutoCloseable {
    private final Repository repository;
    private final Git git;
    private final Path workTree;

    private GitRepository(Repository repository) {
        this.repository = repository;
        this.git = new Git(repository);
        this.workTree = repository.getWorkTree().toPath().toAbsolutePath().normalize();
    }

    public static GitRepository containing(Path folder) throws ReleaseRefusedException {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(folder.toAbsolutePath().toFile());
        if (builder.getGitDir() == null) {
            throw new ReleaseRefusedException(folder + " is not inside a git repository");
        }
        try {
            return new GitRepository(builder.build());
        } catch (IOException e) {
            throw new ReleaseRefusedException("cannot open the git repository of " + folder + ": " + e.getMessage());
        }
    }

    public Path workTree() {
        return workTree;
    }

    /** Path relative to the repository root, with '/' separators. */
    public String relative(Path file) {
        return workTree.relativize(file.toAbsolutePath().normalize()).toString().replace(File.separatorChar, '/');
    }

    /**
     * Paths of the whole repository that are modified, staged, missing, conflicting or untracked (ignored files
     * do not count), less those in {@code allowed}.
     */
    public Set<String> uncleanPaths(Set<String> allowed) throws IOException {
        try {
            Status status = git.status().call();
            Set<String> paths = new TreeSet<>();
            paths.addAll(status.getAdded());
            paths.addAll(status.getChanged());
            paths.addAll(status.getRemoved());
            paths.addAll(status.getMissing());
            paths.addAll(status.getModified());
            paths.addAll(status.getConflicting());
            paths.addAll(status.getUntracked());
            paths.removeAll(allowed);
            return paths;
        } catch (GitAPIException e) {
            throw new IOException("git status failed: " + e.getMessage(), e);
        }
    }

    public boolean hasLocalTag(String tag) throws IOException {
        return repository.exactRef("refs/tags/" + tag) != null;
    }

    /**
     * Whether the remote has the tag, asked with the git command line (the same credentials and SSH setup as
     * the release plugin's push).
     */
    public boolean remoteHasTag(String remoteUrl, String tag) throws ReleaseRefusedException {
        List<String> command = List.of("git", "ls-remote", "--tags", remoteUrl, "refs/tags/" + tag);
        try {
            Path out = Files.createTempFile("ls-remote", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workTree.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().put("GIT_TERMINAL_PROMPT", "0");
                Process process = builder.start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new ReleaseRefusedException("cannot list the tags of " + remoteUrl + ": no answer within 60 s");
                }
                String output = Files.readString(out, StandardCharsets.UTF_8).trim();
                if (process.exitValue() != 0) {
                    String firstLine = output.lines().findFirst().orElse("exit code " + process.exitValue());
                    throw new ReleaseRefusedException("cannot list the tags of " + remoteUrl + ": " + firstLine);
                }
                return output.lines().anyMatch(l -> l.endsWith("refs/tags/" + tag));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new ReleaseRefusedException("cannot run git ls-remote: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseRefusedException("interrupted while listing the tags of " + remoteUrl);
        }
    }

    /** Stages a file (like {@code git add}) so the release commit takes it along. */
    public void stage(Path file) throws IOException {
        try {
            git.add().addFilepattern(relative(file)).call();
        } catch (GitAPIException e) {
            throw new IOException("git add " + relative(file) + " failed: " + e.getMessage(), e);
        }
    }

    /** The content of {@code file} in the parent of the commit that {@code tag} points to, if any. */
    public Optional<byte[]> contentBeforeTag(String tag, Path file) throws IOException {
        ObjectId tagged = repository.resolve("refs/tags/" + tag + "^{commit}");
        if (tagged == null) {
            return Optional.empty();
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(tagged);
            if (commit.getParentCount() == 0) {
                return Optional.empty();
            }
            RevCommit parent = walk.parseCommit(commit.getParent(0));
            try (TreeWalk tree = TreeWalk.forPath(repository, relative(file), parent.getTree())) {
                if (tree == null) {
                    return Optional.empty();
                }
                return Optional.of(repository.open(tree.getObjectId(0)).getBytes());
            }
        }
    }

    /** Lines of {@code git status}-like output for messages: at most {@code max} paths. */
    public static String summarize(Set<String> paths, int max) {
        List<String> list = new ArrayList<>(paths);
        String shown = String.join(", ", list.subList(0, Math.min(max, list.size())));
        return list.size() > max ? shown + " and " + (list.size() - max) + " more" : shown;
    }

    @Override
    public void close() {
        git.close();
        repository.close();
    }
}
