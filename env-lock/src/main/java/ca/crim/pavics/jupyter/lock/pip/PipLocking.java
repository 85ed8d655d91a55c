package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.pypi.CondaPypiNames;
import ca.crim.pavics.jupyter.pypi.InvalidRequirementException;
import ca.crim.pavics.jupyter.pypi.Marker;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.ProjectName;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.pypi.WheelTags;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * pip's part of an image's lock: the {@code pip:} requirements of {@code environment.yml} resolved over the package
 * indexes for the python of the conda solution, on top of the conda packages (base and lock: fixed, named by
 * {@link CondaPypiNames}) and the base image's pip distributions (kept unless a requirement needs another version).
 */
public final class PipLocking {
    /** The indexes pip reads: {@code https://pypi.org/simple/} unless mirrors are given. */
    public static final String PYPI = "https://pypi.org/simple/";

    /**
     * Where wheels are looked up.
     *
     * @param indexUrls simple API roots, first first (a project comes from the first index that has it)
     * @param cacheDir the cache folder
     * @param timeout the longest silence on a connection
     * @param netrc credentials by host
     */
    public record Source(List<String> indexUrls, Path cacheDir, Duration timeout, Netrc netrc) {
        public Source {
            indexUrls = List.copyOf(indexUrls);
        }
    }

    /**
     * pip's part of a lock.
     *
     * @param pins what pip installs, by normalized name (kept base distributions and conda packages left out)
     * @param python the python it was resolved for
     * @param tries candidates tried
     * @param metadataFetched metadata files fetched over HTTP
     */
    public record Result(List<PipPin> pins, String python, int tries, int metadataFetched) {
        public Result {
            pins = List.copyOf(pins);
        }
    }

    /** A requirement: its text, and where it was written for messages ({@code environment.yml:12}, {@code --pip}). */
    public record Line(String text, String where) {
    }

    private final Source source;
    private final Consumer<String> notices;

    public PipLocking(Source source, Consumer<String> notices) {
        this.source = source;
        this.notices = notices;
    }

    /**
     * Reads the requirements and refuses what cannot be locked (VCS references, URLs that are not wheels, python).
     *
     * @throws PipResolutionException one line {@code WHERE: ...} naming the requirement
     */
    public static List<Requirement> parse(List<Line> requirements) throws PipResolutionException {
        List<Requirement> reqs = new ArrayList<>();
        for (Line l : requirements) {
            Requirement r;
            try {
                r = Requirement.parse(l.text());
            } catch (IllegalArgumentException e) {
                throw new PipResolutionException(l.where() + ": " + e.getMessage());
            }
            try {
                PipResolver.refuseUnlockable(r, "");
            } catch (PipResolutionException e) {
                throw new PipResolutionException(l.where() + ": " + e.getMessage());
            }
            reqs.add(r);
        }
        return reqs;
    }

    /**
     * Resolves {@code requirements} on top of {@code environment} (every conda record of the environment after the conda
     * solve, base ones included; {@code fromBase}: the names whose record is the base's) and the base's pip
     * distributions, for wheels that fit {@code glibc} (e.g. {@code 2.28}) and {@code arch} (e.g. {@code x86_64}).
     *
     * @param context what messages start with, e.g. {@code environment.yml: pip}
     * @throws PipResolutionException a requirement that is not PEP 508 or cannot be locked ({@code WHERE: ...}), no
     *     python in the environment, or what {@link PipResolver#resolve} throws, prefixed with {@code context}
     * @throws IOException an index that cannot be read (one line)
     */
    public Result lock(String context, List<Line> requirements, Map<String, PackageRecord> environment, Set<String> fromBase,
            List<BaseSnapshot.BasePip> basePip, String glibc, String arch) throws PipResolutionException, IOException {
        List<Requirement> reqs = parse(requirements);
        PackageRecord python = environment.get("python");
        if (python == null) {
            throw new PipResolutionException(context + ": a pip section needs python in the environment (in the base"
                    + " image or among the conda dependencies)");
        }
        Pep440Version pythonVersion;
        try {
            pythonVersion = Pep440Version.parse(python.version());
        } catch (IllegalArgumentException e) {
            throw new PipResolutionException(context + ": python " + python.version() + " is not a version pip can read");
        }
        long[] r = pythonVersion.release();
        String full = r[0] + "." + (r.length > 1 ? r[1] : 0) + "." + (r.length > 2 ? r[2] : 0);
        String[] g = glibc.split("\\.");
        int glibcMinor = g.length > 1 && g[1].matches("[0-9]+.*") ? Integer.parseInt(g[1].replaceAll("\\D.*", "")) : 17;
        String description = "CPython " + r[0] + "." + r[1] + " on manylinux_2_" + glibcMinor + "_" + arch;
        PipResolver.Target target = new PipResolver.Target(Marker.linuxCPython(full, arch),
                new WheelTags((int) r[1], 2, glibcMinor, arch), Pep440Version.parse(full), false, description);
        Map<String, InstalledDistribution> installed = new HashMap<>();
        for (BaseSnapshot.BasePip p : basePip) {
            if (!p.installer().equalsIgnoreCase("conda")) {
                String n = ProjectName.normalize(p.name());
                installed.put(n, new InstalledDistribution(n, p.version(), "pip distribution " + p.name() + " " + p.version()
                        + " of the base image", true));
            }
        }
        for (PackageRecord rec : environment.values()) {
            CondaPypiNames.pypiName(rec.name(), rec.depends(), rec.noarch().filter("python"::equals).isPresent()).ifPresent(n ->
                    installed.put(n, new InstalledDistribution(n, rec.version(), "conda package " + rec.name() + " " + rec.version()
                            + (fromBase.contains(rec.name()) ? " of the base image" : " of the conda solution"), false)));
        }
        try (SimpleIndex index = new SimpleIndex(source.indexUrls(), source.cacheDir(), source.timeout(), source.netrc(), notices)) {
            PipResolver resolver = new PipResolver(index, target, installed);
            Map<String, PipPin> pins;
            try {
                pins = resolver.resolve(reqs);
            } catch (PipResolutionException e) {
                throw new PipResolutionException(context + ": " + e.getMessage());
            } catch (PypiException e) {
                throw new IOException(e.getMessage(), e);
            } catch (InvalidRequirementException e) {
                throw new PipResolutionException(context + ": " + e.getMessage());
            }
            List<PipPin> installs = new ArrayList<>();
            for (PipPin p : pins.values()) {
                if (!p.installs()) {
                    continue;
                }
                DistributionFile f = p.file().get();
                if (f.sha256().isEmpty()) {
                    // the index gives no hash: download the wheel once to hash it, as for a direct URL
                    try {
                        f = new DistributionFile(f.filename(), f.url(), Optional.of(index.sha256Of(f.url())), f.requiresPython(),
                                f.yanked(), f.metadata(), f.metadataSha256());
                    } catch (PypiException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    p = new PipPin(p.name(), p.version(), Optional.of(f), p.installed());
                }
                installs.add(p);
            }
            return new Result(installs, full, resolver.tries(), index.metadataFetched());
        }
    }
}
