package ca.crim.pavics.jupyter.config.envlocal;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import ca.crim.pavics.jupyter.config.images.Versions;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code JUPYTERHUB_ALLOWED_IMAGES} (birdhouse 2.x): a YAML mapping of selection name to image, which JupyterHub
 * reads with {@code yaml.safe_load} and which, when set, is the list of images offered. Its value is parsed as YAML
 * and only the scalars of our entries are edited in place (their quotes kept): each of our images gets its new
 * version in the entry that had its newest version (its name follows the version when it was {@code name:version});
 * with keep-previous a new entry is added after it; an image with no entry gets one after the last entry, in that
 * entry's indentation and quoting.
 */
final class AllowedImagesMapping {
    private final String fileName;

    AllowedImagesMapping(String fileName) {
        this.fileName = fileName;
    }

    private record Entry(ScalarNode key, ScalarNode image, String repositoryKey) {
    }

    /** Whether the mapping is written {@code {a: b, ...}}: scalars can be edited, lines cannot be added. */
    private boolean flow;

    /** Edits {@code a} for {@code ours}; returns descriptions of the changes. */
    List<String> update(String text, Assignment a, List<ImageEntry> ours, boolean keepPrevious, TextEdits edits)
            throws EnvLocalException {
        List<String> changes = new ArrayList<>();
        if (a.value().isEmpty()) {
            throw refusal(a, "it is built with expansions: write the mapping literally");
        }
        String value = a.value().get();
        if (value.isBlank()) {
            return changes;
        }
        List<Entry> entries = entries(a, value);
        for (ImageEntry e : ours) {
            Entry best = null;
            boolean present = false;
            for (Entry entry : entries) {
                if (!e.repositoryKey().equals(entry.repositoryKey())) {
                    continue;
                }
                present |= entry.image().getValue().equals(EnvLocalMerge.inFileForm(entry.image().getValue(), e.reference()));
                if (best == null || Versions.compare(tagOf(entry.image().getValue()), tagOf(best.image().getValue())) > 0) {
                    best = entry;
                }
            }
            if (present) {
                continue;
            }
            if (best == null) {
                if (entries.isEmpty()) {
                    throw refusal(a, "it has no entry to copy the form of");
                }
                addAfter(text, a, value, entries.get(entries.size() - 1), e.selectionName(), e.reference(), edits);
                changes.add(a.name() + ": added " + e.selectionName() + ": " + e.reference());
                continue;
            }
            String oldImage = best.image().getValue();
            String written = EnvLocalMerge.inFileForm(oldImage, e.reference());
            String folder = ImageEntry.folderName(best.key().getValue());
            String oldTag = tagOf(oldImage);
            if (keepPrevious) {
                addAfter(text, a, value, best, folder + ":" + e.tag(), written, edits);
                changes.add(a.name() + ": added " + folder + ":" + e.tag() + ": " + written);
            } else {
                replaceContent(a, best.image(), written, edits);
                if (best.key().getValue().equals(folder + ":" + oldTag)) {
                    replaceContent(a, best.key(), folder + ":" + e.tag(), edits);
                }
                changes.add(a.name() + ": " + oldImage + " -> " + written);
            }
        }
        return changes;
    }

    private List<Entry> entries(Assignment a, String value) throws EnvLocalException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(value));
        } catch (YAMLException e) {
            throw refusal(a, "it is not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(root instanceof MappingNode map)) {
            throw refusal(a, "it is not a YAML mapping of selection name to image");
        }
        flow = map.getFlowStyle() == DumperOptions.FlowStyle.FLOW;
        List<Entry> entries = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key) || !(t.getValueNode() instanceof ScalarNode image)) {
                throw refusal(a, "an entry is not 'name: image'");
            }
            String repositoryKey;
            try {
                repositoryKey = ImageEntry.repositoryKey(image.getValue());
            } catch (IllegalArgumentException e) {
                repositoryKey = "";
            }
            entries.add(new Entry(key, image, repositoryKey));
        }
        return entries;
    }

    /** Replaces the text of a scalar, inside its quotes. */
    private void replaceContent(Assignment a, ScalarNode node, String content, TextEdits edits) throws EnvLocalException {
        int[] span = contentSpan(a, node);
        edits.replace(span[0], span[1], content);
    }

    /** File offsets [start, end) of a scalar's text without its quotes; refused when escapes make it differ. */
    private int[] contentSpan(Assignment a, ScalarNode node) throws EnvLocalException {
        boolean quoted = node.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
        int start = node.getStartMark().getIndex() + (quoted ? 1 : 0);
        int end = node.getEndMark().getIndex() - (quoted ? 1 : 0);
        List<Integer> offsets = a.sourceOffsets();
        if (end <= start) {
            throw refusal(a, "an entry is empty");
        }
        int fileStart = offsets.get(start);
        int fileEnd = offsets.get(end - 1) + 1;
        if (fileEnd - fileStart != end - start || !node.getValue().equals(a.value().orElseThrow().substring(start, end))) {
            throw refusal(a, "the entry " + node.getValue() + " is written in a form this tool does not edit (escapes, an alias,"
                    + " a tag or a block scalar)");
        }
        return new int[] {fileStart, fileEnd};
    }

    private void addAfter(String text, Assignment a, String value, Entry after, String name, String image, TextEdits edits)
            throws EnvLocalException {
        if (flow) {
            throw refusal(a, "it is written as a flow mapping {...}: write one 'name: image' per line, or add " + name + ": "
                    + image + " by hand");
        }
        contentSpan(a, after.image());
        String indent = " ".repeat(after.key().getStartMark().getColumn());
        String quote = switch (after.image().getScalarStyle()) {
            case DOUBLE_QUOTED -> "\"";
            case SINGLE_QUOTED -> "'";
            default -> "";
        };
        int valueEnd = after.image().getEndMark().getIndex();
        int newline = value.indexOf('\n', valueEnd);
        int at = newline >= 0 ? a.sourceOffsets().get(newline) : a.sourceOffsets().get(value.length() - 1) + 1;
        String written = a.quote() == '"' && quote.equals("\"") ? "\\\"" : quote;
        edits.insert(at, "\n" + indent + name + ": " + written + image + written);
    }

    private static String tagOf(String image) {
        return ca.crim.pavics.jupyter.registry.ImageReference.parse(image).tag();
    }

    private EnvLocalException refusal(Assignment a, String why) {
        return new EnvLocalException(fileName + ":" + a.line() + ": " + a.name() + " cannot be updated (" + why + ")");
    }
}
