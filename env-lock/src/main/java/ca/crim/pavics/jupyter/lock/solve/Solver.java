package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conda solver: conflict-driven clause learning over one boolean per candidate record, with clauses generated
 * lazily (as resolvo does): a record's dependency and constraint clauses are made when the record is first set to be
 * installed, a name's candidates are read when the name is first reached, and "one record per name" is enforced when
 * a record of the name is set (its exclusion clauses made only when a conflict needs them).
 *
 * <p>Decisions, in order: installed packages are kept (their name stays installed, the installed record first);
 * then requested specs and dependencies in the order they were reached, each taking its best candidate: a preferred
 * one (installed, or named by the caller, e.g. a previous lock) if it can be, else the first in {@link CandidateOrder}.
 * Conflicts are analysed to the first unique implication point, learnt, and backjumped over. Deterministic: the same
 * request and records give the same solution.
 */
public final class Solver {
    /** This solver's version: raised whenever the same request and records may give another solution. */
    public static final String VERSION = "1";

    /**
     * What to solve.
     *
     * @param specs the requested specs (exact names)
     * @param installed the installed records (the base environment): kept unless a spec or a dependency forces a change
     * @param preferred name-version-build of records to keep where possible (e.g. a previous lock)
     * @param virtual the system's virtual packages
     * @param pinned specs every record of their name must match (the base's {@code conda-meta/pinned})
     * @param update names whose installed record is not preferred: they go to their best candidate ({@code *}: all)
     */
    public record Request(List<MatchSpec> specs, List<PackageRecord> installed, Set<String> preferred,
            List<VirtualPackage> virtual, List<MatchSpec> pinned, Set<String> update) {
        /** A request that keeps every installed record where it can. */
        public Request(List<MatchSpec> specs, List<PackageRecord> installed, Set<String> preferred,
                List<VirtualPackage> virtual, List<MatchSpec> pinned) {
            this(specs, installed, preferred, virtual, pinned, Set.of());
        }
    }

    /** A solved environment: every record installed, installed ones included, by name. */
    public record Solution(Map<String, PackageRecord> records, int decisions, int conflicts) {
    }

    private static final byte TRUE = 1;
    private static final byte FALSE = 2;
    private static final int DECISION = -1;

    private final Pool pool;
    private final Clauses clauses = new Clauses();
    private final Request request;

    private byte[] value = new byte[64];
    private int[] level = new int[64];
    private int[] reason = new int[64];
    private boolean[] expanded = new boolean[64];
    private int[] trueOfName = new int[64];
    private final Clauses.IntList trail = new Clauses.IntList();
    private final Clauses.IntList levelStart = new Clauses.IntList();
    private int qhead;
    private int decisions;
    private int conflicts;

    /** Requirement clauses in the order they were made, with their candidates best first (for decisions). */
    private final Clauses.IntList requirements = new Clauses.IntList();
    private final List<int[]> requirementCandidates = new ArrayList<>();
    /** Requirements that may need a decision (a lazy set: cleared when found met or not yet required). */
    private final java.util.BitSet pending = new java.util.BitSet();
    /** For each solvable: the requirements it requires (their parent). */
    private Clauses.IntList[] requirementsOf = new Clauses.IntList[64];
    /** For each solvable: the requirements found met by it, to look at again when it is unassigned. */
    private Clauses.IntList[] metBy = new Clauses.IntList[64];
    private final Map<String, List<int[]>> pendingConstraints = new HashMap<>();
    private final List<String> pendingConstraintSpecs = new ArrayList<>();
    private final Map<Long, Integer> oneNameClauses = new HashMap<>();

    private Solver(Request request, RecordProvider provider) {
        this.request = request;
        Map<String, PackageRecord> installed = new LinkedHashMap<>();
        request.installed().forEach(r -> installed.put(r.name(), r));
        Map<String, PackageRecord> virtual = new LinkedHashMap<>();
        request.virtual().forEach(v -> virtual.put(v.name(), v.toRecord()));
        Map<String, List<MatchSpec>> pins = new HashMap<>();
        for (MatchSpec p : request.pinned()) {
            p.exactName().ifPresent(n -> pins.computeIfAbsent(n, k -> new ArrayList<>()).add(p));
        }
        this.pool = new Pool(provider, installed, virtual, pins, request.preferred(), request.update());
    }

    /**
     * Solves a request over the records of a provider.
     *
     * @throws UnsatisfiableException with an explanation a person can act on
     * @throws IOException when the provider cannot read records
     */
    public static Solution solve(Request request, RecordProvider provider) throws UnsatisfiableException, IOException {
        return new Solver(request, provider).run();
    }

