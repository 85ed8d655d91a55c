package ca.crim.pavics.jupyter.deploy.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Bare repositories kept in a cache folder, one per repository URL. Fetches are shallow and ask only for the
 * refs needed, so a later run transfers only new commits; a commit id is fetched in full history only when
 * the cache does not have it yet.
 */
public final class GitCache implements AutoCloseable {
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-fA-F]{7,40}$");

    private final Path folder;
    private final Map<String, Git> open = new LinkedHashMap<>();

    private boolean checkOnly;

    public GitCache(Path folder) {
        this.folder = folder;
    }

    /**
     * From now on, a {@link #fetch} that would transfer objects throws {@link TransferNeeded} instead: for a run that
     * only checks, quickly, whether there is anything to do.
     */
    public GitCache checkOnly() {
        this.checkOnly = true;
        return this;
    }

    /** The commit of each ref that could be fetched, and why each other ref could not. */
    public record Fetched(Map<String, ObjectId> commits, Map<String, String> failures) {
    }

    /** Fetches the {@code refs} of {@code url} in one go (a ref that does not exist does not stop the others). */
    public Fetched fetch(String url, Collection<String> refs) throws FetchException, TransferNeeded {
        return fetch(url, refs, remoteRefs(url));
    }

    /** As {@link #fetch(String, Collection)}, with the refs the repository advertised ({@link #remoteRefs}). */
    public Fetched fetch(String url, Collection<String> refs, Map<String, Ref> remote) throws FetchException, TransferNeeded {
        Git git = repository(url);
        Map<String, ObjectId> commits = new LinkedHashMap<>();
        List<RefSpec> specs = new ArrayList<>();
        List<String> commitRefs = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String ref : refs) {
            if (remote.containsKey(Constants.R_HEADS + ref)) {
                specs.add(new RefSpec("+" + Constants.R_HEADS + ref + ":refs/cache/heads/" + ref));
            } else if (remote.containsKey(Constants.R_TAGS + ref)) {
                specs.add(new RefSpec("+" + Constants.R_TAGS + ref + ":refs/cache/tags/" + ref));
            } else if (COMMIT.matcher(ref).matches()) {
                commitRefs.add(ref);
            } else {
                failures.put(ref, "no branch, tag or commit '" + ref + "' in " + url);
            }
        }
        try {
            // refs whose remote commit the cache already has at the same name need no fetch at all
            specs.removeIf(spec -> upToDate(git.getRepository(), remote.get(spec.getSource()), spec.getDestination()));
            if (checkOnly && (!specs.isEmpty() || commitRefs.stream().anyMatch(id -> resolveCommit(git.getRepository(), id) == null))) {
                throw new TransferNeeded(url);
            }
            if (!specs.isEmpty()) {
                // first time: only the tip (depth 1); later: an ordinary fetch, which sends only what is new
                boolean known = true;
                for (RefSpec spec : specs) {
                    known &= git.getRepository().exactRef(spec.getDestination()) != null;
                }
                var fetch = git.fetch().setRemote(url).setRefSpecs(specs).setTagOpt(TagOpt.NO_TAGS);
                if (!known) {
                    fetch.setDepth(1);
                }
                fetch.call();
            }
            for (String ref : refs) {
                if (failures.containsKey(ref)) {
                    continue;
                }
                if (commitRefs.contains(ref)) {
                    try {
                        commits.put(ref, commit(git, url, ref));
                    } catch (FetchException e) {
                        failures.put(ref, e.getMessage());
                    }
                    continue;
                }
                String local = remote.containsKey(Constants.R_HEADS + ref) ? "refs/cache/heads/" + ref : "refs/cache/tags/" + ref;
                ObjectId id = git.getRepository().resolve(local + "^{commit}");
                if (id == null) {
                    throw new FetchException("fetched " + ref + " from " + url + " but it is not a commit");
                }
                commits.put(ref, id);
            }
            return new Fetched(commits, failures);
        } catch (GitAPIException | IOException e) {
            throw new FetchException("cannot fetch " + String.join(", ", refs) + " from " + url + ": " + oneLine(e), e);
        }
    }

    private static boolean upToDate(Repository repo, Ref remote, String localName) {
        try {
            Ref local = repo.exactRef(localName);
            ObjectId remoteId = commitOf(remote);
            if (local == null || remoteId == null) {
                return false;
            }
            ObjectId localId = repo.resolve(localName + "^{commit}");
            return (remoteId.equals(local.getObjectId()) || remoteId.equals(localId)) && repo.getObjectDatabase().has(remoteId);
        } catch (IOException e) {
            return false;
        }
    }

    private ObjectId commit(Git git, String url, String id) throws FetchException, GitAPIException, IOException {
        Repository repo = git.getRepository();
        ObjectId found = resolveCommit(repo, id);
        if (found == null) {
            git.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/*:refs/cache/all/*"))
                    .setTagOpt(TagOpt.FETCH_TAGS).setUnshallow(isShallow(repo)).call();
            found = resolveCommit(repo, id);
        }
        if (found == null) {
            throw new FetchException("no branch, tag or commit '" + id + "' in " + url);
        }
        return found;
    }

    private static boolean isShallow(Repository repo) {
        return Files.exists(repo.getDirectory().toPath().resolve("shallow"));
    }

    private static ObjectId resolveCommit(Repository repo, String id) {
        try {
            ObjectId resolved = repo.resolve(id + "^{commit}");
            return resolved;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The commit a branch or tag name points to in {@code remote}; empty for a commit id or an unknown name. */
    public static java.util.Optional<ObjectId> advertised(Map<String, Ref> remote, String ref) {
        Ref r = remote.get(Constants.R_HEADS + ref);
        if (r == null) {
            r = remote.get(Constants.R_TAGS + ref);
        }
        return r == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(commitOf(r));
    }

    /** What an advertised ref points to: the commit of an annotated tag, else its object. */
    private static ObjectId commitOf(Ref ref) {
        return ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
    }

    /** The branches and tags of {@code url} (one round trip; no local repository needed). */
    public Map<String, Ref> remoteRefs(String url) throws FetchException {
        try {
            Map<String, Ref> refs = new LinkedHashMap<>();
            for (Ref ref : Git.lsRemoteRepository().setRemote(url).setHeads(true).setTags(true).call()) {
                refs.put(ref.getName(), ref);
            }
            return refs;
        } catch (GitAPIException | RuntimeException e) {
            throw new FetchException("cannot reach " + url + ": " + oneLine(e), e);
        }
    }

    /** The files under {@code sourceDir} ("" for the root) at {@code commit}; the file list is read on first use. */
    public SourceTree tree(String url, ObjectId commit, String sourceDir) throws FetchException {
        Repository repo = repository(url).getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            ObjectId root = c.getTree();
            if (!sourceDir.isEmpty()) {
                try (TreeWalk dir = TreeWalk.forPath(repo, sourceDir, c.getTree())) {
                    if (dir == null || !FileMode.TREE.equals(dir.getFileMode(0))) {
                        throw new FetchException("no folder '" + sourceDir + "' in " + url + " at " + c.abbreviate(12).name());
                    }
                    root = dir.getObjectId(0);
                }
            }
            ObjectId treeId = root;
            return new SourceTree(repo, commit, sourceDir, treeId, (files, warnings) -> list(url, repo, commit, treeId, files, warnings));
        } catch (IOException e) {
            throw new FetchException("cannot read " + url + " at " + commit.abbreviate(12).name() + ": " + oneLine(e), e);
        }
    }

    private static void list(String url, Repository repo, ObjectId commit, ObjectId root, List<SourceFile> files,
            List<String> warnings) throws FetchException {
        try (org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader(); TreeWalk tw = new TreeWalk(repo, reader)) {
            tw.addTree(root);
            tw.setRecursive(true);
            while (tw.next()) {
                FileMode mode = tw.getFileMode(0);
                String path = tw.getPathString();
                ObjectId blob = tw.getObjectId(0);
                if (FileMode.GITLINK.equals(mode)) {
                    warnings.add("skipped submodule " + path);
                } else if (FileMode.SYMLINK.equals(mode)) {
                    files.add(new SourceFile(path, SourceFile.Kind.SYMLINK, blob));
                } else {
                    // sizes are read only when a file has to be compared (see SourceTree.size)
                    files.add(new SourceFile(path, FileMode.EXECUTABLE_FILE.equals(mode)
                            ? SourceFile.Kind.EXECUTABLE : SourceFile.Kind.FILE, blob));
                }
            }
        } catch (IOException e) {
            throw new FetchException("cannot read " + url + " at " + commit.abbreviate(12).name() + ": " + oneLine(e), e);
        }
    }

    /**
     * Settings of a cache repository (where it does not have its own). A private cache: received packs are kept as
     * sent, and the bases appended to thin packs stored uncompressed (see CacheRepository). Each fetch adds a pack,
     * each holding its own copy of the old versions of the changed files: JGit's automatic gc after a fetch merges
     * them past 24 packs (its default is 50), in the fetch itself rather than in a thread the end of the run would
     * cut short, and without delta search, which would take minutes on large binary notebooks (objects are reused as
     * stored, so a merge costs about a copy; packs it replaces are deleted by a later one, once an hour old).
     */
    private static final String[][] SETTINGS = {
        {"core", "compression", "0"},
        {"gc", "autoPackLimit", "24"},
        {"gc", "autoDetach", "false"},
        {"pack", "deltaCompression", "false"},
        {"pack", "buildBitmaps", "false"},
    };

    private Git repository(String url) throws FetchException {
        Git git = open.get(url);
        if (git != null) {
            return git;
        }
        Path dir = folder.resolve(name(url));
        try {
            if (!Files.isDirectory(dir.resolve("objects"))) {
                Files.createDirectories(dir);
                Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
                Files.writeString(dir.resolve("description"), url + "\n", StandardCharsets.UTF_8);
            }
            git = Git.wrap(new CacheRepository(dir.toFile()));
        } catch (IOException | GitAPIException e) {
            throw new FetchException("cannot use the cache " + dir + ": " + oneLine(e), e);
        }
        try {
            var config = git.getRepository().getConfig();
            boolean changed = false;
            for (String[] setting : SETTINGS) {
                if (config.getString(setting[0], null, setting[1]) == null) {
                    config.setString(setting[0], null, setting[1], setting[2]);
                    changed = true;
                }
            }
            if (changed) {
                config.save();
            }
        } catch (IOException e) {
            // defaults still work
        }
        open.put(url, git);
        return git;
    }

    /** Cache folder name of a URL: readable tail plus a hash, so two URLs never share a folder. */
    static String name(String url) {
        String tail = url.replaceAll("\\.git/?$", "").replaceAll(".*[/:]", "").replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return (tail.isEmpty() ? "repo" : tail) + "-" + HexFormat.of().formatHex(hash, 0, 8) + ".git";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m = m + ": " + cause.getMessage();
        }
        return m.replace('\n', ' ').trim();
    }

    @Override
    public void close() {
        open.values().forEach(git -> {
            git.getRepository().close();
            git.close();
        });
        open.clear();
    }
}
