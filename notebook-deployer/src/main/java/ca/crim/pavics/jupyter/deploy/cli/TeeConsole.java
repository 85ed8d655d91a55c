package ca.crim.pavics.jupyter.deploy.cli;

import ca.crim.pavics.jupyter.deploy.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Writes each line to the terminal and, when a log file is set (DEPLOY_DATA_LOGFILE), appends it there too. */
final class TeeConsole implements Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Optional<Path> logFile;
    /** Lines held back (see {@link #hold}), or null. */
    private java.util.List<Line> held;

    private record Line(PrintWriter terminal, String text) {
    }

    TeeConsole(PrintWriter out, PrintWriter err, Optional<Path> logFile) {
        this.out = out;
        this.err = err;
        this.logFile = logFile;
    }

    @Override
    public void info(String line) {
        write(out, "", line);
    }

    @Override
    public void warn(String line) {
        write(err, "warning: ", line);
    }

    @Override
    public void error(String line) {
        write(err, "error: ", line);
    }

    /** Keeps the lines (with their times) instead of writing them, until {@link #release} or {@link #discard}. */
    synchronized void hold() {
        held = new java.util.ArrayList<>();
    }

    /** Writes the held lines, and the next ones at once. */
    synchronized void release() {
        java.util.List<Line> lines = held;
        held = null;
        if (lines != null) {
            lines.forEach(l -> emit(l.terminal(), l.text()));
        }
    }

    /** Drops the held lines. */
    synchronized void discard() {
        if (held != null) {
            held.clear();
        }
    }

    private synchronized void write(PrintWriter terminal, String level, String line) {
        String stamped = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + " notebook-deployer: " + level + line;
        if (held != null) {
            held.add(new Line(terminal, stamped));
            return;
        }
        emit(terminal, stamped);
    }

    private void emit(PrintWriter terminal, String stamped) {
        terminal.println(stamped);
        terminal.flush();
        if (logFile.isPresent()) {
            try {
                Files.writeString(logFile.get(), stamped + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                err.println("notebook-deployer: cannot append to " + logFile.get() + ": " + e.getMessage());
                err.flush();
            }
        }
    }
}
