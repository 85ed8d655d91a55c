package ca.crim.pavics.jupyter.spec;

import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.spec.MatchSpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads and validates a conda {@code environment.yml} (CEP 24 and the keys the ecosystem writes): {@code name}
 * (optional: the base's environment is meant), {@code channels}, {@code dependencies} (conda match specs, read with
 * conda's rules, and one nested {@code pip:} list of requirements), {@code variables} (a mapping),
 * {@code platforms} (conda-lock's; must include linux-64) and {@code prefix} ({@code conda env export}'s; ignored,
 * with a note). Mistakes are one line {@code FILE:LINE:COL: message}.
 */
public final class EnvironmentFileParser {
    private static final Set<String> KEYS = Set.of("name", "channels", "dependencies", "variables", "platforms", "prefix");
    private static final Set<String> REQUIRED = Set.of("dependencies");
    /** The platform the images run on. */
    public static final String PLATFORM = "linux-64";
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

    /**
     * @throws SpecException one line {@code FILE:LINE:COL: message} for any mistake
     */
    public EnvironmentFile parse(Path file) throws SpecException {
        YamlFile yaml = YamlFile.of(file);
        Node root = yaml.root().orElseThrow(() -> new SpecException(file, 0, 0,
                "empty file: expected a conda environment with name and dependencies"));
        Map<String, Node> top = yaml.mapping(root, "the environment file", KEYS, REQUIRED);
        Optional<String> name = Optional.empty();
        if (top.containsKey("name")) {
            name = Optional.of(yaml.string(top.get("name"), "name"));
            if (expectedName != null && !expectedName.equals(name.get())) {
                throw yaml.error(top.get("name"), "name must be '" + expectedName
                        + "' (the base image's environment that this image updates), found '" + name.get() + "'");
            }
        }
        List<String> channels = top.containsKey("channels") ? yaml.strings(top.get("channels"), "channels") : List.of();
        if (top.containsKey("variables")) {
            yaml.stringMapping(top.get("variables"), "variables");
        }
        List<String> notes = new ArrayList<>();
        if (top.containsKey("platforms")) {
            List<String> platforms = yaml.strings(top.get("platforms"), "platforms");
            if (!platforms.contains(PLATFORM)) {
                throw yaml.error(top.get("platforms"), "platforms must include " + PLATFORM
                        + " (the platform of the images), found " + platforms);
            }
        }
        if (top.containsKey("prefix")) {
            notes.add(file + ": prefix '" + yaml.optionalString(top.get("prefix"), "prefix")
                    + "' is ignored: the image updates the base image's environment where it is");
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
        return new EnvironmentFile(name, channels, conda, pip, notes);
    }

    private static CondaSpec condaSpec(YamlFile yaml, Node item) throws SpecException {
        if (!(item instanceof ScalarNode)) {
            throw yaml.error(item, "a dependency must be a conda match spec or a 'pip:' list, found "
                    + YamlFile.describe(item));
        }
        String written = yaml.string(item, "a dependency");
        String raw = written.trim();
        MatchSpec spec;
        try {
            spec = MatchSpec.parse(written);
        } catch (MatchSpecException e) {
            throw yaml.error(item, e.column(), "invalid conda match spec '" + raw + "': " + e.reason());
        }
        String name = spec.exactName().filter(n -> !n.equals("*")).orElseThrow(() -> yaml.error(item,
                "a dependency must name one package, found '" + raw + "'"));
        if (spec.url().isPresent()) {
            throw yaml.error(item, "'" + raw + "' names a package file: list it by name and version instead");
        }
        return new CondaSpec(name, spec, raw, YamlFile.line(item));
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