    private Solution run() throws UnsatisfiableException, IOException {
        levelStart.add(0);
        for (PackageRecord r : request.installed()) {
            int[] cands = pool.candidates(r.name());
            grow();
            int id = addRequirement(cands, new Clauses.Origin(Clauses.Kind.KEEP, 0, r.name(), null), 0);
            if (cands.length == 0) {
                throw unsat(id);
            }
        }
        for (MatchSpec spec : request.specs()) {
            if (spec.exactName().isEmpty() || spec.exactName().get().equals("*")) {
                throw new IllegalArgumentException("a requested spec must name one package: " + spec);
            }
            int[] cands = pool.matching(spec);
            grow();
            int id = addRequirement(cands, new Clauses.Origin(Clauses.Kind.ROOT, 0, spec.toString(), null), 0);
            if (cands.length == 0) {
                throw unsat(id);
            }
        }
        int conflict = propagate();
        if (conflict >= 0) {
            throw unsat(conflict);
        }
        while (true) {
            int decision = pickDecision();
            if (decision == 0) {
                break;
            }
            decisions++;
            levelStart.add(trail.size);
            conflict = assign(Clauses.lit(decision, true), DECISION);
            if (conflict < 0) {
                conflict = propagate();
            }
            while (conflict >= 0) {
                conflicts++;
                if (currentLevel() == 0) {
                    throw unsat(conflict);
                }
                conflict = learn(conflict);
                if (conflict < 0) {
                    conflict = propagate();
                }
            }
        }
        Map<String, PackageRecord> out = new java.util.TreeMap<>();
        for (int s = 1; s <= pool.size(); s++) {
            if (value[s] == TRUE && pool.origin(s) != Pool.Origin.VIRTUAL) {
                out.put(pool.record(s).name(), pool.record(s));
            }
        }
        return new Solution(out, decisions, conflicts);
    }

    private int currentLevel() {
        return levelStart.size - 1;
    }

    private void grow() {
        int n = pool.size() + 1;
        if (n > value.length) {
            int size = Math.max(n, value.length * 2);
            value = Arrays.copyOf(value, size);
            level = Arrays.copyOf(level, size);
            reason = Arrays.copyOf(reason, size);
            expanded = Arrays.copyOf(expanded, size);
            requirementsOf = Arrays.copyOf(requirementsOf, size);
            metBy = Arrays.copyOf(metBy, size);
        }
        int names = pool.nameCount();
        if (names > trueOfName.length) {
            trueOfName = Arrays.copyOf(trueOfName, Math.max(names, trueOfName.length * 2));
        }
    }

    /**
     * Adds a clause "{@code parent} → one of {@code cands}" (or "one of {@code cands}" when parent is 0), watched
     * correctly under the current assignment; enqueues its implication when it is unit. Returns the clause id, or -(id + 2)
     * when it conflicts with the current assignment.
     */
    private int addRequirement(int[] cands, Clauses.Origin origin, int parent) {
        int[] lits = new int[cands.length + (parent == 0 ? 0 : 1)];
        int i = 0;
        for (int c : cands) {
            lits[i++] = Clauses.lit(c, true);
        }
        if (parent != 0) {
            lits[i] = Clauses.lit(parent, false);
        }
        int id = addWatched(lits, origin);
        int k = requirements.size;
        requirements.add(id);
        requirementCandidates.add(cands);
        if (parent == 0 || value[parent] == TRUE) {
            pending.set(k);
        }
        if (parent != 0) {
            listAt(requirementsOf, parent).add(k);
        }
        return id;
    }

    private static Clauses.IntList listAt(Clauses.IntList[] lists, int index) {
        if (lists[index] == null) {
            lists[index] = new Clauses.IntList();
        }
        return lists[index];
    }

    /** Adds a clause, choosing its watches among non-false literals; returns its id. Unit/conflict handled by caller. */
    private int addWatched(int[] lits, Clauses.Origin origin) {
        // order: true literals, unassigned ones, then false ones by decreasing level (for a correct watch on backjump)
        Integer[] idx = new Integer[lits.length];
        for (int k = 0; k < lits.length; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (a, b) -> Integer.compare(rank(lits[a]), rank(lits[b])));
        int[] ordered = new int[lits.length];
        for (int k = 0; k < lits.length; k++) {
            ordered[k] = lits[idx[k]];
        }
        return clauses.add(ordered, origin);
    }

