package ca.crim.pavics.jupyter.conda.spec;

import ca.crim.pavics.jupyter.conda.version.VersionException;
import ca.crim.pavics.jupyter.conda.version.VersionSpec;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a match spec string the way conda reads it ({@code conda.models.match_spec._parse_spec_str}), in these steps:
 * <ol>
 *   <li>a trailing {@code # comment} and an {@code  if ...} condition are dropped;</li>
 *   <li>a package file ({@code .conda}, {@code .tar.bz2}; URL or path) is a spec for exactly that file;</li>
 *   <li>a {@code [key=value, ...]} section is taken out (values may be quoted; {@code ,} or space separate pairs);</li>
 *   <li>{@code channel::} (or {@code channel/subdir::}) is taken off the front;</li>
 *   <li>the name is what comes before the first space or {@code =<>!~};</li>
 *   <li>the rest is a version and an optional build string, separated by a space or {@code =} that does not follow
 *       an operator; spaces inside the version are dropped ({@code >= 1.0} is {@code >=1.0});</li>
 *   <li>{@code =1.2} becomes {@code 1.2*} (prefix match), {@code ==1.2} exact, {@code =1.2=build} an exact version
 *       with a build string;</li>
 *   <li>bracket values replace what the string said.</li>
 * </ol>
 */
final class MatchSpecParser {
    private static final Set<String> KEYS = Set.of("name", "version", "build", "build_number", "channel", "subdir",
            "md5", "sha256", "license", "license_family", "track_features", "features", "fn", "url");

    private final String text;
    private final String alias;

    MatchSpecParser(String text, String alias) {
        this.text = text;
        this.alias = alias;
    }

    private MatchSpecException error(int index, String reason) {
        return new MatchSpecException(text, Math.max(1, index + 1), reason);
    }

    MatchSpec parse(boolean named) throws MatchSpecException {
        String s = text;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        int cond = s.indexOf(" if ");
        if (cond >= 0) {
            s = s.substring(0, cond);
        }
        int offset = leading(s);
        s = s.strip();
        if (s.isEmpty()) {
            throw error(0, "empty match spec");
        }
        if (s.endsWith("@") && named) {
            return new MatchSpec(new StringMatcher.Exact("*"), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(Set.of(s.substring(0, s.length() - 1))), Optional.empty(),
                    Optional.empty(), text);
        }
        if (s.endsWith(".conda") || s.endsWith(".tar.bz2")) {
            return packageFile(s);
        }

        // 3. brackets
        Map<String, String> brackets = new LinkedHashMap<>();
        int close = s.lastIndexOf(']');
        if (close >= 0) {
            int open = s.lastIndexOf('[', close);
            if (open < 0) {
                throw error(offset + close, "']' without '['");
            }
            brackets = brackets(s.substring(open + 1, close), offset + open + 1);
            s = s.substring(0, open) + s.substring(close + 1);
        } else if (s.indexOf('[') >= 0) {
            throw error(offset + s.indexOf('['), "'[' without ']'");
        }

        // 4. channel
        Optional<Channel> channel = Optional.empty();
        Optional<String> subdir = Optional.empty();
        int colons = s.lastIndexOf("::");
        if (colons >= 0) {
            String c = s.substring(0, colons);
            s = s.substring(colons + 2);
            offset += colons + 2;
            if (!c.isBlank()) {
                try {
                    Channel.Located located = Channel.parse(c, alias);
                    channel = Optional.of(located.channel());
                    subdir = located.subdir();
                } catch (IllegalArgumentException e) {
                    throw error(0, "invalid channel '" + c + "'");
                }
            }
        } else if (s.indexOf(':') >= 0) {
            int colon = s.lastIndexOf(':');
            s = s.substring(colon + 1);
            offset += colon + 1;
        }
        if (brackets.containsKey("channel")) {
            try {
                Channel.Located located = Channel.parse(brackets.remove("channel"), alias);
                channel = Optional.of(located.channel());
                if (located.subdir().isPresent()) {
                    subdir = located.subdir();
                }
            } catch (IllegalArgumentException e) {
                throw error(0, e.getMessage());
            }
        }
        if (brackets.containsKey("subdir")) {
            subdir = Optional.of(brackets.remove("subdir"));
        }

        // 5. name
        int lead = leading(s);
        offset += lead;
        s = s.strip();
        String name = "*";
        if (named) {
            int end = 0;
            while (end < s.length() && " =<>!~".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            if (end == 0) {
                if (!brackets.containsKey("name")) {
                    throw error(offset, "no package name");
                }
            } else {
                name = s.substring(0, end).toLowerCase(Locale.ROOT);
            }
            s = s.substring(end);
            offset += end;
        }
        if (brackets.containsKey("name")) {
            name = brackets.remove("name").toLowerCase(Locale.ROOT);
        }

        // 6-7. version and build
        lead = leading(s);
        offset += lead;
        s = s.strip();
        String version = null;
        String build = null;
        if (!s.isEmpty()) {
            int split = buildSplit(s);
            if (split > 0) {
                version = s.substring(0, split);
                build = s.substring(split + 1).strip();
            } else {
                version = s;
            }
            version = version.replaceAll("\\s+", "");
            if (version.startsWith("=") && !version.equals("==")) {
                String rest = version.substring(1);
                if (version.startsWith("==") && build == null) {
                    version = version.substring(2);
                } else if (rest.chars().noneMatch(ch -> ch == '=' || ch == ',' || ch == '|')) {
                    version = build == null && !rest.endsWith("*") ? rest + "*" : rest;
                }
            }
        }
        if (brackets.containsKey("version")) {
            version = brackets.remove("version");
        }
        if (brackets.containsKey("build")) {
            build = brackets.remove("build");
        }
        Optional<VersionSpec> versionSpec = Optional.empty();
        if (version != null) {
            try {
                versionSpec = Optional.of(VersionSpec.parse(version));
            } catch (VersionException e) {
                throw error(offset, e.getMessage());
            }
        }
        Optional<StringMatcher> buildMatcher = Optional.empty();
        if (build != null && !build.isEmpty()) {
            try {
                buildMatcher = Optional.of(StringMatcher.of(build));
            } catch (IllegalArgumentException e) {
                throw error(offset, e.getMessage());
            }
        }
        Optional<BuildNumberSpec> buildNumber = Optional.empty();
        if (brackets.containsKey("build_number")) {
            try {
                buildNumber = Optional.of(BuildNumberSpec.parse(brackets.remove("build_number")));
            } catch (IllegalArgumentException e) {
                throw error(offset, e.getMessage());
            }
        }
        Optional<Set<String>> features = Optional.empty();
        String tf = brackets.containsKey("track_features") ? brackets.remove("track_features") : brackets.remove("features");
        if (tf != null) {
            Set<String> set = new LinkedHashSet<>();
            for (String f : tf.split("[,\\s]+")) {
                if (!f.isBlank()) {
                    set.add(f);
                }
            }
            features = Optional.of(Set.copyOf(set));
        }
        return new MatchSpec(StringMatcher.of(name), versionSpec, buildMatcher, buildNumber, channel, subdir,
                Optional.ofNullable(brackets.remove("md5")), Optional.ofNullable(brackets.remove("sha256")),
                Optional.ofNullable(brackets.remove("license")), Optional.ofNullable(brackets.remove("license_family")),
                features, Optional.ofNullable(brackets.remove("fn")), Optional.ofNullable(brackets.remove("url")), text);
    }

    private static int leading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Where the build string starts: the first space or {@code =} (not first, not right after one of
     * {@code =!|,<>~}) after which the rest has none of {@code -=,|<>~}; 0 when there is no build string.
     */
    static int buildSplit(String s) {
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if ((c == ' ' || c == '=') && "=!|,<>~".indexOf(s.charAt(i - 1)) < 0) {
                String rest = s.substring(i + 1);
                if (!rest.isBlank() && rest.chars().noneMatch(ch -> "-=,|<>~".indexOf(ch) >= 0)) {
                    return i;
                }
            }
        }
        return 0;
    }

    private Map<String, String> brackets(String inside, int offset) throws MatchSpecException {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < inside.length()) {
            char c = inside.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int keyStart = i;
            while (i < inside.length() && (Character.isLetterOrDigit(inside.charAt(i)) || inside.charAt(i) == '_'
                    || inside.charAt(i) == '-')) {
                i++;
            }
            String key = inside.substring(keyStart, i);
            if (key.isEmpty() || i >= inside.length() || inside.charAt(i) != '=') {
                throw error(offset + keyStart, "expected key=value in brackets");
            }
            i++;
            String value;
            if (i < inside.length() && (inside.charAt(i) == '"' || inside.charAt(i) == '\'')) {
                char quote = inside.charAt(i);
                int end = inside.indexOf(quote, i + 1);
                if (end < 0) {
                    throw error(offset + i, "unclosed quote in brackets");
                }
                value = inside.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = i;
                while (end < inside.length() && inside.charAt(end) != ',' && !Character.isWhitespace(inside.charAt(end))) {
                    end++;
                }
                value = inside.substring(i, end);
                i = end;
            }
            if (value.isEmpty()) {
                throw error(offset + keyStart, "no value for '" + key + "' in brackets");
            }
            if (!KEYS.contains(key)) {
                throw error(offset + keyStart, "cannot match on '" + key + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)) + ")");
            }
            out.put(key, value);
        }
        return out;
    }

    /** A spec naming one package file: {@code name-version-build.ext} at a URL or path. */
    private MatchSpec packageFile(String s) throws MatchSpecException {
        String url;
        if (s.contains("://")) {
            url = s;
        } else if (s.length() > 2 && Character.isLetter(s.charAt(0)) && s.charAt(1) == ':' && (s.charAt(2) == '\\'
                || s.charAt(2) == '/')) {
            url = "file:///" + s.replace('\\', '/');
        } else {
            url = "file://" + java.nio.file.Path.of(s.startsWith("~") ? System.getProperty("user.home") + s.substring(1) : s)
                    .toAbsolutePath().normalize();
        }
        String file = url.substring(url.lastIndexOf('/') + 1);
        String stem = file.endsWith(".conda") ? file.substring(0, file.length() - 6) : file.substring(0, file.length() - 8);
        int b = stem.lastIndexOf('-');
        int v = b > 0 ? stem.lastIndexOf('-', b - 1) : -1;
        if (v <= 0) {
            throw error(0, "a package file name is NAME-VERSION-BUILD" + file.substring(stem.length()));
        }
        return new MatchSpec(new StringMatcher.Exact(stem.substring(0, v).toLowerCase(Locale.ROOT)), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(url), text);
    }
}
