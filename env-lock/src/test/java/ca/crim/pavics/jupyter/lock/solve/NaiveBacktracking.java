package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * The baseline our solver is measured and cross-checked against: plain chronological backtracking, nothing learnt.
 * It takes the first requirement not yet met, tries its candidates best first ({@link CandidateOrder}), checks each
 * against what is chosen (one record per name, {@code constrains} both ways) and goes deeper; it gives up after a
 * number of steps. Exhaustive below that limit, so its "no solution" is exact.
 */
final class NaiveBacktracking {
    /** What the search found. */
    enum Outcome {
        SOLVED, UNSATISFIABLE, GAVE_UP
    }

    record Result(Outcome outcome, Map<String, PackageRecord> records, long steps) {
    }

    private final RecordProvider provider;
    private final long limit;
    private final long deadline;
    private final Map<String, List<PackageRecord>> cache = new HashMap<>();
    private final Map<String, MatchSpec> specs = new HashMap<>();
    private long steps;

    private NaiveBacktracking(RecordProvider provider, long limit, long deadline) {
        this.provider = provider;
        this.limit = limit;
        this.deadline = deadline;
    }

    /**
     * Solves {@code specs} (installed names are given as specs too) over the provider's records.
     *
     * @param limit the most candidates tried before giving up
     */
    static Result solve(List<MatchSpec> specs, List<VirtualPackage> virtual, RecordProvider provider, long limit)
            throws IOException {
        return solve(specs, virtual, provider, limit, Long.MAX_VALUE);
    }

    /** {@link #solve(List, List, RecordProvider, long)} that also gives up at {@code deadline} ({@link System#nanoTime}). */
    static Result solve(List<MatchSpec> specs, List<VirtualPackage> virtual, RecordProvider provider, long limit,
            long deadline) throws IOException {
        NaiveBacktracking search = new NaiveBacktracking(provider, limit, deadline);
        Map<String, PackageRecord> chosen = new LinkedHashMap<>();
        virtual.forEach(v -> chosen.put(v.name(), v.toRecord()));
        try {
            Map<String, PackageRecord> found = search.search(chosen, new ArrayList<>(specs), 0);
            if (found == null) {
                return new Result(Outcome.UNSATISFIABLE, Map.of(), search.steps);
            }
            virtual.forEach(v -> found.remove(v.name()));
            return new Result(Outcome.SOLVED, found, search.steps);
        } catch (GiveUp e) {
            return new Result(Outcome.GAVE_UP, Map.of(), search.steps);
        }
    }

    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private Map<String, PackageRecord> search(Map<String, PackageRecord> chosen, List<MatchSpec> pending, int from)
            throws IOException {
        int next = from;
        while (next < pending.size()) {
            MatchSpec s = pending.get(next);
            PackageRecord have = chosen.get(s.exactName().orElseThrow());
            if (have == null) {
                break;
            }
            if (!s.matches(have)) {
                return null;
            }
            next++;
        }
        if (next == pending.size()) {
            return new LinkedHashMap<>(chosen);
        }
        MatchSpec wanted = pending.get(next);
        String name = wanted.exactName().orElseThrow();
        if (name.startsWith("__")) {
            return null; // a virtual package the system does not have
        }
        for (PackageRecord r : candidates(name)) {
            if (!wanted.matches(r) || !consistent(chosen, r)) {
                continue;
            }
            if (++steps > limit || ((steps & 1023) == 0 && System.nanoTime() > deadline)) {
                throw new GiveUp();
            }
            chosen.put(name, r);
            int size = pending.size();
            for (String d : r.depends()) {
                pending.add(spec(d));
            }
            Map<String, PackageRecord> found = search(chosen, pending, next + 1);
            if (found != null) {
                return found;
            }
            while (pending.size() > size) {
                pending.remove(pending.size() - 1);
            }
            chosen.remove(name);
        }
        return null;
    }

    private boolean consistent(Map<String, PackageRecord> chosen, PackageRecord r) {
        for (String c : r.constrains()) {
            MatchSpec s = spec(c);
            PackageRecord other = chosen.get(s.exactName().orElse(""));
            if (other != null && !s.matches(other)) {
                return false;
            }
        }
        for (PackageRecord other : chosen.values()) {
            for (String c : other.constrains()) {
                MatchSpec s = spec(c);
                if (s.exactName().orElse("").equals(r.name()) && !s.matches(r)) {
                    return false;
                }
            }
        }
        return true;
    }

    private List<PackageRecord> candidates(String name) throws IOException {
        List<PackageRecord> list = cache.get(name);
        if (list == null) {
            list = new ArrayList<>(provider.records(name));
            list.sort(CandidateOrder.INSTANCE);
            cache.put(name, list);
        }
        return list;
    }

    private MatchSpec spec(String text) {
        return specs.computeIfAbsent(text, t -> {
            try {
                return MatchSpec.parse(t);
            } catch (Exception e) {
                throw new IllegalStateException("invalid spec '" + t + "'", e);
            }
        });
    }

}