    /** Sort key for watch choice: true first, then unassigned, then false at higher levels first. */
    private int rank(int lit) {
        int v = Clauses.var(lit);
        byte val = value[v];
        if (val == 0) {
            return 0;
        }
        boolean isTrue = (val == TRUE) == Clauses.positive(lit);
        return isTrue ? -1 : Integer.MAX_VALUE - level[v];
    }

    private boolean isFalse(int lit) {
        byte val = value[Clauses.var(lit)];
        return val != 0 && ((val == TRUE) != Clauses.positive(lit));
    }

    private boolean isTrue(int lit) {
        byte val = value[Clauses.var(lit)];
        return val != 0 && ((val == TRUE) == Clauses.positive(lit));
    }

    /**
     * After adding a clause: enqueue its unit literal, or report it as the conflict. Returns a conflict id or -1. The
     * clause's literals are read as they are now, not in the order they had when it was made: clauses made together
     * are settled one after the other, and settling one may assign literals of the next. (Its watches stay right:
     * every literal assigned since it was made is still ahead in the propagation queue.)
     */
    private int settle(int clause) throws IOException {
        int[] lits = clauses.literals(clause);
        int open = 0;
        int unit = 0;
        for (int lit : lits) {
            if (isTrue(lit)) {
                return -1;
            }
            if (!isFalse(lit)) {
                open++;
                unit = lit;
            }
        }
        if (open == 0) {
            return clause;
        }
        return open == 1 ? assign(unit, clause) : -1;
    }

    /** Sets a literal true (with its reason) and does what that implies at once. Returns a conflict clause or -1. */
    private int assign(int lit, int why) throws IOException {
        int s = Clauses.var(lit);
        if (isTrue(lit)) {
            return -1;
        }
        if (isFalse(lit)) {
            return why >= 0 ? why : -1;
        }
        value[s] = Clauses.positive(lit) ? TRUE : FALSE;
        level[s] = currentLevel();
        reason[s] = why;
        trail.add(lit);
        if (!Clauses.positive(lit)) {
            return -1;
        }
        int name = pool.nameOf(s);
        if (trueOfName[name] != 0 && trueOfName[name] != s) {
            return oneNameClause(s, trueOfName[name]);
        }
        trueOfName[name] = s;
        Clauses.IntList required = requirementsOf[s];
        if (required != null) {
            for (int k = 0; k < required.size; k++) {
                pending.set(required.items[k]);
            }
        }
        for (int other : pool.candidatesOfName(name)) {
            if (other != s && value[other] == 0) {
                value[other] = FALSE;
                level[other] = currentLevel();
                reason[other] = -2 - s;
                trail.add(Clauses.lit(other, false));
            }
        }
        return expand(s);
    }

    private int oneNameClause(int a, int b) {
        long key = Math.min(a, b) * 4_294_967_296L + Math.max(a, b);
        Integer id = oneNameClauses.get(key);
        if (id == null) {
            id = addWatched(new int[] {Clauses.lit(a, false), Clauses.lit(b, false)},
                    new Clauses.Origin(Clauses.Kind.ONE_NAME, a, "", null));
            oneNameClauses.put(key, id);
        }
        return id;
    }

    /**
     * Makes the dependency and constraint clauses of a solvable set true (once, all of them before any is settled, so
     * that a conflict on one never leaves the others unmade), then settles them. Returns a conflict or -1.
     */
    private int expand(int s) throws IOException {
        if (expanded[s]) {
            return -1;
        }
        expanded[s] = true;
        PackageRecord r = pool.record(s);
        Clauses.IntList made = new Clauses.IntList();
        for (String dep : r.depends()) {
            MatchSpec spec = pool.spec(dep, r);
            int[] cands = pool.matching(spec);
            grow();
            made.add(addRequirement(cands, new Clauses.Origin(Clauses.Kind.REQUIRES, s, dep, null), s));
        }
        for (String con : r.constrains()) {
            MatchSpec spec = pool.spec(con, r);
            String name = spec.exactName().orElse("*");
            int nameId = pool.nameId(name);
            if (nameId < 0) {
                pendingConstraints.computeIfAbsent(name, k -> new ArrayList<>()).add(new int[] {s,
                        pendingConstraintSpecs.size()});
                pendingConstraintSpecs.add(con);
                continue;
            }
            constrain(s, con, spec, pool.candidatesOfName(nameId), made);
        }
        return settleAll(made);
    }

    private int settleAll(Clauses.IntList made) throws IOException {
        for (int k = 0; k < made.size; k++) {
            int conflict = settle(made.items[k]);
            if (conflict >= 0) {
                return conflict;
            }
        }
        return -1;
    }

