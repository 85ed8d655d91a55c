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

    public List<EntryReport> deploy(NotebookConfig config) throws IOException, TransferNeeded {
        Map<String, Set<String>> refsByUrl = new LinkedHashMap<>();
        for (NotebookEntry e : config.entries()) {
            refsByUrl.computeIfAbsent(e.repoUrl(), k -> new LinkedHashSet<>()).add(e.branch());
        }
        List<EntryReport> reports = new ArrayList<>();
        TreeSync sync = new TreeSync(dest, dryRun, owner);
        // read the live folders while git works
        config.entries().forEach(e -> sync.prefetch(e.destSubDir()));
        try (GitCache cache = checkFirst ? new GitCache(cacheDir).checkOnly() : new GitCache(cacheDir)) {
            Map<String, GitCache.Fetched> commits = new LinkedHashMap<>();
            Map<String, String> fetchErrors = new LinkedHashMap<>();
            for (Map.Entry<String, Set<String>> repo : refsByUrl.entrySet()) {
                try {
                    commits.put(repo.getKey(), cache.fetch(repo.getKey(), repo.getValue()));
                } catch (FetchException e) {
                    fetchErrors.put(repo.getKey(), e.getMessage());
                }
            }
            for (NotebookEntry entry : config.entries()) {
                reports.add(deployEntry(cache, sync, entry, commits.get(entry.repoUrl()), fetchErrors.get(entry.repoUrl())));
            }
        }
        return reports;
    }

    private EntryReport deployEntry(GitCache cache, TreeSync sync, NotebookEntry entry, GitCache.Fetched fetched,
            String repositoryError) {
        String label = entry.destSubDir().isEmpty() ? "(destination)" : entry.destSubDir();
        String from = entry.repoUrl() + " " + entry.branch() + (entry.sourceDir().isEmpty() ? "" : ":" + entry.sourceDir());
        String fetchError = repositoryError != null ? repositoryError : fetched.failures().get(entry.branch());
        if (fetchError != null) {
            console.error(label + ": FAILED, old tree kept: " + fetchError);
            return new EntryReport(entry, Optional.empty(), Optional.empty(), Optional.of(fetchError));
        }
        ObjectId commit = fetched.commits().get(entry.branch());
        try {
            SourceTree tree = cache.tree(entry.repoUrl(), commit, entry.sourceDir());
            SyncReport report = sync.sync(tree, entry.destSubDir());
            report.warnings().forEach(w -> console.warn(label + ": " + w));
            if (dryRun) {
                report.changes().forEach(c -> console.info(label + ": would " + c));
            }
            console.info(label + ": " + from + " at " + tree.shortCommit() + ": " + report.added() + " added, " + report.updated()
                    + " updated, " + report.removed() + " removed, " + report.bytesWritten() + " bytes written"
                    + (dryRun ? " (dry run: nothing changed)" : report.changed() ? "" : " (up to date)"));
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
