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
        NaiveBacktracking.Result[] result = new NaiveBacktracking.Result[1];
        IOException[] failure = new IOException[1];
        // one stack frame per chosen record: a deep environment needs a deep stack
        Thread search = new Thread(null, () -> {
            try {
                result[0] = NaiveBacktracking.solve(specs, virtual, provider, Long.MAX_VALUE, deadline);
            } catch (IOException e) {
                failure[0] = e;
            }
        }, "baseline", 1L << 30);
        search.start();
        try {
            search.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        NaiveBacktracking.Result r = result[0];
        double seconds = (System.nanoTime() - t0) / 1e9;
        return switch (r.outcome()) {
            case SOLVED -> new Run("solved", seconds, false);
            case UNSATISFIABLE -> new Run("proved unsatisfiable", seconds, false);
            case GAVE_UP -> new Run(String.format("%,d candidates tried", r.steps()), limit.toNanos() / 1e9, true);
        };
    }
}