    private void constrain(int s, String text, MatchSpec spec, int[] candidates, Clauses.IntList made) {
        for (int x : candidates) {
            if (!spec.matches(pool.record(x))) {
                made.add(addWatched(new int[] {Clauses.lit(s, false), Clauses.lit(x, false)},
                        new Clauses.Origin(Clauses.Kind.CONSTRAINS, s, text, null)));
            }
        }
    }

    /** Unit propagation over the watched literals. Returns a conflict clause or -1. */
    private int propagate() throws IOException {
        while (qhead < trail.size) {
            int lit = trail.items[qhead++];
            int falseLit = Clauses.negate(lit);
            Clauses.IntList watchers = clauses.watching(falseLit);
            int i = 0;
            while (i < watchers.size) {
                int c = watchers.items[i];
                int[] lits = clauses.literals(c);
                if (lits[0] == falseLit && lits.length > 1) {
                    lits[0] = lits[1];
                    lits[1] = falseLit;
                }
                if (lits.length == 1) {
                    i++;
                    if (isFalse(lits[0])) {
                        return c;
                    }
                    continue;
                }
                if (isTrue(lits[0])) {
                    i++;
                    continue;
                }
                int k = 2;
                while (k < lits.length && isFalse(lits[k])) {
                    k++;
                }
                if (k < lits.length) {
                    lits[1] = lits[k];
                    lits[k] = falseLit;
                    clauses.watch(lits[1], c);
                    watchers.items[i] = watchers.items[--watchers.size];
                    continue;
                }
                i++;
                if (isFalse(lits[0])) {
                    return c;
                }
                int conflict = assign(lits[0], c);
                if (conflict >= 0) {
                    return conflict;
                }
            }
        }
        return processPendingConstraints();
    }

    /** Constraints on names loaded after the constraining record was expanded: all made, then settled. */
    private int processPendingConstraints() throws IOException {
        if (pendingConstraints.isEmpty()) {
            return -1;
        }
        Clauses.IntList made = new Clauses.IntList();
        for (String name : new ArrayList<>(pendingConstraints.keySet())) {
            int nameId = pool.nameId(name);
            if (nameId < 0) {
                continue;
            }
            for (int[] p : pendingConstraints.remove(name)) {
                String text = pendingConstraintSpecs.get(p[1]);
                constrain(p[0], text, pool.spec(text, pool.record(p[0])), pool.candidatesOfName(nameId), made);
            }
        }
        int conflict = settleAll(made);
        if (conflict >= 0) {
            return conflict;
        }
        return qhead < trail.size ? propagate() : -1;
    }

    /**
     * The next decision: a solvable to set true, or 0 when every requirement holds. Installed names are kept first;
     * then, among the requirements that are required (their requiring solvable is installed) and not met, the one
     * with the fewest undecided candidates (the most constrained; the first made among equals) gets its best
     * undecided candidate: a preferred one (installed, or named by the caller) if any, else the first in candidate
     * order. Requirements found met, or not yet required, leave the pending set until an assignment or a backjump
     * can change that.
     */
    private int pickDecision() {
        int best = 0;
        int bestCount = Integer.MAX_VALUE;
        for (int k = pending.nextSetBit(0); k >= 0; k = pending.nextSetBit(k + 1)) {
            int c = requirements.items[k];
            int[] lits = clauses.literals(c);
            int met = 0;
            int parent = 0;
            for (int lit : lits) {
                int v = Clauses.var(lit);
                if (!Clauses.positive(lit)) {
                    parent = v;
                } else if (value[v] == TRUE) {
                    met = v;
                    break;
                }
            }
            if (met != 0) {
                pending.clear(k);
                listAt(metBy, met).add(k);
                continue;
            }
            if (parent != 0 && value[parent] != TRUE) {
                pending.clear(k); // pending again when its parent is installed
                continue;
            }
            int[] cands = requirementCandidates.get(k);
            int d = choose(cands);
            if (d == 0) {
                pending.clear(k); // every candidate excluded: propagation reports it as a conflict
                continue;
            }
            if (clauses.origin(c).kind() == Clauses.Kind.KEEP) {
                return d; // installed names are kept before anything else is decided
            }
            int count = 0;
            for (int cand : cands) {
                if (value[cand] == 0 && ++count >= bestCount) {
                    break;
                }
            }
            if (count < bestCount) {
                best = d;
                bestCount = count;
                if (count == 1) {
                    break;
                }
            }
        }
        return best;
    }

