package ca.crim.pavics.jupyter.release;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves the entries of a CHANGELOG's {@code Unreleased (latest)} section under a new {@code x.y.z (YYYY-MM-DD)}
 * section and leaves a fresh, empty {@code Unreleased (latest)} section on top, in the file's own format
 * (heading level, sub-lists such as {@code Changes:} / {@code Fixes:}, line endings).
 */
public final class ChangelogRelease {
    private static final Pattern UNRELEASED = Pattern.compile("^(#+)\\s+\\[?unreleased\\b.*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ENTRY = Pattern.compile("^\\s*[-*+]\\s+(.*)$");
    private static final Pattern LABEL = Pattern.compile("^\\s*([A-Za-z][\\w /-]*):\\s*$");
    private static final Set<String> EMPTY = Set.of("n/a", "na", "none", "no change", "no changes", "nothing", "-", "tbd");

    /** The new text and how many entries were released. */
    public record Result(String text, int entries) {
    }

    public Result release(String text, String version, LocalDate date) throws ReleaseRefusedException {
        String eol = text.contains("\r\n") ? "\r\n" : "\n";
        boolean finalNewline = text.endsWith("\n");
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (finalNewline) {
            lines.remove(lines.size() - 1);
        }
        int start = -1;
        String hashes = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = UNRELEASED.matcher(lines.get(i));
            if (m.matches()) {
                start = i;
                hashes = m.group(1);
                break;
            }
        }
        if (start < 0) {
            throw new ReleaseRefusedException("no 'Unreleased (latest)' section: add one on top with the changes of this release");
        }
        Pattern sameOrHigher = Pattern.compile("^#{1," + hashes.length() + "}\\s.*$");
        Pattern existing = Pattern.compile("^#+\\s+\\[?" + Pattern.quote(version) + "\\]?(\\s|\\(|$).*$");
        int end = lines.size();
        for (int i = start + 1; i < lines.size(); i++) {
            if (sameOrHigher.matcher(lines.get(i)).matches()) {
                end = i;
                break;
            }
        }
        for (String line : lines) {
            if (existing.matcher(line).matches()) {
                throw new ReleaseRefusedException("it already has a section for " + version + ": choose another version");
            }
        }
        List<String> body = trimBlank(lines.subList(start + 1, end));
        int entries = 0;
        List<String> labels = new ArrayList<>();
        for (String line : body) {
            Matcher e = ENTRY.matcher(line);
            if (e.matches() && !isEmptyEntry(e.group(1))) {
                entries++;
            }
            Matcher l = LABEL.matcher(line);
            if (l.matches()) {
                labels.add(line.trim());
            }
        }
        if (entries == 0) {
            throw new ReleaseRefusedException("its 'Unreleased (latest)' section has no entry (only n/a): write what changed first");
        }
        List<String> out = new ArrayList<>(lines.subList(0, start + 1));
        out.add("");
        if (labels.isEmpty()) {
            out.add("- n/a");
            out.add("");
        }
        for (String label : labels) {
            out.add(label);
            out.add("- n/a");
            out.add("");
        }
        out.add(hashes + " " + version + " (" + date + ")");
        out.add("");
        out.addAll(body);
        List<String> rest = lines.subList(end, lines.size());
        if (!rest.isEmpty()) {
            out.add("");
            out.addAll(rest);
        }
        String result = String.join(eol, out) + (finalNewline ? eol : "");
        return new Result(result, entries);
    }

    private static boolean isEmptyEntry(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        return EMPTY.contains(t);
    }

    private static List<String> trimBlank(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return lines.subList(from, to);
    }
}
