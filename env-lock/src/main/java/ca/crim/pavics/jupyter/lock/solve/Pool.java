package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.spec.MatchSpecException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The solver's variables: one "solvable" (an int id from 1) per candidate record, grouped by package name and
 * sorted best first ({@link CandidateOrder}). A name's candidates are loaded all at once, the first time the name is
 * reached: its virtual record (only), else its installed record and the channel records of the provider (a channel
 * record with the installed record's name-version-build is the installed one), all restricted by the pins.
 */
final class Pool {
    /** Where a solvable comes from. */
    enum Origin {
        CHANNEL, INSTALLED, VIRTUAL
    }

    private final RecordProvider provider;
    private final Map<String, PackageRecord> installed;
    private final Map<String, PackageRecord> virtual;
    private final Map<String, List<MatchSpec>> pins;
    private final Set<String> preferred;
    private final Set<String> update;

    private final Map<String, Integer> nameIds = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<int[]> candidates = new ArrayList<>();
    private final List<Integer> excludedByPin = new ArrayList<>();

    private final List<PackageRecord> records = new ArrayList<>(List.of(dummy()));
    private int[] nameOf = new int[16];
    private Origin[] origin = new Origin[16];
    private boolean[] isPreferred = new boolean[16];

    private final Map<String, MatchSpec> specs = new HashMap<>();
    private final Map<String, int[]> specCandidates = new HashMap<>();

    /**
     * @param installed installed records by name
     * @param virtual virtual records by name
     * @param pins specs that every candidate of their name must match
     * @param preferred name-version-build strings of records to keep where possible
     * @param update names whose installed or preferred records are not preferred ({@code *}: every name)
     */
    Pool(RecordProvider provider, Map<String, PackageRecord> installed, Map<String, PackageRecord> virtual,
            Map<String, List<MatchSpec>> pins, Set<String> preferred, Set<String> update) {
        this.provider = provider;
        this.update = update;
        this.installed = installed;
        this.virtual = virtual;
        this.pins = pins;
        this.preferred = preferred;
    }

    private static PackageRecord dummy() {
        return new PackageRecord("-", "0", "0", 0, List.of(), List.of(), List.of(), "", null, 0, null, null, 0, null, null,
                "", "");
    }

    /** The number of solvables (the highest id). */
    int size() {
        return records.size() - 1;
    }

    PackageRecord record(int solvable) {
        return records.get(solvable);
    }

    int nameOf(int solvable) {
        return nameOf[solvable];
    }

    String name(int nameId) {
        return names.get(nameId);
    }

    Origin origin(int solvable) {
        return origin[solvable];
    }

    boolean preferred(int solvable) {
        return isPreferred[solvable];
    }

    /** How many names are loaded. */
    int nameCount() {
        return names.size();
    }

    /** The candidates of a loaded name, best first. */
    int[] candidatesOfName(int nameId) {
        return candidates.get(nameId);
    }

    /** The id of a name whose candidates are loaded, or -1. */
    int nameId(String name) {
        Integer id = nameIds.get(name);
        return id == null ? -1 : id;
    }

    /** The candidates of a name, best first, loading them on first use. */
    int[] candidates(String name) throws IOException {
        Integer id = nameIds.get(name);
        if (id != null) {
            return candidates.get(id);
        }
        int nameId = names.size();
        nameIds.put(name, nameId);
        names.add(name);
        List<PackageRecord> found = new ArrayList<>();
        List<Origin> origins = new ArrayList<>();
        PackageRecord v = virtual.get(name);
        if (v != null) {
            found.add(v);
            origins.add(Origin.VIRTUAL);
        } else {
            PackageRecord inst = installed.get(name);
            if (inst != null) {
                found.add(inst);
                origins.add(Origin.INSTALLED);
            }
            for (PackageRecord r : name.startsWith("__") ? List.<PackageRecord>of() : rawRecords(name)) {
                if (r == inst) {
                    continue;
                }
                if (inst != null && r.dist().equals(inst.dist())) {
                    continue;
                }
                found.add(r);
                origins.add(Origin.CHANNEL);
            }
        }
        int pinned = 0;
        List<MatchSpec> pinSpecs = pins.getOrDefault(name, List.of());
        Integer[] order = new Integer[found.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> compare(found.get(a), found.get(b)));
        List<Integer> ids = new ArrayList<>();
        for (int i : order) {
            PackageRecord r = found.get(i);
            if (!pinSpecs.stream().allMatch(p -> p.matches(r))) {
                pinned++;
                continue;
            }
            int s = records.size();
            records.add(r);
            grow(s);
            nameOf[s] = nameId;
            origin[s] = origins.get(i);
            boolean updating = update.contains("*") || update.contains(name);
            isPreferred[s] = !updating && (origins.get(i) == Origin.INSTALLED || preferred.contains(r.dist()));
            ids.add(s);
        }
        candidates.add(ids.stream().mapToInt(Integer::intValue).toArray());
        excludedByPin.add(pinned);
        return candidates.get(nameId);
    }

    /**
     * The solver's order of two records of one name, best first: fewer track_features, higher version; for equal
     * versions, the record whose dependencies allow higher versions (the builds against a newer python first, as
     * resolvo's sorting does), the higher-priority channel, an arch-specific build before a noarch one (as conda), then
     * the higher build number, the newer timestamp, the file name.
     */
    private int compare(PackageRecord a, PackageRecord b) {
        int c = Integer.compare(a.trackFeatures().size(), b.trackFeatures().size());
        if (c != 0) {
            return c;
        }
        c = b.versionOrder().compareTo(a.versionOrder());
        if (c != 0) {
            return c;
        }
        c = dependencyScore(b, a);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(provider.priority(a), provider.priority(b));
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(a.subdir().equals("noarch"), b.subdir().equals("noarch"));
        return c != 0 ? c : CandidateOrder.INSTANCE.compare(a, b);
    }

    /** How many dependencies (by name) of {@code a} allow a higher version than {@code b}'s, minus the reverse. */
    private int dependencyScore(PackageRecord a, PackageRecord b) {
        if (a.depends().equals(b.depends())) {
            return 0;
        }
        Map<String, String> bySpecName = new HashMap<>();
        for (String d : b.depends()) {
            bySpecName.put(firstWord(d), d);
        }
        int score = 0;
        for (String d : a.depends()) {
            String other = bySpecName.get(firstWord(d));
            if (other == null || other.equals(d)) {
                continue;
            }
            ca.crim.pavics.jupyter.conda.version.VersionOrder va = highest(d, a);
            ca.crim.pavics.jupyter.conda.version.VersionOrder vb = highest(other, b);
            if (va != null && vb != null) {
                score += Integer.signum(va.compareTo(vb));
            }
        }
        return Integer.signum(score);
    }

    private static String firstWord(String spec) {
        int end = 0;
        while (end < spec.length() && " =<>!~[".indexOf(spec.charAt(end)) < 0) {
            end++;
        }
        return spec.substring(0, end);
    }

    private final Map<String, Optional<ca.crim.pavics.jupyter.conda.version.VersionOrder>> highest = new HashMap<>();
    private final Map<String, List<PackageRecord>> raw = new HashMap<>();

    /** The highest version any record (installed, virtual or in the channels) matching a dependency spec has. */
    private ca.crim.pavics.jupyter.conda.version.VersionOrder highest(String specText, PackageRecord of) {
        Optional<ca.crim.pavics.jupyter.conda.version.VersionOrder> v = highest.get(specText);
        if (v == null) {
            v = Optional.empty();
            try {
                MatchSpec spec = spec(specText, of);
                String name = spec.exactName().orElse("");
                for (PackageRecord r : rawRecords(name)) {
                    if (spec.matches(r) && (v.isEmpty() || r.versionOrder().compareTo(v.get()) > 0)) {
                        v = Optional.of(r.versionOrder());
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                v = Optional.empty();
            }
            highest.put(specText, v);
        }
        return v.orElse(null);
    }

    private List<PackageRecord> rawRecords(String name) throws IOException {
        List<PackageRecord> r = raw.get(name);
        if (r == null) {
            r = new ArrayList<>();
            if (virtual.containsKey(name)) {
                r.add(virtual.get(name));
            } else {
                if (installed.containsKey(name)) {
                    r.add(installed.get(name));
                }
                if (!name.startsWith("__")) {
                    r.addAll(provider.records(name));
                }
            }
            raw.put(name, r);
        }
        return r;
    }

    /** How many records of a loaded name the pins excluded. */
    int excludedByPin(int nameId) {
        return excludedByPin.get(nameId);
    }

    boolean isPinned(String name) {
        return pins.containsKey(name);
    }

    private void grow(int s) {
        if (s >= nameOf.length) {
            int n = Math.max(s + 1, nameOf.length * 2);
            nameOf = Arrays.copyOf(nameOf, n);
            origin = Arrays.copyOf(origin, n);
            isPreferred = Arrays.copyOf(isPreferred, n);
        }
    }

    /**
     * A dependency spec, parsed once.
     *
     * @throws IllegalArgumentException when a record's spec is not a valid match spec (names the record)
     */
    MatchSpec spec(String text, PackageRecord of) {
        MatchSpec m = specs.get(text);
        if (m == null) {
            try {
                m = MatchSpec.parse(text);
            } catch (MatchSpecException e) {
                throw new IllegalArgumentException("package " + of.fileName() + " has an invalid dependency: "
                        + e.getMessage());
            }
            specs.put(text, m);
        }
        return m;
    }

    /** The candidates that match a spec (of an exact name), best first. */
    int[] matching(MatchSpec spec) throws IOException {
        String key = spec.toString();
        int[] cached = specCandidates.get(key);
        if (cached != null) {
            return cached;
        }
        String name = spec.exactName().orElseThrow(() -> new IllegalArgumentException("a dependency on '" + spec
                + "' names no single package"));
        int[] all = candidates(name);
        int[] out = new int[all.length];
        int n = 0;
        for (int s : all) {
            if (spec.matches(records.get(s))) {
                out[n++] = s;
            }
        }
        int[] result = Arrays.copyOf(out, n);
        specCandidates.put(key, result);
        return result;
    }
}
