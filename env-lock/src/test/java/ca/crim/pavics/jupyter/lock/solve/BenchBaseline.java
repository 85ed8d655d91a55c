package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** {@link NaiveBacktracking} with a time limit, for bench/resolve.sh. */
public final class BenchBaseline {
    /** One baseline run: its outcome and time. */
    public record Run(String outcome, double seconds, boolean gaveUp) {
        public String describe(Duration limit) {
            return gaveUp ? "gave up after " + limit.toSeconds() + " s (" + outcome + ")" : String.format("%s in %.2f s", outcome, seconds);
        }
    }

    private BenchBaseline() {
    }

    public static Run solve(List<MatchSpec> specs, List<VirtualPackage> virtual, RecordProvider provider, Duration limit)
            throws IOException {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        NaiveBacktracking.Result r = NaiveBacktracking.solve(specs, virtual, provider, Long.MAX_VALUE, deadline);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return switch (r.outcome()) {
            case SOLVED -> new Run("solved", seconds, false);
            case UNSATISFIABLE -> new Run("proved unsatisfiable", seconds, false);
            case GAVE_UP -> new Run(String.format("%,d candidates tried", r.steps()), limit.toNanos() / 1e9, true);
        };
    }
}
