package ca.crim.pavics.jupyter.lock.solve;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our solver against {@link NaiveBacktracking} on thousands of small random repositories (dependencies and
 * constraints with version ranges, installed records): both must agree on whether a request can be met, and every
 * solution of ours must pass {@link SolutionChecker}. The baseline is exhaustive, so a disagreement is a bug of ours.
 */
class RandomRepositoriesTest {
    private static final String[] RANGES = {"", " >=2", " <3", " 2.*", " >=1,<3", " !=2", " 3"};

    private static PackageRecord record(String name, String version, int build, List<String> depends, List<String> constrains) {
        String b = "h" + build + "_" + build;
        return new PackageRecord(name, version, b, build, depends, constrains, List.of(), "linux-64", null, 1000L + build,
                null, null, 1, null, name + "-" + version + "-" + b + ".conda", "", "https://example.org/c");
    }

    @Test
    void agreesWithExhaustiveBacktracking() throws Exception {
        int cases = 3000;
        int solved = 0;
        int unsatisfiable = 0;
        int gaveUp = 0;
        List<String> failures = new ArrayList<>();
        for (int seed = 0; seed < cases; seed++) {
            Random rnd = new Random(seed);
            int names = 3 + rnd.nextInt(10);
            List<PackageRecord> records = new ArrayList<>();
            for (int n = 0; n < names; n++) {
                int versions = 1 + rnd.nextInt(5);
                for (int v = 1; v <= versions; v++) {
                    for (int build = 0; build <= rnd.nextInt(2); build++) {
                        List<String> deps = new ArrayList<>();
                        List<String> cons = new ArrayList<>();
                        for (int d = 0; d < names; d++) {
                            if (d != n && rnd.nextInt(100) < 25) {
                                deps.add("p" + d + RANGES[rnd.nextInt(RANGES.length)]);
                                if (rnd.nextInt(100) < 15) {
                                    deps.add("p" + d + RANGES[rnd.nextInt(RANGES.length)]); // two ranges on one name
                                }
                            } else if (d != n && rnd.nextInt(100) < 8) {
                                cons.add("p" + d + RANGES[1 + rnd.nextInt(RANGES.length - 1)]);
                            }
                        }
                        if (rnd.nextInt(100) < 5) {
                            deps.add("__glibc >=2." + (17 + rnd.nextInt(20)));
                        }
                        records.add(record("p" + n, v + ".0", build, deps, cons));
                    }
                }
            }
            List<MatchSpec> specs = new ArrayList<>();
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                specs.add(MatchSpec.parse("p" + rnd.nextInt(names) + RANGES[rnd.nextInt(RANGES.length)]));
            }
            List<PackageRecord> installed = new ArrayList<>();
            if (rnd.nextBoolean()) {
                PackageRecord i = records.get(rnd.nextInt(records.size()));
                installed.add(i);
            }
            List<VirtualPackage> virtual = List.of(new VirtualPackage("__glibc", "2.28", "0"));
            List<MatchSpec> naiveSpecs = new ArrayList<>(specs);
            installed.forEach(i -> naiveSpecs.add(parse(i.name())));
            RecordProvider provider = RecordProvider.of(records);
            NaiveBacktracking.Result expected = NaiveBacktracking.solve(naiveSpecs, virtual, provider, 200_000);
            if (expected.outcome() == NaiveBacktracking.Outcome.GAVE_UP) {
                gaveUp++;
                continue;
            }
            Solver.Solution ours = null;
            try {
                ours = Solver.solve(new Solver.Request(specs, installed, java.util.Set.of(), virtual, List.of()), provider);
            } catch (UnsatisfiableException e) {
                if (expected.outcome() == NaiveBacktracking.Outcome.SOLVED) {
                    failures.add("seed " + seed + ": we say unsatisfiable, the baseline found " + expected.records().values()
                            + " for " + specs + "\n" + e.getMessage());
                }
                unsatisfiable++;
                continue;
            }
            if (expected.outcome() == NaiveBacktracking.Outcome.UNSATISFIABLE) {
                failures.add("seed " + seed + ": the baseline proves " + specs + " unsatisfiable, we found " + ours.records().values());
                continue;
            }
            List<String> violations = SolutionChecker.violations(ours.records(), specs, installed, virtual, List.of());
            if (!violations.isEmpty()) {
                failures.add("seed " + seed + ": invalid solution " + violations);
            }
            solved++;
        }
        System.out.printf("random repositories: %d cases, %d solved, %d unsatisfiable (both agree), %d beyond the baseline's limit%n",
                cases, solved, unsatisfiable, gaveUp);
        assertThat(failures).isEmpty();
        assertThat(solved).isGreaterThan(cases / 4);
        assertThat(unsatisfiable).isGreaterThan(cases / 20);
    }

    private static MatchSpec parse(String s) {
        try {
            return MatchSpec.parse(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
