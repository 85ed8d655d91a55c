package ca.crim.pavics.jupyter.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates {@code notebook_config.yml}: a non-empty YAML list of entries with
 * {@code repo_url}, {@code branch}, {@code source_dir} and optional {@code dest_sub_dir}.
 */
public final class NotebookConfigParser {
    public static final String REPO_URL = "repo_url";
    public static final String BRANCH = "branch";
    public static final String SOURCE_DIR = "source_dir";
    public static final String DEST_SUB_DIR = "dest_sub_dir";

    private static final Set<String> KEYS = Set.of(REPO_URL, BRANCH, SOURCE_DIR, DEST_SUB_DIR);
    private static final Set<String> REQUIRED = Set.of(REPO_URL, BRANCH, SOURCE_DIR);
    private static final Pattern URL = Pattern.compile("^(https?|ssh|git|file)://\\S+$");
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@[\\w.-]+:\\S+$");
    private static final Pattern REF = Pattern.compile("^[^\\s~^:?*\\[\\\\]+$");

    public NotebookConfig parse(Path file) throws SpecException {
        YamlFile yaml = YamlFile.of(file);
        return parse(yaml, yaml.root().orElse(null));
    }

    /** Parses text that came from {@code origin} (a file name or an image label, used in messages). */
    public NotebookConfig parse(Path origin, String text) throws SpecException {
        YamlFile yaml = YamlFile.of(origin);
        return parse(yaml, yaml.parse(text).orElse(null));
    }

    private NotebookConfig parse(YamlFile yaml, Node root) throws SpecException {
        if (root == null) {
            throw new SpecException(yaml.file(), 0, 0, "empty config: expected a list of entries with "
                    + String.join(", ", REQUIRED));
        }
        SequenceNode list = yaml.sequence(root, "the notebook config");
        if (list.getValue().isEmpty()) {
            throw yaml.error(root, "empty config: expected at least one entry");
        }
        List<NotebookEntry> entries = new ArrayList<>();
        for (Node item : list.getValue()) {
            Map<String, Node> values = yaml.mapping(item, "a notebook entry", KEYS, REQUIRED);
            String repoUrl = yaml.string(values.get(REPO_URL), REPO_URL).trim();
            if (!URL.matcher(repoUrl).matches() && !SCP_LIKE.matcher(repoUrl).matches()) {
                throw yaml.error(values.get(REPO_URL), REPO_URL
                        + " must be a git URL (https://, ssh://, git://, file:// or user@host:path), found '"
                        + repoUrl + "'");
            }
            String branch = yaml.string(values.get(BRANCH), BRANCH).trim();
            if (!REF.matcher(branch).matches() || branch.startsWith("-")) {
                throw yaml.error(values.get(BRANCH), BRANCH + " must be a branch, tag or commit name, found '"
                        + branch + "'");
            }
            String sourceDir = path(yaml, values.get(SOURCE_DIR), SOURCE_DIR);
            String destSubDir = values.containsKey(DEST_SUB_DIR)
                    ? path(yaml, values.get(DEST_SUB_DIR), DEST_SUB_DIR) : "";
            NotebookEntry entry = new NotebookEntry(repoUrl, branch, sourceDir, destSubDir, YamlFile.line(item));
            for (NotebookEntry other : entries) {
                if (RelativePaths.overlap(other.destSubDir(), destSubDir)) {
                    throw yaml.error(item, (other.destSubDir().equals(destSubDir) ? "duplicate " : "overlapping ")
                            + DEST_SUB_DIR + " '" + destSubDir + "': entry of line " + other.line()
                            + " deploys into '" + other.destSubDir() + "' (each entry needs its own folder)");
                }
            }
            entries.add(entry);
        }
        return new NotebookConfig(entries);
    }

    private static String path(YamlFile yaml, Node node, String key) throws SpecException {
        String raw = key.equals(DEST_SUB_DIR) ? yaml.optionalString(node, key) : yaml.string(node, key);
        try {
            return RelativePaths.normalize(raw.trim());
        } catch (IllegalArgumentException e) {
            throw yaml.error(node, key + " " + e.getMessage());
        }
    }
}
