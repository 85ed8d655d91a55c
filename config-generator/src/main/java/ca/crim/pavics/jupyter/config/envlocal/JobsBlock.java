package ca.crim.pavics.jupyter.config.envlocal;

import java.util.List;
import java.util.Optional;

/**
 * The part of env.local that config-generator owns: the notebook deploy jobs between the lines {@link #BEGIN} and
 * {@link #END}. Finds it, writes it (appended at the end the first time), or removes it.
 */
final class JobsBlock {
    static final String BEGIN =
            "# >>> pavics-jupyter-images: notebook deploy jobs (managed by config-generator; edits inside are replaced) >>>";
    static final String END = "# <<< pavics-jupyter-images: notebook deploy jobs <<<";

    private final String fileName;

    JobsBlock(String fileName) {
        this.fileName = fileName;
    }

    /**
     * Where the block is: {@code [begin, end)} offsets of its lines (the end marker's newline included), or empty.
     *
     * @throws EnvLocalException when one marker is there without the other
     */
    Optional<int[]> find(String text) throws EnvLocalException {
        int begin = findLine(text, BEGIN, 0);
        if (begin < 0) {
            if (findLine(text, END, 0) >= 0) {
                throw new EnvLocalException(fileName + ":" + lineOf(text, findLine(text, END, 0))
                        + ": the end marker of the notebook jobs block has no begin marker: remove the line '" + END + "'");
            }
            return Optional.empty();
        }
        int end = findLine(text, END, begin);
        if (end < 0) {
            throw new EnvLocalException(fileName + ":" + lineOf(text, begin) + ": the notebook jobs block has no end marker '"
                    + END + "'");
        }
        int blockEnd = text.indexOf('\n', end);
        return Optional.of(new int[] {begin, blockEnd < 0 ? text.length() : blockEnd + 1});
    }

    /** Where {@link #remove} starts removing (the blank line before the block, or the block), or -1 without a block. */
    int removalStart(String text) throws EnvLocalException {
        Optional<int[]> found = find(text);
        if (found.isEmpty()) {
            return -1;
        }
        int begin = found.get()[0];
        return begin >= 2 && text.startsWith("\n\n", begin - 2) ? begin - 1 : begin;
    }

    /** Removes the block with the blank line before it; returns a description of the change, or empty. */
    Optional<String> remove(String text, TextEdits edits) throws EnvLocalException {
        Optional<int[]> found = find(text);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        int begin = found.get()[0];
        int start = begin >= 2 && text.startsWith("\n\n", begin - 2) ? begin - 1 : begin;
        edits.replace(start, found.get()[1], "");
        return Optional.of("removed the notebook deploy jobs block (line " + lineOf(text, begin) + "): on this server the jobs"
                + " come from the component (config-generator component)");
    }

    /** Writes the block with {@code shell} inside; returns a description of the change, or empty when it is already so. */
    Optional<String> write(String text, String shell, int jobs, TextEdits edits) throws EnvLocalException {
        String block = BEGIN + "\n" + shell + END + "\n";
        Optional<int[]> found = find(text);
        if (found.isEmpty()) {
            String lead = text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
            edits.insert(text.length(), lead + block);
            return Optional.of("added the notebook deploy jobs block (" + jobs + " job(s))");
        }
        String existing = text.substring(found.get()[0], found.get()[1]);
        if (existing.equals(block) || (existing + "\n").equals(block)) {
            return Optional.empty();
        }
        edits.replace(found.get()[0], found.get()[1], block);
        return Optional.of("updated the notebook deploy jobs block (" + jobs + " job(s))");
    }

    /** Whether offset lies inside the block {@code found} (from {@link #find}). */
    static boolean inside(Optional<int[]> found, int offset) {
        return found.isPresent() && offset >= found.get()[0] && offset < found.get()[1];
    }

    static int findLine(String text, String line, int from) {
        int i = text.indexOf(line, from);
        while (i >= 0) {
            boolean atStart = i == 0 || text.charAt(i - 1) == '\n';
            int after = i + line.length();
            boolean atEnd = after == text.length() || text.charAt(after) == '\n';
            if (atStart && atEnd) {
                return i;
            }
            i = text.indexOf(line, i + 1);
        }
        return -1;
    }

    /** The 1-based line of an offset. */
    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The lines of a text with their start offsets. */
    static List<int[]> lineSpans(String text) {
        java.util.ArrayList<int[]> spans = new java.util.ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            spans.add(new int[] {start, end});
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return spans;
    }
}
