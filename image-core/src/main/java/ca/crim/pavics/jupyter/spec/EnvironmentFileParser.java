package ca.crim.pavics.jupyter.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads and validates a conda {@code environment.yml}: {@code name}, {@code channels}, {@code dependencies}
 * (conda match specs and one nested {@code pip:} list of requirements).
 */
public final class EnvironmentFileParser {
    private static final Set<String> KEYS = Set.of("name", "channels", "dependencies", "variables");
    private static final Set<String> REQUIRED = Set.of("name", "dependencies");

    private static final Pattern CONDA = Pattern.compile(
            "^(?:([A-Za-z0-9_./:-]+)::)?([A-Za-z0-9_][A-Za-z0-9_.+-]*)\\s*(.*)$");
    private static final Pattern CONDA_CONSTRAINT = Pattern.compile("^[A-Za-z0-9_.*,|<>=!~+\\s\\[\\]'\"-]*$");
    private static final Pattern PIP_NAME = Pattern.compile(
            "^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\\s*(.*)$");
    private static final Pattern PIP_EXTRAS = Pattern.compile("^\\[\\s*[A-Za-z0-9._-]+(\\s*,\\s*[A-Za-z0-9._-]+)*\\s*]\\s*(.*)$");
    private static final Pattern PIP_VERSIONS = Pattern.compile(
            "^((~=|===|==|!=|<=|>=|<|>)\\s*[A-Za-z0-9.*+!_-]+\\s*(,\\s*(~=|===|==|!=|<=|>=|<|>)\\s*[A-Za-z0-9.*+!_-]+\\s*)*)?(;.*)?$");
    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://\\S+$");

    private final String expectedName;

    /** @param expectedName the environment the image updates (the base's {@code birdy}); null accepts any */
    public EnvironmentFileParser(String expectedName) {
        this.expectedName = expectedName;
    }

    public EnvironmentFile parse(Path file) throws SpecException {
        YamlFile yaml = YamlFile.of(file);
        Node root = yaml.root().orElseThrow(() -> new SpecException(file, 0, 0,
                "empty file: expected a conda environment with name and dependencies"));
        Map<String, Node> top = yaml.mapping(root, "the environment file", KEYS, REQUIRED);
        String name = yaml.string(top.get("name"), "name");
        if (expectedName != null && !expectedName.equals(name)) {
            throw yaml.error(top.get("name"), "name must be '" + expectedName
                    + "' (the base image's environment that this image updates), found '" + name + "'");
        }
        List<String> channels = top.containsKey("channels") ? yaml.strings(top.get("channels"), "channels") : List.of();
        if (top.containsKey("variables")) {
            yaml.mapping(top.get("variables"), "variables", Set.of(), Set.of());
        }
        List<CondaSpec> conda = new ArrayList<>();
        List<PipRequirement> pip = new ArrayList<>();
        Map<String, Integer> seenConda = new HashMap<>();
        Map<String, Integer> seenPip = new HashMap<>();
        boolean pipSeen = false;
        for (Node item : yaml.sequence(top.get("dependencies"), "dependencies").getValue()) {
            if (item instanceof MappingNode) {
                if (pipSeen) {
                    throw yaml.error(item, "a second 'pip:' list in dependencies (merge them into one)");
                }
                pipSeen = true;
                Map<String, Node> pipMap = yaml.mapping(item, "a dependencies item", Set.of("pip"), Set.of("pip"));
                for (Node req : yaml.sequence(pipMap.get("pip"), "pip").getValue()) {
                    PipRequirement r = pipRequirement(yaml, req);
                    Integer before = seenPip.putIfAbsent(r.normalizedName(), r.line());
                    if (before != null) {
                        throw yaml.error(req, "duplicate pip requirement '" + r.name() + "' (also on line " + before + ")");
                    }
                    pip.add(r);
                }
                continue;
            }
            CondaSpec spec = condaSpec(yaml, item);
            Integer before = seenConda.putIfAbsent(spec.name(), spec.line());
            if (before != null) {
                throw yaml.error(item, "duplicate conda package '" + spec.name() + "' (also on line " + before + ")");
            }
            conda.add(spec);
        }
        return new EnvironmentFile(name, channels, conda, pip);
    }

    private static CondaSpec condaSpec(YamlFile yaml, Node item) throws SpecException {
        if (!(item instanceof ScalarNode)) {
            throw yaml.error(item, "a dependency must be a conda match spec or a 'pip:' list, found "
                    + YamlFile.describe(item));
        }
        String raw = yaml.string(item, "a dependency").trim();
        Matcher m = CONDA.matcher(raw);
        if (raw.isEmpty() || !m.matches() || !CONDA_CONSTRAINT.matcher(m.group(3)).matches()) {
            throw yaml.error(item, "invalid conda match spec '" + raw + "'");
        }
        return new CondaSpec(m.group(1) == null ? "" : m.group(1), m.group(2).toLowerCase(Locale.ROOT),
                m.group(3).trim(), raw, YamlFile.line(item));
    }

    private static PipRequirement pipRequirement(YamlFile yaml, Node item) throws SpecException {
        String raw = yaml.string(item, "a pip requirement").trim();
        if (raw.startsWith("-")) {
            throw yaml.error(item, "pip options such as '" + raw + "' are not supported: list requirements only");
        }
        Matcher m = PIP_NAME.matcher(raw);
        if (!m.matches()) {
            throw yaml.error(item, "invalid pip requirement '" + raw + "'");
        }
        String name = m.group(1);
        String rest = m.group(2);
        if (rest.startsWith("@")) {
            String url = rest.substring(1).trim();
            int marker = url.indexOf(" ;");
            String urlOnly = marker >= 0 ? url.substring(0, marker).trim() : url;
            if (!URL.matcher(urlOnly).matches()) {
                throw yaml.error(item, "invalid direct reference in pip requirement '" + raw + "'");
            }
            return new PipRequirement(name, "", urlOnly, raw, YamlFile.line(item));
        }
        String afterExtras = rest;
        if (rest.startsWith("[")) {
            Matcher e = PIP_EXTRAS.matcher(rest);
            if (!e.matches()) {
                throw yaml.error(item, "invalid extras in pip requirement '" + raw + "'");
            }
            afterExtras = e.group(2);
        }
        String versions = afterExtras.startsWith("(") && afterExtras.contains(")")
                ? afterExtras.replaceFirst("^\\((.*?)\\)", "$1") : afterExtras;
        if (!PIP_VERSIONS.matcher(versions.trim()).matches()) {
            throw yaml.error(item, "invalid version specifier in pip requirement '" + raw + "'");
        }
        return new PipRequirement(name, rest.trim(), "", raw, YamlFile.line(item));
    }
}
