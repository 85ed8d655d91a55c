package ca.crim.pavics.jupyter.lock.cli;

import java.io.PrintWriter;

/**
 * Progress of long work on one line of the error stream: rewritten in place on a terminal, one line per step
 * otherwise (logs), nothing when quiet.
 */
final class ProgressLine {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private int shown;

    ProgressLine(PrintWriter err, boolean quiet, boolean terminal) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = terminal;
    }

    /** Shows a step (replaces the previous one on a terminal). */
    synchronized void show(String text) {
        if (quiet) {
            return;
        }
        if (terminal) {
            String line = text.length() > 119 ? text.substring(0, 116) + "..." : text;
            err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
            shown = line.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Ends the line: what follows starts on a line of its own. */
    synchronized void done() {
        if (!quiet && terminal && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
