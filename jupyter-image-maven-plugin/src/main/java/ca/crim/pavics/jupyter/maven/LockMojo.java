package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.env.EnvironmentBuild;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.env.lock.LockException;
import ca.crim.pavics.jupyter.env.lock.LockFileReader;
import ca.crim.pavics.jupyter.lock.CondaLocker;
import ca.crim.pavics.jupyter.lock.image.ImageLocking;
import ca.crim.pavics.jupyter.lock.pip.Netrc;
import ca.crim.pavics.jupyter.lock.pip.PipLocking;
import ca.crim.pavics.jupyter.lock.pip.SimpleIndex;
import ca.crim.pavics.jupyter.lock.LockRefusedException;
import ca.crim.pavics.jupyter.lock.repodata.ChannelLocator;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Locks the module's {@code environment.yml}: {@code ./mvnw -pl eo jupyter-image:lock} solves its conda specs over
 * its channels on top of the base snapshot and writes {@code conda-lock.yml} (what the image adds or replaces, and
 * the base records replaced); the current lock's records are kept where they still fit. With
 * {@code -Dlock.check=true} nothing is written: the goal fails when the committed lock is not what a solve gives.
 */
@Mojo(name = "lock", threadSafe = true)
public class LockMojo extends LockedModuleMojo {
    /** Only say whether the committed lock is still what a solve would give. */
    @Parameter(property = "lock.check", defaultValue = "false")
    private boolean check;

    /** Where channel names point (conda's channel_alias). */
    @Parameter(property = "lock.channelAlias", defaultValue = Channel.DEFAULT_ALIAS)
    private String channelAlias;

    /** Mirrors, comma-separated {@code NAME=URL} (e.g. {@code conda-forge=https://mirror/conda-forge,defaults=...}). */
    @Parameter(property = "lock.channelUrls")
    private String channelUrls;

    /** Virtual packages in place of the snapshot's, comma-separated {@code NAME=VERSION[=BUILD]} (e.g. {@code __cuda=12.4}). */
    @Parameter(property = "lock.virtual")
    private String virtualPackages;

    /** Longest silence of a channel server, in seconds. */
    @Parameter(property = "lock.timeout", defaultValue = "60")
    private int timeoutSeconds;

    /** Repodata cache; default {@code ~/.cache/pavics-jupyter/repodata}. */
    @Parameter(property = "lock.cacheDir")
    private File repodataCache;

    /**
     * The package indexes (PEP 503/691 simple API roots) for the pip section, comma-separated, first first; default
     * pip's {@code $PIP_INDEX_URL} and {@code $PIP_EXTRA_INDEX_URL} when set, else {@code https://pypi.org/simple/}.
     * Credentials: {@code https://user:token@host/...} or {@code ~/.netrc} ({@code $NETRC}).
     */
    @Parameter(property = "lock.pypiIndex")
    private String pypiIndex;

    /** Package index cache; default {@code ~/.cache/pavics-jupyter/pypi}. */
    @Parameter(property = "lock.pypiCacheDir")
    private File pypiCache;

    /** Solve afresh: do not keep the current lock's records. */
    @Parameter(property = "lock.update", defaultValue = "false")
    private boolean update;

    @Override
    public void execute() throws MojoFailureException {
        if (skipped()) {
            return;
        }
        lockEnvironment();
        ImageFilesGoal.lock(imageFiles, project.getArtifactId(), packageCache != null ? packageCache.toPath()
                : ca.crim.pavics.jupyter.env.fetch.PackageCache.defaultDir(System.getenv()), update, check,
                Duration.ofSeconds(Math.max(1, timeoutSeconds)), getLog());
    }


    /** The package cache the locked image files are downloaded into (the build's). */
    @Parameter(property = "image.env.cacheDir")
    private File packageCache;

