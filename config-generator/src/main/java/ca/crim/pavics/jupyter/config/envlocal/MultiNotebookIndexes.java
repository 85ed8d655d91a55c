package ca.crim.pavics.jupyter.config.envlocal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multi-notebook settings of older birdhouse examples ({@code ENABLE_JUPYTERHUB_MULTI_NOTEBOOKS} in 1.x,
 * {@code JUPYTERHUB_ENABLE_MULTI_NOTEBOOKS} in 2.x): Python for JupyterHub that picks images by their position in the
 * lists, e.g. {@code os.environ['JUPYTERHUB_IMAGE_SELECTION_NAMES'].split()[2]: os.environ[...].split()[2],}. When a
 * merge moves entries, each {@code .split()[i]} is renumbered; for each entry added, the last line that selects one
 * position is copied with the new position. A setting that cannot be edited so (built with expansions, or with no
 * line of that form to copy) is refused, naming the variable.
 */
final class MultiNotebookIndexes {
    static final List<String> VARIABLES = List.of("ENABLE_JUPYTERHUB_MULTI_NOTEBOOKS", "JUPYTERHUB_ENABLE_MULTI_NOTEBOOKS");
    private static final Pattern INDEX = Pattern.compile("\\.split\\(\\)\\[(\\d+)]");
    private static final Pattern ANY_INDEX = Pattern.compile("\\.split\\(\\)\\[([^\\]]*)]");

    private final String fileName;

    MultiNotebookIndexes(String fileName) {
        this.fileName = fileName;
    }

    /** Edits every setting of {@code byName} for {@code positions}; returns descriptions of the changes. */
    List<String> adjust(String text, Map<String, List<Assignment>> byName, ListPositions positions, TextEdits edits)
            throws EnvLocalException {
        List<String> changes = new ArrayList<>();
        if (positions.unchanged()) {
            return changes;
        }
        for (String name : VARIABLES) {
            for (Assignment a : byName.getOrDefault(name, List.of())) {
                String source = text.substring(a.valueStart(), a.valueEnd());
                if (!INDEX.matcher(source).find()) {
                    continue;
                }
                if (a.value().isEmpty()) {
                    throw refusal(a, "it is built with expansions");
                }
                Matcher any = ANY_INDEX.matcher(a.value().get());
                while (any.find()) {
                    if (!any.group(1).strip().matches("\\d+")) {
                        throw refusal(a, "it selects by .split()[" + any.group(1) + "], not by a plain position");
                    }
                }
                changes.add(adjust(text, a, positions, edits));
            }
        }
        return changes;
    }

    private String adjust(String text, Assignment a, ListPositions positions, TextEdits edits) throws EnvLocalException {
        String value = a.value().orElseThrow();
        List<Integer> offsets = a.sourceOffsets();
        Matcher m = INDEX.matcher(value);
        int renumbered = 0;
        while (m.find()) {
            int index = Integer.parseInt(m.group(1));
            if (index < positions.newIndex().length && positions.newIndex()[index] != index) {
                edits.replace(offsets.get(m.start(1)), offsets.get(m.end(1) - 1) + 1, String.valueOf(positions.newIndex()[index]));
                renumbered++;
            }
        }
        if (!positions.added().isEmpty()) {
            int[] template = lastSinglePositionLine(value);
            if (template == null) {
                throw refusal(a, "no line selects one position that could be copied for the added image(s)");
            }
            String line = value.substring(template[0], template[1]);
            int lineEnd = offsets.get(template[1] - 1) + 1;
            if (lineEnd - offsets.get(template[0]) != line.length()) {
                throw refusal(a, "its line " + line.strip() + " is quoted in a way that cannot be copied");
            }
            StringBuilder added = new StringBuilder();
            for (int position : positions.added()) {
                added.append('\n').append(INDEX.matcher(line).replaceAll(".split()[" + position + "]"));
            }
            edits.insert(lineEnd, added.toString());
        }
        return a.name() + " (line " + a.line() + ") selects images by position: " + renumbered + " position(s) renumbered"
                + (positions.added().isEmpty() ? "" : ", entries added for position(s) " + positions.added());
    }

    /** [start, end) in value of the last line whose .split()[i] all name one position, or null. */
    private static int[] lastSinglePositionLine(String value) {
        int[] found = null;
        for (int[] span : JobsBlock.lineSpans(value)) {
            Matcher m = INDEX.matcher(value.substring(span[0], span[1]));
            TreeSet<String> indexes = new TreeSet<>();
            while (m.find()) {
                indexes.add(m.group(1));
            }
            if (indexes.size() == 1 && span[1] > span[0]) {
                found = span;
            }
        }
        return found;
    }

    /** The settings that name one of {@code images} literally (a by-name entry a merge does not edit). */
    static List<String> literalMentions(Map<String, List<Assignment>> byName, List<String> images) {
        List<String> out = new ArrayList<>();
        for (String name : VARIABLES) {
            for (Assignment a : byName.getOrDefault(name, List.of())) {
                for (String image : images) {
                    if (a.value().map(v -> v.contains(image)).orElse(false)) {
                        out.add(name + " (line " + a.line() + ") names " + image + " itself: update that entry by hand");
                    }
                }
            }
        }
        return out;
    }

    private EnvLocalException refusal(Assignment a, String why) {
        return new EnvLocalException(fileName + ":" + a.line() + ": " + a.name() + " selects images by position and this"
                + " merge moves or adds entries, but it cannot be renumbered (" + why + "): move it to JUPYTERHUB_ALLOWED_IMAGES"
                + " or edit it by hand");
    }
}
