package ca.crim.pavics.jupyter.deploy;

import ca.crim.pavics.jupyter.deploy.git.FetchException;
import ca.crim.pavics.jupyter.deploy.git.GitCache;
import ca.crim.pavics.jupyter.deploy.git.SourceTree;
import ca.crim.pavics.jupyter.deploy.git.TransferNeeded;
import ca.crim.pavics.jupyter.deploy.sync.SyncException;
import ca.crim.pavics.jupyter.deploy.sync.SyncReport;
import ca.crim.pavics.jupyter.deploy.sync.TreeSync;
import ca.crim.pavics.jupyter.spec.NotebookConfig;
import ca.crim.pavics.jupyter.spec.NotebookEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * Deploys every entry of a notebook config into a destination: each repository fetched once (all its refs in
 * one fetch), each entry synced on its own; a failing entry keeps its old tree and does not stop the others.
 */
public final class NotebookDeployer {
    private final Path dest;
    private final Path cacheDir;
    private final boolean dryRun;
    private final Optional<TreeSync.Owner> owner;
    private final Console console;
    private final boolean checkFirst;

    /**
     * @param checkFirst stop with {@link TransferNeeded}, before anything is fetched or written, when a repository has
     *     new commits (see {@link GitCache#checkOnly}); else deploy as usual
     */
    public NotebookDeployer(Path dest, Path cacheDir, boolean dryRun, Optional<TreeSync.Owner> owner, Console console,
            boolean checkFirst) {
        this.dest = dest;
        this.cacheDir = cacheDir;
        this.dryRun = dryRun;
        this.owner = owner;
        this.console = console;
        this.checkFirst = checkFirst;
    }

    public NotebookDeployer(Path dest, Path cacheDir, boolean dryRun, Optional<TreeSync.Owner> owner, Console console) {
        this(dest, cacheDir, dryRun, owner, console, false);
    }

    private TreeSync sync;

    /**
     * Starts reading the live folders of the entries in the background (see {@link TreeSync#prefetch}), so that the
     * disk work overlaps what comes before the sync; {@link #deploy} does it too.
     */
    public TreeSync prefetch(NotebookConfig config) throws IOException {
        if (sync == null) {
            sync = new TreeSync(dest, dryRun, owner);
        }
        config.entries().forEach(e -> sync.prefetch(e.destSubDir()));
        return sync;
    }

    public List<EntryReport> deploy(NotebookConfig config) throws IOException, TransferNeeded {
        Map<String, Set<String>> refsByUrl = new LinkedHashMap<>();
        for (NotebookEntry e : config.entries()) {
            refsByUrl.computeIfAbsent(e.repoUrl(), k -> new LinkedHashSet<>()).add(e.branch());
        }
        List<EntryReport> reports = new ArrayList<>();
        TreeSync sync = prefetch(config);
        try (GitCache cache = checkFirst ? new GitCache(cacheDir).checkOnly() : new GitCache(cacheDir)) {
            Map<String, GitCache.Fetched> commits = new LinkedHashMap<>();
            Map<String, String> fetchErrors = new LinkedHashMap<>();
            // entries whose live version was deployed from the commit the remote advertises, untouched since: up to
            // date without opening the cache
            Map<NotebookEntry, Current> current = new java.util.HashMap<>();
            for (Map.Entry<String, Set<String>> repo : refsByUrl.entrySet()) {
                String url = repo.getKey();
                try {
                    Map<String, Ref> remote = cache.remoteRefs(url);
                    List<NotebookEntry> ofRepo = config.entries().stream().filter(e -> e.repoUrl().equals(url)).toList();
                    ofRepo.forEach(e -> current(sync, e, remote).ifPresent(c -> current.put(e, c)));
                    if (!current.keySet().containsAll(ofRepo)) {
                        commits.put(url, cache.fetch(url, repo.getValue(), remote));
                    }
                } catch (FetchException e) {
                    fetchErrors.put(url, e.getMessage());
                }
            }
            for (NotebookEntry entry : config.entries()) {
                Current upToDate = current.get(entry);
                if (upToDate != null) {
                    SyncReport report = new SyncReport(0, 0, 0, 0, List.of(), upToDate.warnings());
                    print(entry, upToDate.commit().abbreviate(12).name(), report);
                    reports.add(new EntryReport(entry, Optional.of(upToDate.commit().name()), Optional.of(report), Optional.empty()));
                } else {
                    reports.add(deployEntry(cache, sync, entry, commits.get(entry.repoUrl()), fetchErrors.get(entry.repoUrl())));
                }
            }
        }
        return reports;
    }

    /** An entry already deployed from the commit the remote advertises: that commit and the warnings of the deploy. */
    private record Current(ObjectId commit, List<String> warnings) {
    }

    private static Optional<Current> current(TreeSync sync, NotebookEntry entry, Map<String, Ref> remote) {
        Optional<ObjectId> advertised = GitCache.advertised(remote, entry.branch());
        if (advertised.isEmpty() || entry.destSubDir().isEmpty()) {
            return Optional.empty();
        }
        return sync.upToDate(entry.destSubDir(), advertised.get(), entry.sourceDir()).map(w -> new Current(advertised.get(), w));
    }

    private void print(NotebookEntry entry, String shortCommit, SyncReport report) {
        String label = label(entry);
        report.warnings().forEach(w -> console.warn(label + ": " + w));
        if (dryRun) {
            report.changes().forEach(c -> console.info(label + ": would " + c));
        }
        String from = entry.repoUrl() + " " + entry.branch() + (entry.sourceDir().isEmpty() ? "" : ":" + entry.sourceDir());
        console.info(label + ": " + from + " at " + shortCommit + ": " + report.added() + " added, " + report.updated()
                + " updated, " + report.removed() + " removed, " + report.bytesWritten() + " bytes written"
                + (dryRun ? " (dry run: nothing changed)" : report.changed() ? "" : " (up to date)"));
    }

    private static String label(NotebookEntry entry) {
        return entry.destSubDir().isEmpty() ? "(destination)" : entry.destSubDir();
    }

    private EntryReport deployEntry(GitCache cache, TreeSync sync, NotebookEntry entry, GitCache.Fetched fetched,
            String repositoryError) {
        String label = label(entry);
        String fetchError = repositoryError != null ? repositoryError : fetched.failures().get(entry.branch());
        if (fetchError != null) {
            console.error(label + ": FAILED, old tree kept: " + fetchError);
            return new EntryReport(entry, Optional.empty(), Optional.empty(), Optional.of(fetchError));
        }
        ObjectId commit = fetched.commits().get(entry.branch());
        try {
            SourceTree tree = cache.tree(entry.repoUrl(), commit, entry.sourceDir());
            SyncReport report = sync.sync(tree, entry.destSubDir());
            print(entry, tree.shortCommit(), report);
            return new EntryReport(entry, Optional.of(commit.name()), Optional.of(report), Optional.empty());
        } catch (FetchException | SyncException e) {
            console.error(label + ": FAILED, old tree kept: " + e.getMessage());
            return new EntryReport(entry, Optional.of(commit.name()), Optional.empty(), Optional.of(e.getMessage()));
        } catch (IOException e) {
            String message = "cannot write " + label + ": " + e;
            console.error(label + ": FAILED, old tree kept: " + message);
            return new EntryReport(entry, Optional.of(commit.name()), Optional.empty(), Optional.of(message));
        }
    }
}
