package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.pypi.InvalidVersionException;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.pypi.SpecifierSet;
import ca.crim.pavics.jupyter.pypi.WheelFilename;
import ca.crim.pavics.jupyter.registry.Digests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The candidates of each project for {@link PipResolver}: what is installed first (alone when it cannot change), then
 * the index's versions newest first, each with its best wheel for the target (tag rank, then file name; a yanked
 * file only when no other file of that version fits); direct {@code .whl} references downloaded once, checked
 * against their {@code #sha256=} and hashed.
 */
final class WheelCandidates {
    /** A version of a project: from a wheel ({@code file}), or what is installed ({@code installed}). */
    record Candidate(Pep440Version version, DistributionFile file, InstalledDistribution installed) {
        String label(String name) {
            return name + " " + version + (installed != null ? " (" + installed.origin() + ")" : "");
        }
    }

    private final SimpleIndex index;
    private final Map<String, java.util.Set<String>> reasons = new HashMap<>();
    private final PipResolver.Target target;
    private final Map<String, InstalledDistribution> installed;

    WheelCandidates(SimpleIndex index, PipResolver.Target target, Map<String, InstalledDistribution> installed) {
        this.index = index;
        this.target = target;
        this.installed = installed;
    }

    /** Why the wheels of {@code name} do not fit (after {@link #all}): their tags, Requires-Python, bad names; a few. */
    String whyNoneFit(String name) {
        java.util.Set<String> r = reasons.getOrDefault(name, java.util.Set.of());
        return String.join("; ", r.stream().limit(4).toList()) + (r.size() > 4 ? "; …" : "");
    }

    /** A source distribution's file name ({@code .tar.gz}, {@code .zip}, {@code .tar.bz2}, {@code .tgz}). */
    static boolean isSdist(DistributionFile f) {
        String n = f.filename().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".tar.gz") || n.endsWith(".zip") || n.endsWith(".tar.bz2") || n.endsWith(".tgz") || n.endsWith(".tar.xz");
    }

    static String stripFragment(String url) {
        return url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
    }

    private final Map<String, List<Candidate>> allCandidates = new HashMap<>();

    /** Every candidate of a project, installed first, then newest first; wheels that fit the target only. */
    List<Candidate> all(String name) throws PypiException {
        List<Candidate> cached = allCandidates.get(name);
        if (cached != null) {
            return cached;
        }
        List<Candidate> out = new ArrayList<>();
        InstalledDistribution inst = installed.get(name);
        if (inst != null) {
            Optional<Pep440Version> v = Pep440Version.tryParse(inst.version());
            if (v.isPresent()) {
                out.add(new Candidate(v.get(), null, inst));
            }
            if (!inst.replaceable()) {
                allCandidates.put(name, out);
                return out;
            }
        }
        Map<Pep440Version, DistributionFile> best = new TreeMap<>(java.util.Comparator.reverseOrder());
        Map<Pep440Version, Integer> rank = new HashMap<>();
        for (DistributionFile f : index.files(name)) {
            if (!f.isWheel()) {
                continue;
            }
            WheelFilename w;
            try {
                w = WheelFilename.parse(f.filename());
            } catch (InvalidVersionException e) {
                reasons.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add("not a valid wheel file name: " + f.filename());
                continue; // not a wheel pip could install either
            }
            if (!w.normalizedName().equals(name)) {
                continue; // a file of another project listed on this page: pip skips it too
            }
            java.util.OptionalInt r = target.tags().best(w);
            if (r.isEmpty()) {
                reasons.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add("tags: " + String.join(".", w.tags().subList(0, Math.min(2, w.tags().size()))));
                continue;
            }
            if (!pythonFits(f.requiresPython())) {
                reasons.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add("Requires-Python " + f.requiresPython());
                continue;
            }
            Integer prev = rank.get(w.version());
            if (prev == null || r.getAsInt() < prev || (r.getAsInt() == prev && f.filename().compareTo(best.get(w.version()).filename()) < 0)
                    || (best.get(w.version()).yanked() && !f.yanked())) {
                best.put(w.version(), f);
                rank.put(w.version(), r.getAsInt());
            }
        }
        best.forEach((v, f) -> {
            if (inst == null || !inst.version().equals(v.toString())) {
                out.add(new Candidate(v, f, null));
            }
        });
        allCandidates.put(name, out);
        return out;
    }

    boolean pythonFits(String requiresPython) {
        if (requiresPython == null || requiresPython.isBlank()) {
            return true;
        }
        try {
            return SpecifierSet.parse(requiresPython).containsIgnoringPrereleasePolicy(target.python());
        } catch (InvalidVersionException e) {
            return true; // an unreadable Requires-Python is ignored, as pip does
        }
    }

    private final Map<String, Candidate> directs = new HashMap<>();

    Candidate direct(Requirement r) throws PipResolutionException, PypiException {
        String url = r.url().get();
        String clean = stripFragment(url);
        Candidate c = directs.get(clean);
        if (c != null) {
            return c;
        }
        String filename = clean.substring(clean.lastIndexOf('/') + 1);
        WheelFilename w;
        try {
            w = WheelFilename.parse(filename);
        } catch (InvalidVersionException e) {
            throw new PipResolutionException("'" + r + "': " + e.getMessage());
        }
        if (!w.normalizedName().equals(r.normalizedName())) {
            throw new PipResolutionException("'" + r + "': the wheel is of " + w.name() + ", not " + r.name());
        }
        if (target.tags().best(w).isEmpty()) {
            throw new PipResolutionException("'" + r + "': the wheel's tags " + w.tags() + " do not fit " + target.description());
        }
        Optional<String> sha = Optional.empty();
        if (url.contains("#sha256=")) {
            sha = Optional.of(url.substring(url.indexOf("#sha256=") + 8).toLowerCase(java.util.Locale.ROOT));
        }
        byte[] bytes = index.download(clean);
        String actual = Digests.sha256Hex(bytes);
        if (sha.isPresent() && !sha.get().equals(actual)) {
            throw new PipResolutionException("'" + r + "': the wheel's sha256 is " + actual + ", not the " + sha.get()
                    + " the requirement gives (damaged, altered, or a wrong hash)");
        }
        DistributionFile file = new DistributionFile(filename, clean, Optional.of(actual), "", false, false, Optional.empty());
        index.rememberMetadata(file, bytes); // downloaded whole already: no range requests for its metadata
        c = new Candidate(w.version(), file, null);
        directs.put(clean, c);
        return c;
    }

}
