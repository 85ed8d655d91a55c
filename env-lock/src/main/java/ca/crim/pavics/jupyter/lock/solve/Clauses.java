package ca.crim.pavics.jupyter.lock.solve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The solver's clauses and their two watched literals. A literal is {@code solvable << 1} (true) or
 * {@code solvable << 1 | 1} (false). Every clause keeps what it stands for, so that an unsatisfiable request can be
 * explained in the terms of the packages: a requested spec, a dependency, a constraint, an installed package to keep,
 * or a clause learnt from others (with the clauses it was learnt from).
 */
final class Clauses {
    /** What a clause says. */
    enum Kind {
        /** One of the candidates of a requested spec. */
        ROOT,
        /** One of the candidates of an installed package's name: it stays installed (maybe another version). */
        KEEP,
        /** If the solvable is installed, one of the candidates of its dependency spec. */
        REQUIRES,
        /** If the solvable is installed, the other is not (it does not match the solvable's {@code constrains}). */
        CONSTRAINS,
        /** Two records of one name are not both installed. */
        ONE_NAME,
        /** Learnt from a conflict. */
        LEARNT
    }

    /** What a clause stands for: the solvable it belongs to (or 0), the spec text (or ""), the clauses it came from. */
    record Origin(Kind kind, int solvable, String spec, int[] from) {
    }

    private final List<int[]> literals = new ArrayList<>();
    private final List<Origin> origins = new ArrayList<>();
    private IntList[] watches = new IntList[64];

    static int lit(int solvable, boolean value) {
        return solvable << 1 | (value ? 0 : 1);
    }

    static int var(int lit) {
        return lit >>> 1;
    }

    static boolean positive(int lit) {
        return (lit & 1) == 0;
    }

    static int negate(int lit) {
        return lit ^ 1;
    }

    int size() {
        return literals.size();
    }

    int[] literals(int clause) {
        return literals.get(clause);
    }

    Origin origin(int clause) {
        return origins.get(clause);
    }

    /** Adds a clause (watching its first two literals, which the caller orders); returns its id. */
    int add(int[] lits, Origin origin) {
        int id = literals.size();
        literals.add(lits);
        origins.add(origin);
        if (lits.length >= 1) {
            watch(lits[0], id);
        }
        if (lits.length >= 2) {
            watch(lits[1], id);
        }
        return id;
    }

    void watch(int lit, int clause) {
        if (lit >= watches.length) {
            watches = Arrays.copyOf(watches, Math.max(lit + 1, watches.length * 2));
        }
        if (watches[lit] == null) {
            watches[lit] = new IntList();
        }
        watches[lit].add(clause);
    }

    /** The clauses watching {@code lit} (to visit when it becomes false). */
    IntList watching(int lit) {
        if (lit >= watches.length || watches[lit] == null) {
            return IntList.EMPTY;
        }
        return watches[lit];
    }

    /** A growable list of ints. */
    static final class IntList {
        static final IntList EMPTY = new IntList();
        int[] items = new int[4];
        int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }
    }
}
