package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.version.VersionException;
import ca.crim.pavics.jupyter.conda.version.VersionOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Explains an unsatisfiable request from the clauses that prove it (the final conflict, the clauses it was learnt
 * from, and what implied their literals): for each package name they disagree on, every requirement on it with the
 * chain that leads to it from a requested spec or from a package installed in the base image, and for a spec nothing
 * matches, why. Lines, sorted, no stack of solver terms.
 */
final class Explanation {
    private static final int MAX_LINES = 8;
    private final Pool pool;
    private final Clauses clauses;
    private final Solver.Request request;

    Explanation(Pool pool, Clauses clauses, Solver.Request request) {
        this.pool = pool;
        this.clauses = clauses;
        this.request = request;
    }

    /** The clauses (not learnt) that the conflict rests on. */
    private List<Integer> core(int conflict, IntFunction<int[]> reasons) {
        BitSet seen = new BitSet();
        Deque<Integer> todo = new ArrayDeque<>();
        todo.add(conflict);
        List<Integer> core = new ArrayList<>();
        while (!todo.isEmpty()) {
            int c = todo.poll();
            if (c < 0 || seen.get(c)) {
                continue;
            }
            seen.set(c);
            Clauses.Origin o = clauses.origin(c);
            if (o.kind() == Clauses.Kind.LEARNT) {
                for (int f : o.from()) {
                    todo.add(f);
                }
            } else {
                core.add(c);
            }
            for (int r : reasons.apply(c)) {
                todo.add(r);
            }
        }
        return core;
    }

    String explain(int conflict, IntFunction<int[]> reasons) {
        List<Integer> core = core(conflict, reasons);
        // who requires what: target name -> requirement lines
        Map<String, Set<String>> byName = new TreeMap<>();
        Map<Integer, String> provenance = new LinkedHashMap<>();
        Set<String> missing = new TreeSet<>();
        Map<String, Map<String, TreeSet<String>>> requirers = new TreeMap<>();
        Map<String, TreeSet<String>> missingBy = new TreeMap<>();
        for (int c : core) {
            Clauses.Origin o = clauses.origin(c);
            int[] lits = clauses.literals(c);
            switch (o.kind()) {
                case ROOT -> {
                    String name = name(o.spec());
                    byName.computeIfAbsent(name, k -> new LinkedHashSet<>()).add("'" + o.spec() + "' is requested");
                    if (candidates(lits) == 0) {
                        missing.add(noMatch(o.spec(), name, "requested"));
                    }
                }
                case KEEP -> byName.computeIfAbsent(o.spec(), k -> new LinkedHashSet<>()).add(installedLine(o.spec()));
                case REQUIRES -> {
                    String name = name(o.spec());
                    String chain = chain(o.solvable(), core);
                    requirers.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(chainPrefix(o.solvable(), core)
                            + "\u0000" + pool.record(o.solvable()).name() + "\u0000" + o.spec(), k -> versionSet())
                            .add(pool.record(o.solvable()).version());
                    byName.computeIfAbsent(name, k -> new LinkedHashSet<>());
                    if (candidates(lits) == 0) {
                        String prefix = chainPrefix(o.solvable(), core);
                        missingBy.computeIfAbsent(o.spec() + "\u0000" + name + "\u0000" + (prefix.isEmpty() ? "" : prefix
                                + " -> ") + pool.record(o.solvable()).name(), k -> versionSet()).add(pool.record(o.solvable()).version());
                    }
                }
                case CONSTRAINS -> {
                    String name = name(o.spec());
                    byName.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(chain(o.solvable(), core)
                            + " allows only '" + o.spec() + "'");
                }
                case ONE_NAME -> {
                    String name = pool.record(o.solvable()).name();
                    byName.computeIfAbsent(name, k -> new LinkedHashSet<>());
                }
                default -> {
                }
            }
        }
        missingBy.forEach((key, versions) -> {
            String[] k = key.split("\u0000");
            missing.add(noMatch(k[0], k[1], k[2] + " " + versionSummary(versions)));
        });
        requirers.forEach((name, groups) -> groups.forEach((key, versions) -> {
            String[] k = key.split("\u0000");
            String who = (k[0].isEmpty() ? "" : k[0] + " -> ") + k[1] + " " + versionSummary(versions);
            byName.get(name).add(who + " requires '" + k[2] + "'");
        }));
        StringBuilder out = new StringBuilder("cannot solve: the requested specs conflict");
        for (String m : missing) {
            out.append("\n  ").append(m);
        }
        for (Map.Entry<String, Set<String>> e : byName.entrySet()) {
            if (e.getValue().size() < 2 && !(e.getValue().size() == 1 && missing.isEmpty() && byName.size() == 1)) {
                continue;
            }
            out.append("\n  ").append(e.getKey()).append(":");
            int shown = 0;
            for (String line : e.getValue()) {
                if (shown++ == MAX_LINES) {
                    out.append("\n    - ... and ").append(e.getValue().size() - MAX_LINES).append(" more");
                    break;
                }
                out.append("\n    - ").append(line);
            }
            if (pool.isPinned(e.getKey())) {
                out.append("\n    - the base image pins ").append(e.getKey()).append(" (conda-meta/pinned): ")
                        .append(pins(e.getKey()));
            }
            out.append("\n    no ").append(e.getKey()).append(" satisfies all of these at once");
        }
        return out.toString();
    }

