package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.lock.pip.WheelCandidates.Candidate;
import ca.crim.pavics.jupyter.pypi.CoreMetadata;
import ca.crim.pavics.jupyter.pypi.InvalidRequirementException;
import ca.crim.pavics.jupyter.pypi.InvalidVersionException;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.pypi.SpecifierSet;
import ca.crim.pavics.jupyter.pypi.WheelFilename;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resolves pip requirements to wheels over a {@link SimpleIndex}, on top of what is installed: a backtracking search
 * with conflict-directed backjumping (a failure goes back to the latest decision that caused it, skipping unrelated
 * ones). Newest versions first; an installed distribution that satisfies its requirements is kept; pre-releases only
 * when asked, named, or the only match (PEP 440, as pip); yanked files only for an {@code ==}/{@code ===} pin of the
 * environment's own requirements (PEP 592; a dependency's pin does not revive a yanked release); wheels whose
 * tags and {@code Requires-Python} fit the target. Extras are virtual nodes {@code name[extra]} tied to {@code name}'s
 * version. Metadata is read only for the versions tried.
 */
public final class PipResolver {
    /** The environment being resolved for: PEP 508 marker values, accepted wheel tags, python, pre-release policy. */
    public record Target(Map<String, String> markers, ca.crim.pavics.jupyter.pypi.WheelTags tags, Pep440Version python,
            boolean prereleases, String description) {
    }

    private static final int MAX_TRIES = 200_000;

    private record Constraint(Requirement requirement, String parent) {
    }

    private static final class State {
        final Map<String, Candidate> pins;
        final Map<String, List<Constraint>> constraints;

        State(Map<String, Candidate> pins, Map<String, List<Constraint>> constraints) {
            this.pins = pins;
            this.constraints = constraints;
        }

        State copy() {
            Map<String, List<Constraint>> c = new HashMap<>();
            constraints.forEach((k, v) -> c.put(k, new ArrayList<>(v)));
            return new State(new HashMap<>(pins), c);
        }
    }

    private final SimpleIndex index;
    private final WheelCandidates pool;
    private final Target target;
    private final Map<String, InstalledDistribution> installed;
    /** A candidate's metadata: whether its Requires-Python admits the target's python, and its Requires-Dist. */
    private record Metadata(boolean pythonFits, List<Requirement> requiresDist) {
    }

    private final Map<String, Metadata> metadata = new HashMap<>();
    private final List<String> deadEnds = new ArrayList<>();
    private int tries;

    /**
     * @param installed what the environment has before pip's part, by normalized name
     */
    public PipResolver(SimpleIndex index, Target target, Map<String, InstalledDistribution> installed) {
        this.index = index;
        this.target = target;
        this.installed = Map.copyOf(installed);
        this.pool = new WheelCandidates(index, target, this.installed);
    }

    /** How many candidates were tried in the last {@link #resolve}. */
    public int tries() {
        return tries;
    }

    /**
     * Resolves {@code requirements}.
     *
     * @return what pip's part installs or keeps, by normalized name (installed conda packages left out)
     * @throws PipResolutionException unsatisfiable (with the conflict and its chains), or a project that has no wheel
     * @throws PypiException the index cannot be read
     */
    public Map<String, PipPin> resolve(List<Requirement> requirements) throws PipResolutionException, PypiException {
        tries = 0;
        deadEnds.clear();
        State start = new State(new HashMap<>(), new HashMap<>());
        for (Requirement r : requirements) {
            if (r.appliesTo(target.markers(), Set.of())) {
                refuseUnlockable(r, "");
                for (String key : keys(r)) {
                    start.constraints.computeIfAbsent(key, k -> new ArrayList<>()).add(new Constraint(r, ""));
                }
            }
        }
        Object result = solve(start);
        if (result instanceof State done) {
            Map<String, PipPin> out = new TreeMap<>();
            for (Map.Entry<String, Candidate> e : done.pins.entrySet()) {
                if (e.getKey().contains("[")) {
                    continue;
                }
                Candidate c = e.getValue();
                if (c.installed() != null && !c.installed().replaceable()) {
                    continue;
                }
                out.put(e.getKey(), new PipPin(e.getKey(), c.version(), Optional.ofNullable(c.file()),
                        Optional.ofNullable(installed.get(e.getKey()))));
            }
            return out;
        }
        String last = deadEnds.isEmpty() ? "no combination of versions satisfies the requirements" : deadEnds.get(deadEnds.size() - 1);
        int others = deadEnds.size() - 1;
        throw new PipResolutionException("the pip requirements cannot be met together: " + last
                + (others > 0 ? " (" + others + " other combination" + (others > 1 ? "s" : "") + " tried and refused)" : ""));
    }

