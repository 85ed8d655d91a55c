package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The core metadata of a distribution (the {@code METADATA} file of a wheel, or the PEP 658 {@code .metadata} file an
 * index serves beside it): RFC 822-style headers, continuation lines starting with white space, the description
 * after the first blank line. Only what resolution needs is kept.
 *
 * @param name {@code Name}
 * @param version {@code Version}
 * @param requiresDist each {@code Requires-Dist}, as written
 * @param requiresPython {@code Requires-Python}, empty when absent
 * @param providesExtra each {@code Provides-Extra}, normalized
 */
public record CoreMetadata(String name, String version, List<String> requiresDist, String requiresPython,
        List<String> providesExtra) {
    public CoreMetadata {
        requiresDist = List.copyOf(requiresDist);
        providesExtra = List.copyOf(providesExtra);
    }

    /**
     * Reads metadata text.
     *
     * @throws InvalidRequirementException no {@code Name} or {@code Version} header
     */
    public static CoreMetadata parse(String text) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break; // the description follows
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                List<String> values = headers.get(last);
                values.set(values.size() - 1, values.get(values.size() - 1) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            last = line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
            headers.computeIfAbsent(last, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        String name = first(headers, "name").orElseThrow(() -> new InvalidRequirementException("metadata without a Name header"));
        String version = first(headers, "version").orElseThrow(() -> new InvalidRequirementException("metadata without a Version header"));
        List<String> extras = new ArrayList<>();
        for (String e : headers.getOrDefault("provides-extra", List.of())) {
            extras.add(ProjectName.normalize(e));
        }
        return new CoreMetadata(name, version, headers.getOrDefault("requires-dist", List.of()),
                first(headers, "requires-python").orElse(""), extras);
    }

    private static Optional<String> first(Map<String, List<String>> headers, String key) {
        List<String> v = headers.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
}
