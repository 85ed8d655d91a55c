package ca.crim.pavics.jupyter.config.envlocal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code BIRDHOUSE_EXTRA_CONF_DIRS}: the whitespace-separated component folders birdhouse enables. Adds one folder as
 * a span edit: after the last word of the assignment in effect, with the separator the list already uses; or, when
 * env.local does not set it, a new assignment that keeps the value of default.env ({@code ${BIRDHOUSE_EXTRA_CONF_DIRS}}
 * first). Nothing is changed when a word of any assignment is already that folder.
 */
final class ConfDirs {
    static final String VARIABLE = "BIRDHOUSE_EXTRA_CONF_DIRS";
    static final String LEGACY_VARIABLE = "EXTRA_CONF_DIRS";

    private final String fileName;

    ConfDirs(String fileName) {
        this.fileName = fileName;
    }

    /**
     * @param newAssignmentAt where a new assignment goes when env.local has none
     * @return a description of the change, or empty when the folder is already listed
     * @throws EnvLocalException when the server does not take scheduler jobs as components
     */
    Optional<String> enable(String text, Map<String, List<Assignment>> byName, String folder, BirdhouseGeneration server,
            int newAssignmentAt, TextEdits edits) throws EnvLocalException {
        if (!server.jobsInComponent()) {
            throw new EnvLocalException(fileName + ": birdhouse " + server.label() + " does not run scheduler jobs from"
                    + " components (2.15 and later do): the jobs go to env.local instead");
        }
        if (folder.isBlank() || folder.chars().anyMatch(c -> Character.isWhitespace(c) || "\"'$`\\".indexOf(c) >= 0)) {
            throw new EnvLocalException("the component folder '" + folder + "' cannot be listed in " + VARIABLE
                    + " (no spaces, quotes, $, ` or \\)");
        }
        List<Assignment> all = byName.getOrDefault(VARIABLE, List.of());
        List<Assignment> legacy = byName.getOrDefault(LEGACY_VARIABLE, List.of());
        if (!legacy.isEmpty()) {
            throw new EnvLocalException(fileName + ":" + legacy.get(0).line() + ": the older name " + LEGACY_VARIABLE
                    + " is set, which birdhouse 2.x reads instead of " + VARIABLE + " while it is there: rename it "
                    + VARIABLE + ", or add " + folder + " to it by hand");
        }
        for (Assignment a : all) {
            if (a.depth() > 0) {
                throw new EnvLocalException(fileName + ":" + a.line() + ": " + VARIABLE + " is set conditionally: add "
                        + folder + " to it by hand");
            }
        }
        for (Assignment a : all) {
            String source = text.substring(a.valueStart(), a.valueEnd());
            for (String word : source.replaceAll("[\"']", " ").split("\\s+")) {
                if (word.equals(folder) || normal(word).equals(normal(folder))) {
                    return Optional.empty();
                }
            }
        }
        if (all.isEmpty()) {
            int at = newAssignmentAt;
            String lead = text.isEmpty() || text.substring(0, at).endsWith("\n\n") ? "" : text.substring(0, at).endsWith("\n") ? "\n" : "\n\n";
            edits.insert(at, lead + "# the notebook deploy jobs of pavics-jupyter-images (added by config-generator)\n"
                    + "export " + VARIABLE + "=\"${" + VARIABLE + "}\n  " + folder + "\n\"\n");
            return Optional.of("added " + VARIABLE + " with " + folder);
        }
        Assignment a = all.get(all.size() - 1);
        if (a.value().isPresent() && !WordList.of(a).words().isEmpty()) {
            WordList list = WordList.of(a);
            int last = list.words().size() - 1;
            String sep = last > 0 ? list.gapBefore(text, last) : list.assignment().quote() == 0 ? " " : "\n  ";
            if (a.quote() == 0 && sep.contains("\n")) {
                sep = " ";
            }
            if (a.quote() == 0) {
                edits.replace(a.valueStart(), a.valueEnd(), "\"" + String.join(" ", list.texts()) + sep + folder + "\"");
            } else {
                edits.insert(list.words().get(last).end(), sep + folder);
            }
        } else {
            String source = text.substring(a.valueStart(), a.valueEnd());
            if (a.quote() == 0) {
                throw new EnvLocalException(fileName + ":" + a.line() + ": " + VARIABLE + " is not quoted: add " + folder
                        + " to it by hand");
            }
            edits.insert(a.insertAt(), (source.contains("\n") ? "\n  " : " ") + folder + (source.endsWith("\n" + a.quote()) ? "\n" : ""));
        }
        return Optional.of(VARIABLE + " (line " + a.line() + "): added " + folder);
    }

    /** A folder as a normalised path ({@code ./a//b/} and {@code a/b} are one). */
    private static String normal(String path) {
        try {
            return java.nio.file.Path.of(path).normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return path;
        }
    }

    /**
     * Whether a {@code BIRDHOUSE_EXTRA_CONF_DIRS} assignment lists a folder named like the component
     * ({@code .../pavics-jupyter-notebookdeploy}).
     */
    static boolean listsComponent(String text, Map<String, List<Assignment>> byName, String componentName) {
        for (Assignment a : byName.getOrDefault(VARIABLE, List.of())) {
            for (String word : text.substring(a.valueStart(), a.valueEnd()).replaceAll("[\"']", " ").split("\\s+")) {
                String n = normal(word);
                if (n.equals(componentName) || n.endsWith("/" + componentName)) {
                    return true;
                }
            }
        }
        return false;
    }
}
