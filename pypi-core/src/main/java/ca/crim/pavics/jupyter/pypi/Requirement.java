package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A dependency specification of PEP 508: {@code name [extras] (specifiers | @ url) [; marker]}, e.g.
 * {@code requests[security] >= 2.8.1, == 2.8.* ; python_version < "2.7"} or {@code pip @ https://…/pip-1.0.whl}.
 *
 * @param name the project name as written
 * @param extras the extras asked for, normalized, sorted
 * @param specifiers the version clauses (empty for any version or a URL)
 * @param url the URL of a direct reference, or empty
 * @param marker the environment marker, or empty
 */
public record Requirement(String name, Set<String> extras, SpecifierSet specifiers, Optional<String> url,
        Optional<Marker> marker) {
    public Requirement {
        extras = java.util.Collections.unmodifiableSet(new TreeSet<>(extras));
    }

    /** The PEP 503 normalized name. */
    public String normalizedName() {
        return ProjectName.normalize(name);
    }

    /**
     * Reads a requirement.
     *
     * @throws InvalidRequirementException not PEP 508 syntax, or specifiers that are not PEP 440's; the message
     *     quotes the text and gives the column (1-based) when it can
     */
    public static Requirement parse(String text) {
        String s = text;
        int semi = markerStart(s);
        Optional<Marker> marker = Optional.empty();
        if (semi >= 0) {
            String m = s.substring(semi + 1);
            if (m.isBlank()) {
                throw new InvalidRequirementException("'" + text.strip() + "': nothing after ';' (a marker expected)");
            }
            marker = Optional.of(Marker.parse(m));
            s = s.substring(0, semi);
        }
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "._-".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        String name = s.substring(start, i);
        if (!ProjectName.isValid(name)) {
            throw new InvalidRequirementException("'" + text.strip() + "', column " + (start + 1)
                    + ": a project name expected (letters, digits, and . _ - inside)");
        }
        String rest = s.substring(i).strip();
        Set<String> extras = new TreeSet<>();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new InvalidRequirementException("'" + text.strip() + "': ']' expected after the extras");
            }
            for (String e : rest.substring(1, close).split(",")) {
                if (!e.isBlank()) {
                    if (!ProjectName.isValid(e.strip())) {
                        throw new InvalidRequirementException("'" + text.strip() + "': '" + e.strip() + "' is not an extra name");
                    }
                    extras.add(ProjectName.normalize(e));
                }
            }
            rest = rest.substring(close + 1).strip();
        }
        Optional<String> url = Optional.empty();
        SpecifierSet specs = SpecifierSet.ANY;
        if (rest.startsWith("@")) {
            String u = rest.substring(1).strip();
            if (u.isEmpty() || u.contains(" ")) {
                throw new InvalidRequirementException("'" + text.strip() + "': a URL expected after '@'");
            }
            url = Optional.of(u);
        } else if (!rest.isEmpty()) {
            if (rest.startsWith("(") && rest.endsWith(")")) {
                rest = rest.substring(1, rest.length() - 1);
            }
            try {
                specs = SpecifierSet.parse(rest);
            } catch (InvalidVersionException e) {
                throw new InvalidRequirementException("'" + text.strip() + "': " + e.getMessage());
            }
        }
        return new Requirement(name, extras, specs, url, marker);
    }

    /** Where the marker's ';' is: outside a URL, a ';' preceded by a space ends the URL (PEP 508). */
    private static int markerStart(String s) {
        int at = s.indexOf('@');
        if (at < 0) {
            return s.indexOf(';');
        }
        int sp = s.indexOf(" ;", at);
        return sp >= 0 ? sp + 1 : -1;
    }

    /** Whether the marker holds (no marker: always) for {@code environment} and the parent's {@code extras}. */
    public boolean appliesTo(Map<String, String> environment, Set<String> extras) {
        return marker.map(m -> m.evaluate(environment, extras)).orElse(true);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name);
        if (!extras.isEmpty()) {
            b.append('[').append(String.join(",", extras)).append(']');
        }
        url.ifPresent(u -> b.append(" @ ").append(u));
        if (!specifiers.isEmpty()) {
            b.append(specifiers);
        }
        marker.ifPresent(m -> b.append(url.isPresent() ? " ; " : "; ").append(m));
        return b.toString();
    }

    /** Requirements as a list, each read with {@link #parse}. */
    public static List<Requirement> parseAll(List<String> texts) {
        List<Requirement> out = new ArrayList<>();
        for (String t : texts) {
            out.add(parse(t));
        }
        return out;
    }
}
