package ca.crim.pavics.jupyter.env.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.pypi.CondaPypiNames;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.ProjectName;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.spec.CondaSpec;
import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.PipRequirement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks that a lock still belongs to its {@code environment.yml}: the hash recorded in the lock (a comment line
 * {@code # environment.yml sha256: HEX}) equals the file's, every conda spec has a locked (or base) package whose
 * version satisfies it, every pip requirement a locked wheel or an installed distribution (conda's or the base's)
 * of a version it admits.
 */
public final class LockChecks {
    public static final Pattern HASH_LINE = Pattern.compile("(?m)^#\\s*environment\\.yml sha256:\\s*([0-9a-fA-F]{64})\\s*$");

    private LockChecks() {
    }

    /** The line to put in a lock file to record the environment file it was made from. */
    public static String hashLine(byte[] environmentFile) {
        return "# environment.yml sha256: " + Digests.sha256Hex(environmentFile);
    }

    public static Optional<String> recordedHash(String lockText) {
        Matcher m = HASH_LINE.matcher(lockText);
        return m.find() ? Optional.of(m.group(1).toLowerCase()) : Optional.empty();
    }

    /**
     * Checks the recorded environment hash, then every spec and requirement.
     *
     * @param baseRecords the base environment's conda packages by name (a spec may be met by the base)
     * @throws LockException one line naming the file (and line) and what to do
     */
    public static void check(Path lockFile, String lockText, Path environmentFile, byte[] environmentBytes,
            EnvironmentFile environment, LockFile lock, Map<String, PackageRecord> baseRecords) throws LockException {
        check(lockFile, lockText, environmentFile, environmentBytes, environment, lock, baseRecords, Map.of());
    }

    /**
     * As {@link #check(Path, String, Path, byte[], EnvironmentFile, LockFile, Map)}, with the base image's pip
     * distributions ({@link #basePip}) that may meet a pip requirement.
     *
     * @throws LockException one line naming the file (and line) and what to do
     */
    public static void check(Path lockFile, String lockText, Path environmentFile, byte[] environmentBytes,
            EnvironmentFile environment, LockFile lock, Map<String, PackageRecord> baseRecords, Map<String, String> basePip)
            throws LockException {
        String actual = Digests.sha256Hex(environmentBytes);
        Optional<String> recorded = recordedHash(lockText);
        if (recorded.isEmpty()) {
            throw new StaleLockException(lockFile + ": no '# environment.yml sha256: ...' line, so it cannot be checked against "
                    + environmentFile.getFileName() + ": regenerate the lock");
        }
        if (!recorded.get().equals(actual)) {
            throw new StaleLockException(environmentFile + " changed since " + lockFile.getFileName()
                    + " was made (sha256 " + actual.substring(0, 12) + " now, " + recorded.get().substring(0, 12)
                    + " in the lock): regenerate the lock");
        }
        checkSpecs(lockFile, environmentFile, environment, lock, baseRecords, basePip);
    }

    /** The pip-installed distributions of a base snapshot (not conda's), PEP 503 name to version. */
    public static Map<String, String> basePip(ca.crim.pavics.jupyter.snapshot.BaseSnapshot base) {
        Map<String, String> out = new java.util.HashMap<>();
        for (ca.crim.pavics.jupyter.snapshot.BaseSnapshot.BasePip p : base.pip()) {
            if (!p.installer().equalsIgnoreCase("conda")) {
                out.put(ProjectName.normalize(p.name()), p.version());
            }
        }
        return out;
    }

    /**
     * Checks that every conda spec of the environment is met by the lock's package of that name, else by the base's,
     * (conda's match spec rules) and that every pip requirement has a locked wheel.
     *
     * @throws LockException one line {@code environment.yml:LINE: 'SPEC' ...} naming what fails
     */
    public static void checkSpecs(Path lockFile, Path environmentFile, EnvironmentFile environment, LockFile lock,
            Map<String, PackageRecord> baseRecords) throws LockException {
        checkSpecs(lockFile, environmentFile, environment, lock, baseRecords, Map.of());
    }

    /**
     * As {@link #checkSpecs(Path, Path, EnvironmentFile, LockFile, Map)}; a pip requirement is met by a locked wheel,
     * else by a conda package of the lock or the base that installs that project ({@link CondaPypiNames}), else by a
     * pip distribution of the base, each of a version the requirement admits (PEP 440).
     *
     * @throws LockException one line {@code environment.yml:LINE: ...} naming what fails
     */
    public static void checkSpecs(Path lockFile, Path environmentFile, EnvironmentFile environment, LockFile lock,
            Map<String, PackageRecord> baseRecords, Map<String, String> basePip) throws LockException {
        Map<String, CondaPackage> conda = lock.conda().stream()
                .collect(Collectors.toMap(CondaPackage::name, Function.identity(), (a, b) -> a));
        for (CondaSpec spec : environment.conda()) {
            CondaPackage locked = conda.get(spec.name());
            PackageRecord record = locked != null ? locked.toRecord() : baseRecords.get(spec.name());
            if (record == null) {
                throw new StaleLockException(environmentFile + ":" + spec.line() + ": '" + spec.raw()
                        + "' has no package in " + lockFile.getFileName() + " nor in the base image: regenerate the lock");
            }
            if (!spec.spec().matches(record)) {
                throw new StaleLockException(environmentFile + ":" + spec.line() + ": '" + spec.raw() + "' is not met by "
                        + record.name() + " " + record.version() + " " + record.build()
                        + (locked != null ? " in " + lockFile.getFileName() : " of the base image") + ": regenerate the lock");
            }
        }
        Map<String, WheelPackage> wheels = lock.wheels().stream()
                .collect(Collectors.toMap(WheelPackage::normalizedName, Function.identity(), (a, b) -> a));
        Map<String, PackageRecord> condaPython = new java.util.HashMap<>();
        List<PackageRecord> condaRecords = new java.util.ArrayList<>(baseRecords.values());
        lock.conda().forEach(c -> condaRecords.add(c.toRecord()));
        for (PackageRecord r : condaRecords) {
            CondaPypiNames.pypiName(r.name(), r.depends(), r.noarch().filter("python"::equals).isPresent())
                    .ifPresent(n -> condaPython.put(n, r));
        }
        for (PipRequirement req : environment.pip()) {
            WheelPackage locked = wheels.get(req.normalizedName());
            if (locked != null && isWheel(locked.url())) {
                requireVersion(environmentFile, req, locked.version(), "locked in " + lockFile.getFileName());
                continue;
            }
            if (locked == null && !req.isDirectReference()) {
                PackageRecord fromConda = condaPython.get(req.normalizedName());
                if (fromConda != null) {
                    requireVersion(environmentFile, req, fromConda.version(), "installed by conda package " + fromConda.name());
                    continue;
                }
                String base = basePip.get(req.normalizedName());
                if (base != null) {
                    requireVersion(environmentFile, req, base, "a pip distribution of the base image");
                    continue;
                }
            }
            String why = req.isDirectReference() && req.url().startsWith("git+")
                    ? "is a direct VCS reference: it must be locked to a built wheel (a .whl URL with its sha256)"
                    : locked == null ? "has no wheel in " + lockFile.getFileName()
                    : "is locked to " + locked.url() + ", not to a wheel (.whl)";
            throw new StaleLockException(environmentFile + ":" + req.line() + ": pip requirement '" + req.raw() + "' "
                    + why + ": regenerate the lock");
        }
        List<WheelPackage> notWheels = lock.wheels().stream().filter(w -> !isWheel(w.url())).toList();
        if (!notWheels.isEmpty()) {
            throw new LockException(lockFile + ": pip package " + notWheels.get(0).name() + " is locked to "
                    + notWheels.get(0).url() + ", not to a wheel (.whl): only wheels can be installed without Python");
        }
    }

    /** The requirement's version clauses (PEP 440) admit {@code version}; a version pip cannot read is not judged. */
    private static void requireVersion(Path environmentFile, PipRequirement req, String version, String where)
            throws StaleLockException {
        Requirement parsed;
        try {
            parsed = Requirement.parse(req.raw());
        } catch (IllegalArgumentException e) {
            return; // the lock goal reports an unreadable requirement; the installer does not judge it
        }
        java.util.Optional<Pep440Version> v = Pep440Version.tryParse(version);
        if (v.isPresent() && !parsed.specifiers().containsIgnoringPrereleasePolicy(v.get())) {
            throw new StaleLockException(environmentFile + ":" + req.line() + ": pip requirement '" + req.raw() + "' is not met by "
                    + parsed.normalizedName() + " " + version + " (" + where + "): regenerate the lock");
        }
    }

    static boolean isWheel(String url) {
        String clean = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        return clean.endsWith(".whl");
    }
}
