package ca.crim.pavics.jupyter.spec;

import java.nio.file.Path;

/**
 * A user mistake in one of the image's files. The message is one line, {@code FILE:LINE:COL: problem},
 * ready to be shown as is (no stack trace needed).
 */
public final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    private final String problem;

    public SpecException(Path file, int line, int column, String problem) {
        super(format(file, line, column, problem));
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    private static String format(Path file, int line, int column, String problem) {
        StringBuilder b = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        return b.append(": ").append(problem.replace('\n', ' ')).toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based line, 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** 1-based column, 0 when unknown. */
    public int column() {
        return column;
    }

    public String problem() {
        return problem;
    }
}
