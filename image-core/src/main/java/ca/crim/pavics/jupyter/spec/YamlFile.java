package ca.crim.pavics.jupyter.spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML file read as a node tree, so that every value keeps its position for error messages. Helpers
 * here turn nodes into typed values or fail with a {@link SpecException} pointing at the node.
 */
final class YamlFile {
    private final Path file;

    private YamlFile(Path file) {
        this.file = file;
    }

    static YamlFile of(Path file) {
        return new YamlFile(file);
    }

    Path file() {
        return file;
    }

    /** Parses the file; an empty document gives an empty optional. */
    Optional<Node> root() throws SpecException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file, 0, 0, "file not found");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecException(file, 0, 0, "not a UTF-8 text file");
        } catch (IOException e) {
            throw new SpecException(file, 0, 0, "cannot read: " + e.getMessage());
        }
        return parse(text);
    }

    Optional<Node> parse(String text) throws SpecException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(10);
        try (Reader reader = new java.io.StringReader(text)) {
            return Optional.ofNullable(new Yaml(options).compose(reader));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new SpecException(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
                    "invalid YAML: " + context + problem);
        } catch (YAMLException | IOException e) {
            throw new SpecException(file, 0, 0, "invalid YAML: " + e.getMessage());
        }
    }

    SpecException error(Node at, String problem) {
        Mark m = at.getStartMark();
        return new SpecException(file, m.getLine() + 1, m.getColumn() + 1, problem);
    }

    /** An error at a 1-based column inside a scalar's text (quotes of a quoted scalar counted). */
    SpecException error(Node at, int columnInValue, String problem) {
        Mark m = at.getStartMark();
        boolean quoted = at instanceof ScalarNode s && s.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
        return new SpecException(file, m.getLine() + 1, m.getColumn() + columnInValue + (quoted ? 1 : 0), problem);
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (Tag.NULL.equals(tag)) {
            return "an empty value";
        }
        if (Tag.BOOL.equals(tag)) {
            return "a boolean";
        }
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            return "a number";
        }
        return "a string";
    }

    SequenceNode sequence(Node node, String what) throws SpecException {
        if (node instanceof SequenceNode seq) {
            return seq;
        }
        throw error(node, what + " must be a list, found " + describe(node));
    }

    /**
     * Reads a mapping whose keys are strings, refusing keys outside {@code allowed} and reporting a
     * missing key of {@code required}.
     */
    Map<String, Node> mapping(Node node, String what, Set<String> allowed, Set<String> required)
            throws SpecException {
        if (!(node instanceof MappingNode map)) {
            throw error(node, what + " must be a mapping, found " + describe(node));
        }
        Map<String, Node> values = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                throw error(keyNode, what + ": keys must be plain names");
            }
            String name = key.getValue();
            if (!allowed.contains(name)) {
                throw error(keyNode, "unknown key '" + name + "' in " + what + " (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            if (values.containsKey(name)) {
                throw error(keyNode, "duplicate key '" + name + "' in " + what + " (also on line "
                        + line(values.get(name)) + ")");
            }
            values.put(name, t.getValueNode());
        }
        for (String name : new java.util.TreeSet<>(required)) {
            if (!values.containsKey(name)) {
                throw error(node, "missing required key '" + name + "' in " + what);
            }
        }
        return values;
    }

    /** A mapping of names to scalar values (any names), e.g. environment variables. */
    Map<String, String> stringMapping(Node node, String what) throws SpecException {
        if (!(node instanceof MappingNode map)) {
            throw error(node, what + " must be a mapping, found " + describe(node));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = string(t.getKeyNode(), "a key of " + what);
            values.put(key, optionalString(t.getValueNode(), what + "." + key));
        }
        return values;
    }

    /** A scalar read as text; numbers are accepted as their text (a tag or branch may look like one). */
    String string(Node node, String what) throws SpecException {
        if (node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) && !Tag.BOOL.equals(s.getTag())) {
            return s.getValue();
        }
        throw error(node, what + " must be a string, found " + describe(node));
    }

    /** Like {@link #string} but an empty value (null) is read as "". */
    String optionalString(Node node, String what) throws SpecException {
        if (node instanceof ScalarNode s && Tag.NULL.equals(s.getTag())) {
            return "";
        }
        return string(node, what);
    }

    List<String> strings(Node node, String what) throws SpecException {
        List<String> out = new ArrayList<>();
        for (Node item : sequence(node, what).getValue()) {
            out.add(string(item, "an item of " + what));
        }
        return out;
    }
}