    /**
     * Refuses what cannot be locked to a wheel: a VCS reference, a direct URL that is not a {@code .whl}, and
     * {@code python} itself (conda's).
     *
     * @param parent who requires it ("" for the environment)
     * @throws PipResolutionException one line naming the requirement and what to use instead
     */
    public static void refuseUnlockable(Requirement r, String parent) throws PipResolutionException {
        refuseVcs(r, parent);
        if (parent.isEmpty() && r.normalizedName().equals("python")) {
            throw new PipResolutionException("'" + r + "': python is not a pip requirement: it comes from conda (put 'python"
                    + " X.Y.*' among the conda dependencies)");
        }
    }

    private static void refuseVcs(Requirement r, String parent) throws PipResolutionException {
        if (r.url().isPresent()) {
            String url = r.url().get();
            String path = url.replaceAll("[#?].*", "");
            if (url.startsWith("git+") || url.startsWith("hg+") || url.startsWith("svn+") || url.startsWith("bzr+")) {
                throw new PipResolutionException("'" + r + "'" + (parent.isEmpty() ? "" : " (required by " + parent + ")")
                        + " is a VCS reference, which cannot be locked to a wheel: use a published wheel of the project (e.g. '"
                        + r.name() + "==VERSION' from the index) or a direct .whl URL with its sha256");
            }
            if (!path.endsWith(".whl")) {
                throw new PipResolutionException("'" + r + "'" + (parent.isEmpty() ? "" : " (required by " + parent + ")")
                        + " is not a wheel (.whl): only wheels can be locked and installed without Python; use a published wheel or a direct .whl URL with its sha256");
            }
        }
    }

    private static List<String> keys(Requirement r) {
        List<String> keys = new ArrayList<>();
        keys.add(r.normalizedName());
        for (String e : r.extras()) {
            keys.add(r.normalizedName() + "[" + e + "]");
        }
        return keys;
    }

    private static String base(String key) {
        int b = key.indexOf('[');
        return b < 0 ? key : key.substring(0, b);
    }

    /** A solved state, or the set of decisions (keys) that caused the failure. */
    private Object solve(State s) throws PipResolutionException, PypiException {
        String key = pick(s);
        if (key == null) {
            return s;
        }
        List<Constraint> cons = s.constraints.get(key);
        Set<String> conflict = new HashSet<>();
        for (Constraint c : cons) {
            if (!c.parent().isEmpty()) {
                conflict.add(c.parent());
            }
        }
        List<Candidate> candidates = candidates(key, cons, s);
        if (candidates.isEmpty()) {
            deadEnds.add(noVersion(key, cons, s));
            return conflict;
        }
        for (Candidate cand : candidates) {
            if (++tries > MAX_TRIES) {
                throw new PipResolutionException("the pip requirements need more than " + MAX_TRIES
                        + " tries to resolve: pin some of them (==) to narrow the search");
            }
            Optional<List<Requirement>> deps = dependenciesOf(key, cand);
            if (deps.isEmpty()) {
                deadEnds.add(cand.label(base(key)) + " requires a python other than " + target.python() + chain(key, s));
                continue;
            }
            for (Requirement d : deps.get()) {
                if (d.url().isEmpty()) {
                    index.prefetch(d.normalizedName()); // the pages the next decisions read, in parallel
                }
            }
            State n = s.copy();
            n.pins.put(key, cand);
            String clash = null;
            for (Requirement d : deps.get()) {
                refuseVcs(d, cand.label(base(key)));
                for (String k : keys(d)) {
                    n.constraints.computeIfAbsent(k, x -> new ArrayList<>()).add(new Constraint(d, key));
                    Candidate pinned = n.pins.get(k);
                    if (pinned != null && !satisfies(pinned, d)) {
                        clash = k;
                        deadEnds.add(cand.label(base(key)) + " requires " + d + ", but " + pinned.label(base(k))
                                + " was chosen" + chosenFor(k, n, d));
                        break;
                    }
                }
                if (clash != null) {
                    break;
                }
            }
            if (clash != null) {
                if (n.pins.get(clash).installed() == null || n.pins.get(clash).installed().replaceable()) {
                    conflict.add(clash);
                }
                continue;
            }
            Object r = solve(n);
            if (r instanceof State) {
                return r;
            }
            @SuppressWarnings("unchecked")
            Set<String> sub = (Set<String>) r;
            if (!sub.contains(key)) {
                return sub; // this decision is not the cause: go back further
            }
            sub.remove(key);
            conflict.addAll(sub);
        }
        return conflict;
    }

