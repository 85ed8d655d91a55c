package ca.crim.pavics.jupyter.env.lock;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.EnvironmentFileParser;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Adopts a lock made elsewhere (by conda-lock or pixi): checks every spec of {@code environment.yml} against the
 * lock and the base snapshot (conda's rules) and every pip requirement against the lock's wheels, then records the
 * environment file's hash in the lock ({@code # environment.yml sha256: HEX}, replacing an earlier such line, else
 * as the first line). Nothing is written when a check fails; the lock is replaced atomically.
 */
public final class LockAdoption {
    /** What was adopted. */
    public record Result(String format, int condaPackages, int wheels, String hashLine, boolean changed) {
    }

    private LockAdoption() {
    }

    /**
     * @throws LockException one line naming the spec that is not met, or the lock that cannot be read
     * @throws SpecException for a mistake in environment.yml
     * @throws SnapshotException for a missing or unreadable snapshot
     */
    public static Result adopt(Path lockFile, Path environmentFile, Path snapshotFile, Set<String> categories,
            String platform) throws LockException, SpecException, SnapshotException, IOException {
        String lockText;
        try {
            lockText = Files.readString(lockFile, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LockException(lockFile + " not found: put the lock made by conda-lock or pixi there first");
        }
        LockFile lock = new LockFileReader(categories).read(lockFile, lockText, platform);
        EnvironmentFile env = new EnvironmentFileParser(null).parse(environmentFile);
        BaseSnapshot base = BaseSnapshot.read(snapshotFile);
        LockChecks.checkSpecs(lockFile, environmentFile, env, lock, base.records(), LockChecks.basePip(base));
        String line = LockChecks.hashLine(Files.readAllBytes(environmentFile));
        Matcher existing = LockChecks.HASH_LINE.matcher(lockText);
        String updated = existing.find() ? lockText.substring(0, existing.start()) + line + lockText.substring(existing.end())
                : line + "\n" + lockText;
        boolean changed = !updated.equals(lockText);
        if (changed) {
            AtomicFiles.writeString(lockFile, updated);
        }
        return new Result(lock.format(), lock.conda().size(), lock.wheels().size(), line, changed);
    }
}