    private static String name(String spec) {
        int end = 0;
        while (end < spec.length() && " =<>!~[".indexOf(spec.charAt(end)) < 0) {
            end++;
        }
        String n = spec.substring(0, end);
        int colons = n.lastIndexOf("::");
        return colons >= 0 ? n.substring(colons + 2) : n;
    }

    private int candidates(int[] lits) {
        int n = 0;
        for (int l : lits) {
            if (Clauses.positive(l)) {
                n++;
            }
        }
        return n;
    }

    private String installedLine(String name) {
        PackageRecord r = request.installed().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        return r == null ? name + " is installed in the base image"
                : name + " " + r.version() + " " + r.build() + " is installed in the base image (kept unless a change is"
                        + " forced; its dependents in the base image need it too)";
    }

    private String pins(String name) {
        List<String> p = new ArrayList<>();
        request.pinned().forEach(s -> s.exactName().filter(name::equals).ifPresent(n -> p.add("'" + s + "'")));
        return String.join(", ", p);
    }

    /** Why nothing matches a spec. */
    private String noMatch(String spec, String name, String who) {
        int id = pool.nameId(name);
        int available = id < 0 ? 0 : pool.candidatesOfName(id).length;
        String why;
        if (name.startsWith("__")) {
            why = "the system has no " + name + " (a virtual package the target system does not provide)";
        } else if (available == 0 && id >= 0 && pool.excludedByPin(id) > 0) {
            why = "the base image's pin " + pins(name) + " excludes every " + name;
        } else if (available == 0) {
            why = "no package named " + name + " in the channels";
        } else {
            TreeSet<String> versions = versionSet();
            String installed = null;
            for (int s : pool.candidatesOfName(id)) {
                if (pool.origin(s) == Pool.Origin.INSTALLED) {
                    installed = pool.record(s).version() + " " + pool.record(s).build();
                } else {
                    versions.add(pool.record(s).version());
                }
            }
            why = "no " + name + " matches it (" + (installed == null ? "" : "the base image has " + installed + "; ")
                    + (versions.isEmpty() ? "the channels have none" : "the channels have " + summary(versions)) + ")";
        }
        return "'" + spec + "' (" + ("requested".equals(who) ? "requested" : "needed by " + who) + "): " + why;
    }

    private static String summary(TreeSet<String> versions) {
        if (versions.size() <= 6) {
            return String.join(", ", versions);
        }
        List<String> all = new ArrayList<>(versions);
        return all.size() + " versions, e.g. " + String.join(", ", all.subList(all.size() - 4, all.size()));
    }

    /** An empty set of version strings in conda's version order. */
    private static TreeSet<String> versionSet() {
        return new TreeSet<>((a, b) -> {
            try {
                int c = VersionOrder.parse(a).compareTo(VersionOrder.parse(b));
                return c != 0 ? c : a.compareTo(b);
            } catch (VersionException e) {
                return a.compareTo(b);
            }
        });
    }

    /** Versions of one package, summed up: {@code 1.6.2}, {@code 1.7.0, 1.7.1}, {@code 1.5.1 ... 1.7.1 (5 versions)}. */
    private static String versionSummary(TreeSet<String> versions) {
        if (versions.size() <= 2) {
            return String.join(", ", versions);
        }
        return versions.first() + " ... " + versions.last() + " (" + versions.size() + " versions)";
    }

    /** The chain to the package that required a solvable, without the solvable itself ({@code ""} for a root). */
    private String chainPrefix(int solvable, List<Integer> core) {
        String chain = chain(solvable, core);
        int cut = chain.lastIndexOf(" -> ");
        return cut < 0 ? "" : chain.substring(0, cut);
    }

    /** How a solvable came to be required: from a requested spec, a base package, or another package. */
    private String chain(int solvable, List<Integer> core) {
        List<String> links = new ArrayList<>();
        Set<Integer> visited = new LinkedHashSet<>();
        int s = solvable;
        while (s != 0 && visited.add(s)) {
            PackageRecord r = pool.record(s);
            links.add(0, r.name() + " " + r.version());
            if (pool.origin(s) == Pool.Origin.INSTALLED) {
                links.set(0, links.get(0) + " (installed in the base image)");
                break;
            }
            int parent = 0;
            String via = null;
            for (int c : core) {
                Clauses.Origin o = clauses.origin(c);
                if (!contains(clauses.literals(c), s)) {
                    continue;
                }
                if (o.kind() == Clauses.Kind.ROOT) {
                    via = "'" + o.spec() + "' (requested)";
                    break;
                }
                if (o.kind() == Clauses.Kind.REQUIRES && o.solvable() != s) {
                    parent = o.solvable();
                    break;
                }
            }
            if (via != null) {
                links.add(0, via);
                break;
            }
            s = parent;
        }
        return String.join(" -> ", links);
    }

    private static boolean contains(int[] lits, int solvable) {
        for (int l : lits) {
            if (Clauses.positive(l) && Clauses.var(l) == solvable) {
                return true;
            }
        }
        return false;
    }
}