    /** The next key to decide: the one with the fewest candidates, by name among equals. */
    private String pick(State s) throws PypiException, PipResolutionException {
        String best = null;
        int fewest = Integer.MAX_VALUE;
        for (String key : new java.util.TreeSet<>(s.constraints.keySet())) {
            if (s.pins.containsKey(key)) {
                continue;
            }
            int n = candidates(key, s.constraints.get(key), s).size();
            if (n < fewest) {
                fewest = n;
                best = key;
                if (n <= 1) {
                    break;
                }
            }
        }
        return best;
    }

    private boolean satisfies(Candidate c, Requirement r) {
        if (r.url().isPresent()) {
            return c.file() != null && c.file().url().equals(WheelCandidates.stripFragment(r.url().get()));
        }
        return r.specifiers().containsIgnoringPrereleasePolicy(c.version());
    }

    private List<Candidate> candidates(String key, List<Constraint> cons, State s) throws PypiException, PipResolutionException {
        String name = base(key);
        if (!key.equals(name) && s.pins.containsKey(name)) {
            Candidate pinned = s.pins.get(name);
            for (Constraint c : cons) {
                if (!satisfies(pinned, c.requirement())) {
                    return List.of();
                }
            }
            return List.of(pinned);
        }
        Optional<String> url = Optional.empty();
        for (Constraint c : cons) {
            if (c.requirement().url().isPresent()) {
                String u = WheelCandidates.stripFragment(c.requirement().url().get());
                if (url.isPresent() && !url.get().equals(u)) {
                    return List.of();
                }
                url = Optional.of(u);
            }
        }
        List<Candidate> options;
        if (url.isPresent()) {
            Requirement withUrl = cons.stream().map(Constraint::requirement).filter(r -> r.url().isPresent()).findFirst().orElseThrow();
            options = List.of(pool.direct(withUrl));
        } else {
            options = pool.all(name);
        }
        SpecifierSet combined = SpecifierSet.ANY;
        boolean exactPin = false;
        for (Constraint c : cons) {
            combined = combined.and(c.requirement().specifiers());
            exactPin |= c.parent().isEmpty() && c.requirement().specifiers().specifiers().stream()
                    .anyMatch(sp -> (sp.operator().equals("==") && !sp.version().endsWith(".*")) || sp.operator().equals("==="));
        }
        List<Pep440Version> versions = new ArrayList<>();
        for (Candidate c : options) {
            if (c.file() == null || !c.file().yanked() || exactPin) {
                versions.add(c.version());
            }
        }
        Set<Pep440Version> allowed = new HashSet<>(combined.filter(versions, target.prereleases()));
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : options) {
            if (allowed.contains(c.version()) && (c.file() == null || !c.file().yanked() || exactPin)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The dependencies of a candidate for {@code key}'s extra; empty when its metadata refuses the target's python. */
    private Optional<List<Requirement>> dependenciesOf(String key, Candidate c) throws PypiException {
        String name = base(key);
        List<Requirement> deps = new ArrayList<>();
        if (!key.equals(name)) {
            deps.add(Requirement.parse(name + "==" + c.version()));
        }
        if (c.file() == null) {
            return Optional.of(deps); // installed: its dependencies are the installer's business
        }
        Metadata m = metadata.get(c.file().url());
        if (m == null) {
            String text = index.metadata(c.file());
            CoreMetadata core;
            try {
                core = CoreMetadata.parse(text);
            } catch (InvalidRequirementException e) {
                throw new PypiException(c.file().url() + ": " + e.getMessage());
            }
            java.util.Optional<ca.crim.pavics.jupyter.pypi.Pep440Version> metaVersion =
                    ca.crim.pavics.jupyter.pypi.Pep440Version.tryParse(core.version());
            if (!ca.crim.pavics.jupyter.pypi.ProjectName.normalize(core.name()).equals(name)
                    || metaVersion.isEmpty() || !metaVersion.get().equals(c.version())) {
                throw new PypiException(c.file().filename() + ": its metadata says " + core.name() + " " + core.version()
                        + ", not " + name + " " + c.version() + " (inconsistent metadata: the index or the wheel is wrong)");
            }
            List<Requirement> reqs = new ArrayList<>();
            for (String rd : core.requiresDist()) {
                try {
                    reqs.add(Requirement.parse(rd));
                } catch (IllegalArgumentException e) {
                    throw new PypiException(c.file().filename() + ": Requires-Dist '" + rd + "' is not PEP 508: " + e.getMessage());
                }
            }
            m = new Metadata(pool.pythonFits(core.requiresPython()), reqs);
            metadata.put(c.file().url(), m);
        }
        if (!m.pythonFits()) {
            return Optional.empty();
        }
        Set<String> extras = key.equals(name) ? Set.of() : Set.of(key.substring(name.length() + 1, key.length() - 1));
        for (Requirement r : m.requiresDist()) {
            if (r.appliesTo(target.markers(), extras)) {
                deps.add(r);
            }
        }
        return Optional.of(deps);
    }

    private String noVersion(String key, List<Constraint> cons, State s) throws PypiException {
        String name = base(key);
        StringBuilder b = new StringBuilder();
        InstalledDistribution inst = installed.get(name);
        if (inst != null && !inst.replaceable()) {
            b.append(name).append(' ').append(inst.version()).append(" is installed by ").append(inst.origin())
                    .append(" and cannot change, but ");
        } else {
            b.append("no version of ").append(name).append(" satisfies ");
        }
        Map<String, String> lines = new LinkedHashMap<>();
        for (Constraint c : cons) {
            String who = c.parent().isEmpty() ? "the environment's pip requirements"
                    : s.pins.get(c.parent()).label(base(c.parent())) + chain(c.parent(), s);
            lines.putIfAbsent(c.requirement().toString(), who);
        }
        List<String> parts = new ArrayList<>();
        lines.forEach((req, who) -> parts.add(req + " (required by " + who + ")"));
        b.append(String.join(" and ", parts));
        if (inst == null || inst.replaceable()) {
            List<DistributionFile> files = index.files(name);
            List<Candidate> fit = pool.all(name);
            if (!index.hasPage(name)) {
                b.append("; there is no project named '").append(name).append("' on the index");
            } else if (files.isEmpty()) {
                b.append("; the index's page of ").append(name).append(" lists no files");
            } else if (files.stream().noneMatch(DistributionFile::isWheel)) {
                b.append("; ").append(name).append(files.stream().anyMatch(WheelCandidates::isSdist)
                        ? " has only source distributions (sdists), which cannot be locked: use a published wheel or a direct .whl URL with its sha256"
                        : " has no wheels (.whl) on the index");
            } else if (fit.isEmpty()) {
                b.append("; no wheel of ").append(name).append(" fits ").append(target.description());
                String why = pool.whyNoneFit(name);
                if (!why.isEmpty()) {
                    b.append(" (").append(why).append(')');
                }
                if (files.stream().anyMatch(WheelCandidates::isSdist)) {
                    b.append("; its source distributions cannot be locked: use a published wheel that fits or a direct .whl URL with its sha256");
                }
            } else {
                List<String> vs = fit.stream().map(c -> c.version() + (c.file() != null && c.file().yanked() ? " (yanked)" : ""))
                        .distinct().limit(6).toList();
                b.append("; versions with a fitting wheel: ").append(String.join(", ", vs))
                        .append(fit.size() > vs.size() ? ", …" : "");
                if (fit.stream().anyMatch(c -> c.file() != null && c.file().yanked())) {
                    b.append("; a yanked release (PEP 592) is used only when environment.yml pins it with ==");
                }
            }
        }
        return b.toString();
    }

    /** " for REQ (required by WHO), …": the requirements on {@code key} other than {@code latest}. */
    private static String chosenFor(String key, State s, Requirement latest) {
        List<String> parts = new ArrayList<>();
        for (Constraint c : s.constraints.getOrDefault(key, List.of())) {
            if (c.requirement() == latest) {
                continue;
            }
            Candidate p = s.pins.get(c.parent());
            String who = c.parent().isEmpty() ? "the environment's pip requirements"
                    : (p == null ? c.parent() : p.label(base(c.parent()))) + chain(c.parent(), s);
            String part = c.requirement() + " (required by " + who + ")";
            if (!parts.contains(part)) {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? "" : " for " + String.join(", ", parts);
    }

    /** " (← parent ← … ← the request)" for the first constraint that brought {@code key} in. */
    private static String chain(String key, State s) {
        StringBuilder b = new StringBuilder();
        String k = key;
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Constraint> cons = s.constraints.get(k);
            if (cons == null || cons.isEmpty() || !seen.add(k)) {
                break;
            }
            String parent = cons.get(0).parent();
            if (parent.isEmpty()) {
                break;
            }
            Candidate p = s.pins.get(parent);
            b.append(" ← ").append(p == null ? parent : p.label(base(parent)));
            k = parent;
        }
        return b.length() == 0 ? "" : b.toString();
    }
}