    /** The best undecided candidate (preferred first), else 0. */
    private int choose(int[] cands) {
        for (int c : cands) {
            if (value[c] == 0 && pool.preferred(c)) {
                return c;
            }
        }
        for (int c : cands) {
            if (value[c] == 0) {
                return c;
            }
        }
        return 0;
    }

    /** Learns a clause from a conflict, backjumps, asserts it. Returns a new conflict or -1. */
    private int learn(int conflict) throws IOException, UnsatisfiableException {
        int highest = 0;
        for (int q : clauses.literals(conflict)) {
            highest = Math.max(highest, level[Clauses.var(q)]);
        }
        if (highest < currentLevel()) {
            backtrack(highest);
        }
        if (highest == 0) {
            throw unsat(conflict);
        }
        int current = currentLevel();
        boolean[] seen = new boolean[pool.size() + 1];
        Clauses.IntList learnt = new Clauses.IntList();
        learnt.add(0);
        Clauses.IntList from = new Clauses.IntList();
        int counter = 0;
        int p = -1;
        int index = trail.size - 1;
        int clause = conflict;
        while (true) {
            from.add(clause);
            for (int q : clauses.literals(clause)) {
                int v = Clauses.var(q);
                if (p >= 0 && v == Clauses.var(p)) {
                    continue;
                }
                if (!seen[v] && level[v] > 0) {
                    seen[v] = true;
                    if (level[v] >= current) {
                        counter++;
                    } else {
                        learnt.add(q);
                    }
                } else if (!seen[v] && level[v] == 0) {
                    seen[v] = true;
                    from.add(levelZeroReason(v));
                }
            }
            while (!seen[Clauses.var(trail.items[index])]) {
                index--;
            }
            p = trail.items[index];
            index--;
            counter--;
            if (counter <= 0) {
                break;
            }
            clause = reasonClause(Clauses.var(p));
        }
        learnt.items[0] = Clauses.negate(p);
        int back = 0;
        int second = 1;
        for (int k = 1; k < learnt.size; k++) {
            int l = level[Clauses.var(learnt.items[k])];
            if (l > back) {
                back = l;
                second = k;
            }
        }
        int[] lits = Arrays.copyOf(learnt.items, learnt.size);
        if (lits.length > 1) {
            int t = lits[1];
            lits[1] = lits[second];
            lits[second] = t;
        }
        backtrack(back);
        int id = clauses.add(lits, new Clauses.Origin(Clauses.Kind.LEARNT, 0, "", Arrays.copyOf(from.items, from.size)));
        return assign(lits[0], id);
    }

    /** The clause that set a variable at level 0 (for the explanation), or -1 if it was an assumption. */
    private int levelZeroReason(int v) {
        return reason[v] == DECISION ? -1 : reasonClause(v);
    }

    /** The clause that implied a variable (an implicit one-name exclusion made into a clause). */
    private int reasonClause(int v) {
        int r = reason[v];
        if (r >= 0) {
            return r;
        }
        if (r == DECISION) {
            throw new IllegalStateException("a decision has no reason clause");
        }
        int s = -2 - r;
        return oneNameClause(v, s);
    }

    private void backtrack(int toLevel) {
        int start = levelStart.items[toLevel + 1];
        for (int k = trail.size - 1; k >= start; k--) {
            int v = Clauses.var(trail.items[k]);
            if (value[v] == TRUE && trueOfName[pool.nameOf(v)] == v) {
                trueOfName[pool.nameOf(v)] = 0;
            }
            if (value[v] == TRUE && metBy[v] != null && metBy[v].size > 0) {
                for (int m = 0; m < metBy[v].size; m++) {
                    pending.set(metBy[v].items[m]);
                }
                metBy[v].size = 0;
            }
            value[v] = 0;
            reason[v] = 0;
        }
        trail.size = start;
        levelStart.size = toLevel + 1;
        qhead = Math.min(qhead, trail.size);
    }

    private UnsatisfiableException unsat(int conflict) {
        return new UnsatisfiableException(new Explanation(pool, clauses, request).explain(conflict, this::reasonsOf));
    }

    /** The clauses that implied the literals of a clause (level 0 chains), for the explanation. */
    private int[] reasonsOf(int clause) {
        Clauses.IntList out = new Clauses.IntList();
        for (int q : clauses.literals(clause)) {
            int v = Clauses.var(q);
            if (value[v] != 0 && reason[v] != DECISION && level[v] == 0) {
                out.add(reasonClause(v));
            }
        }
        return Arrays.copyOf(out.items, out.size);
    }
}