    private void lockEnvironment() throws MojoFailureException {
        File lock = lockFile != null ? lockFile : new File(project.getBasedir(), "conda-lock.yml");
        String command = "./mvnw -pl " + project.getArtifactId() + " jupyter-image:lock";
        ImageLocking.Options options = new ImageLocking.Options(locator(), virtual(), update ? Set.of() : preferred(lock));
        RepodataCache cache = new RepodataCache(repodataCache != null ? repodataCache.toPath()
                : RepodataCache.defaultDir(System.getenv()), Duration.ofSeconds(Math.max(1, timeoutSeconds)), getLog()::info);
        ImageLocking.Outcome outcome;
        try {
            outcome = new ImageLocking(new CondaLocker(cache), pipSource(), getLog()::info).lock(environmentFile.toPath(),
                    baseSnapshot.toPath(), lock.toPath(), options);
        } catch (UnsatisfiableException e) {
            for (String line : e.getMessage().split("\n")) {
                getLog().error(line);
            }
            throw new MojoFailureException(environmentFile + " cannot be locked on top of the base: "
                    + e.getMessage().split("\n")[0] + " (the conflict is shown above)");
        } catch (SpecException | SnapshotException | LockRefusedException | IOException e) {
            throw new MojoFailureException(HelpfulSuggestions.forFailure(e, insecure), e);
        }
        outcome.notes().forEach(n -> getLog().warn(n));
        getLog().info(String.format("Solved in %.2f s (repodata %.2f s, %d decisions, %d conflicts): %s",
                outcome.result().solveTime().toNanos() / 1e9, outcome.result().readTime().toNanos() / 1e9,
                outcome.result().decisions(), outcome.result().conflicts(), outcome.result().summary()));
        outcome.pip().ifPresent(p -> getLog().info(String.format("pip: %d wheel%s for CPython %s (%d candidates tried, %d metadata"
                + " files fetched)", p.pins().size(), p.pins().size() == 1 ? "" : "s", p.python(), p.tries(), p.metadataFetched())));
        if (check) {
            if (!outcome.upToDate()) {
                throw new MojoFailureException(lock + (lock.isFile() ? " is not what a solve gives now" : " is missing")
                        + ": " + command);
            }
            getLog().info(lock.getName() + " is up to date");
            return;
        }
        if (outcome.upToDate()) {
            getLog().info(lock.getName() + " is up to date (unchanged)");
            return;
        }
        try {
            ImageLocking.write(lock.toPath(), outcome);
        } catch (IOException e) {
            throw new MojoFailureException("cannot write " + lock + ": " + e.getMessage(), e);
        }
        getLog().info("Wrote " + lock + ": commit it with " + environmentFile.getName());
        for (String other : List.of("pixi.lock", "environment.lock.txt")) {
            if (lockFile == null && new File(project.getBasedir(), other).isFile()) {
                getLog().warn(other + " beside it is no longer used (conda-lock.yml comes first): remove it");
            }
        }
    }

    /** The current lock's conda records ({@code name-version-build}), kept where they still fit. */
    private Set<String> preferred(File lock) {
        Set<String> out = new HashSet<>();
        if (!lock.isFile()) {
            return out;
        }
        try {
            String text = Files.readString(lock.toPath(), StandardCharsets.UTF_8);
            for (CondaPackage p : new LockFileReader().read(lock.toPath(), text, EnvironmentBuild.PLATFORM).conda()) {
                out.add(p.name() + "-" + p.version() + "-" + p.build());
            }
        } catch (IOException | LockException e) {
            getLog().warn("cannot read the current lock (" + e.getMessage() + "): solving afresh");
        }
        return out;
    }

    private PipLocking.Source pipSource() throws MojoFailureException {
        List<String> indexes = new ArrayList<>();
        String given = pypiIndex;
        String option = "lock.pypiIndex";
        if (given == null || given.isBlank()) {
            String env = System.getenv("PIP_INDEX_URL");
            String extra = System.getenv("PIP_EXTRA_INDEX_URL");
            given = (env == null || env.isBlank() ? PipLocking.PYPI : env.strip())
                    + (extra == null || extra.isBlank() ? "" : "," + String.join(",", extra.strip().split("\\s+")));
            option = "PIP_INDEX_URL / PIP_EXTRA_INDEX_URL";
        }
        for (String u : given.split(",")) {
            if (!u.isBlank()) {
                if (!u.strip().matches("(?i)https?://.+")) {
                    throw new MojoFailureException(option + ": '" + u.strip() + "' is not an http(s) URL"
                            + " (e.g. -Dlock.pypiIndex=https://pypi.org/simple/)");
                }
                indexes.add(u.strip());
            }
        }
        if (indexes.isEmpty()) {
            indexes.add(PipLocking.PYPI);
        }
        String netrcEnv = System.getenv("NETRC");
        java.nio.file.Path netrcFile = netrcEnv != null && !netrcEnv.isBlank() ? java.nio.file.Path.of(netrcEnv)
                : java.nio.file.Path.of(System.getProperty("user.home"), ".netrc");
        Netrc netrc;
        try {
            netrc = Netrc.read(netrcFile);
        } catch (IOException e) {
            throw new MojoFailureException("cannot read " + netrcFile + ": " + e.getMessage());
        }
        return new PipLocking.Source(indexes, pypiCache != null ? pypiCache.toPath() : SimpleIndex.defaultDir(System.getenv()),
                Duration.ofSeconds(Math.max(1, timeoutSeconds)), netrc);
    }

    private ChannelLocator locator() throws MojoFailureException {
        Map<String, String> mirrors = new LinkedHashMap<>();
        for (String entry : (channelUrls == null ? "" : channelUrls).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new MojoFailureException("lock.channelUrls: '" + entry.strip() + "' is not NAME=URL"
                        + " (e.g. -Dlock.channelUrls=conda-forge=https://mirror.example/conda-forge)");
            }
            mirrors.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return new ChannelLocator(channelAlias, mirrors);
    }

    private List<VirtualPackage> virtual() throws MojoFailureException {
        List<VirtualPackage> out = new ArrayList<>();
        for (String entry : (virtualPackages == null ? "" : virtualPackages).split(",")) {
            if (!entry.isBlank()) {
                try {
                    out.add(VirtualPackage.parse(entry));
                } catch (IllegalArgumentException e) {
                    throw new MojoFailureException("lock.virtual: " + e.getMessage());
                }
            }
        }
        return out;
    }
}
