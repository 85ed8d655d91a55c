package ca.crim.pavics.jupyter.lock.image;

import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.image.AtomicFiles;
import ca.crim.pavics.jupyter.lock.BaseState;
import ca.crim.pavics.jupyter.lock.CondaLocker;
import ca.crim.pavics.jupyter.lock.LockRefusedException;
import ca.crim.pavics.jupyter.lock.LockRequest;
import ca.crim.pavics.jupyter.lock.LockResult;
import ca.crim.pavics.jupyter.lock.lockfile.CondaLockWriter;
import ca.crim.pavics.jupyter.lock.lockfile.LockHeader;
import ca.crim.pavics.jupyter.lock.pip.PipLocking;
import ca.crim.pavics.jupyter.lock.pip.PipResolutionException;
import ca.crim.pavics.jupyter.lock.repodata.ChannelLocator;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.spec.CondaSpec;
import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.EnvironmentFileParser;
import ca.crim.pavics.jupyter.spec.PipRequirement;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Locks an image module: its {@code environment.yml} conda specs solved over its channels on top of the base
 * snapshot (installed records, pins, system), then its pip requirements over the package index on top of that
 * ({@link PipLocking}), written as {@code conda-lock.yml} ({@link CondaLockWriter}).
 */
public final class ImageLocking {
    /**
     * @param locator where the environment's channels are read from (alias, mirrors)
     * @param virtual virtual packages put in place of the snapshot's (e.g. {@code __cuda})
     * @param preferred {@code name-version-build} of records to keep where possible (the current lock's)
     */
    public record Options(ChannelLocator locator, List<VirtualPackage> virtual, Set<String> preferred) {
        public Options {
            virtual = List.copyOf(virtual);
            preferred = Set.copyOf(preferred);
        }
    }

    /**
     * @param result the solve
     * @param text the lock's text
     * @param upToDate whether the lock file already holds exactly this text
     * @param notes what was assumed or ignored, one sentence each
     */
    public record Outcome(LockResult result, Optional<PipLocking.Result> pip, String text, boolean upToDate, List<String> notes) {
        public Outcome {
            notes = List.copyOf(notes);
        }
    }

    private final CondaLocker locker;
    private final Optional<PipLocking> pip;
    private final List<String> pipIndexes;

    /** Conda only: a file with a pip section is refused. */
    public ImageLocking(CondaLocker locker) {
        this.locker = locker;
        this.pip = Optional.empty();
        this.pipIndexes = List.of();
    }

    /** Conda, then pip's part over {@code pipSource}. */
    public ImageLocking(CondaLocker locker, PipLocking.Source pipSource, java.util.function.Consumer<String> notices) {
        this.locker = locker;
        this.pip = Optional.of(new PipLocking(pipSource, notices));
        this.pipIndexes = pipSource.indexUrls();
    }

    /**
     * Solves the module's environment and makes its lock's text (nothing is written: see {@link #write}).
     *
     * @param lockFile the lock the text is compared with (it need not exist)
     * @throws SpecException one line {@code FILE:LINE:COL: ...} for a mistake in {@code environment.yml}
     * @throws SnapshotException one line naming a snapshot that is missing or invalid
     * @throws LockRefusedException the file asks for what cannot be locked here (no channels; pip requirements without
     *     a pip source), or pip's part cannot be resolved (a VCS reference, an sdist-only project, a conflict: the
     *     message names the requirements and their chains)
     * @throws UnsatisfiableException the specs cannot be met on top of the base: the message names the conflicting
     *     specs, the dependency chains between them, and base packages that block
     * @throws IOException one line naming a channel that cannot be read, or a file that cannot
     */
    public Outcome lock(Path environmentFile, Path snapshotFile, Path lockFile, Options options)
            throws SpecException, SnapshotException, LockRefusedException, UnsatisfiableException, IOException {
        byte[] envBytes = Files.readAllBytes(environmentFile);
        EnvironmentFile env = new EnvironmentFileParser(null).parse(environmentFile);
        if (!env.pip().isEmpty() && pip.isEmpty()) {
            PipRequirement first = env.pip().get(0);
            int more = env.pip().size() - 1;
            throw new LockRefusedException(environmentFile + ":" + first.line() + ": a pip section ('" + first.raw() + "'"
                    + (more > 0 ? " and " + more + " more" : "") + ") cannot be locked without a package index");
        }
        if (env.channels().isEmpty()) {
            throw new LockRefusedException(environmentFile + ": no channels: list the channels to read, in priority order"
                    + " (e.g. conda-forge)");
        }
        BaseSnapshot snapshot = BaseSnapshot.read(snapshotFile);
        BaseState base = BaseState.of(snapshot, snapshotFile, options.virtual());
        List<Channel> channels;
        try {
            channels = options.locator().channels(env.channels());
        } catch (IllegalArgumentException e) {
            throw new LockRefusedException(environmentFile + ": channels: " + e.getMessage());
        }
        List<MatchSpec> specs = new ArrayList<>();
        for (CondaSpec s : env.conda()) {
            specs.add(options.locator().locate(s.spec(), channels));
        }
        LockRequest request = new LockRequest(channels, specs, base.installed(), base.pinned(), base.virtual(),
                options.preferred());
        List<PipLocking.Line> lines = env.pip().stream()
                .map(r -> new PipLocking.Line(r.raw(), environmentFile + ":" + r.line())).toList();
        try {
            PipLocking.parse(lines); // a requirement that cannot be locked is refused before the conda solve
        } catch (PipResolutionException e) {
            throw new LockRefusedException(e.getMessage());
        }
        LockResult result = locker.lock(request);
        Optional<PipLocking.Result> pipResult = Optional.empty();
        if (!env.pip().isEmpty()) {
            Set<String> changed = new java.util.HashSet<>();
            result.changes().forEach(c -> changed.add(c.record().name()));
            Set<String> fromBase = new java.util.HashSet<>(result.environment().keySet());
            fromBase.removeAll(changed);
            try {
                String glibc = base.glibc();
                String arch = snapshot.system().architecture().isBlank() ? "x86_64" : snapshot.system().architecture();
                pipResult = Optional.of(pip.get().lock(environmentFile + ": pip", lines, result.environment(), fromBase,
                        snapshot.pip(), glibc, arch));
            } catch (PipResolutionException e) {
                throw new LockRefusedException(e.getMessage());
            }
        }
        LockHeader header = new LockHeader(Digests.sha256Hex(envBytes), environmentFile.getFileName().toString(),
                snapshot.image().map(BaseSnapshot.ImageInfo::reference),
                snapshot.image().map(BaseSnapshot.ImageInfo::digest), channels);
        String text = CondaLockWriter.write(result, header, pipResult.map(PipLocking.Result::pins).orElse(List.of()),
                pipResult.isPresent() ? pipIndexes : List.of());
        boolean upToDate = Files.isRegularFile(lockFile)
                && Files.readString(lockFile, StandardCharsets.UTF_8).equals(text);
        List<String> notes = new ArrayList<>(env.notes());
        notes.addAll(base.notes());
        return new Outcome(result, pipResult, text, upToDate, notes);
    }

    /** Writes the lock atomically (a reader sees the old file or the new one, never half of one). */
    public static void write(Path lockFile, Outcome outcome) throws IOException {
        AtomicFiles.writeString(lockFile, outcome.text());
    }

}
