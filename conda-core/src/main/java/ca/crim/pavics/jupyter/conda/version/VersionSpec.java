package ca.crim.pavics.jupyter.conda.version;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A conda version spec (CEP 29's version part; conda's {@code VersionSpec}): constraints joined by {@code ,} (and)
 * and {@code |} (or, lower precedence), with parentheses. A constraint is {@code *}; an operator ({@code ==},
 * {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ~=}, {@code =}) and a version; a version ending in
 * {@code *} or {@code .*} (prefix match, {@link VersionOrder#startsWith}); a bare version (exact, {@code ==});
 * a glob with {@code *} inside ({@code 1.*.3}, matched against the version string); or a regex {@code ^...$}.
 * White space is ignored. Relaxed forms conda accepts are read as it reads them: {@code =1.2} and {@code ==1.2.*}
 * are prefix matches, {@code >=2.*} is {@code >=2}, {@code !=1.2.*} is "does not start with 1.2".
 *
 * <p>{@link #toString()} gives a canonical form: {@code ==1.2}, {@code 1.2.*}, {@code !=1.2.*}, {@code >=1.0},
 * {@code a,b}, {@code a|b}, {@code (a|b),c}.
 */
public sealed interface VersionSpec {
    /** Whether a version satisfies this spec. */
    boolean matches(VersionOrder version);

    /** Matches every version. */
    record Any() implements VersionSpec {
        @Override
        public boolean matches(VersionOrder version) {
            return true;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    /** {@code OP VERSION} for ==, !=, <, <=, >, >=. */
    record Relation(Operator operator, VersionOrder version) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            int c = v.compareTo(version);
            return switch (operator) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
            };
        }

        @Override
        public String toString() {
            return operator.symbol + version;
        }
    }

    /** The six comparison operators. */
    enum Operator {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }

    /** {@code VERSION.*} (or its negation {@code !=VERSION.*}). */
    record StartsWith(VersionOrder prefix, boolean negated) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            return v.startsWith(prefix) != negated;
        }

        @Override
        public String toString() {
            return (negated ? "!=" : "") + prefix + ".*";
        }
    }

    /** {@code ~=VERSION}: at least the version, and starting with it without its last component. */
    record Compatible(VersionOrder version, VersionOrder prefix) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            return v.compareTo(version) >= 0 && v.startsWith(prefix);
        }

        @Override
        public String toString() {
            return "~=" + version;
        }
    }

    /** A glob ({@code 1.*.3}) or regex ({@code ^1\.[0-9]+$}) matched against the version string. */
    record Glob(String text, Pattern pattern) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            return pattern.matcher(v.source().strip()).matches() || pattern.matcher(v.normalized()).matches();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Every part matches ({@code ,}). */
    record And(List<VersionSpec> parts) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            for (VersionSpec p : parts) {
                if (!p.matches(v)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return parts.stream().map(p -> p instanceof Or ? "(" + p + ")" : p.toString()).collect(Collectors.joining(","));
        }
    }

    /** Some part matches ({@code |}). */
    record Or(List<VersionSpec> parts) implements VersionSpec {
        @Override
        public boolean matches(VersionOrder v) {
            for (VersionSpec p : parts) {
                if (p.matches(v)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return parts.stream().map(VersionSpec::toString).collect(Collectors.joining("|"));
        }
    }

    /** Matches every version. */
    VersionSpec ANY = new Any();

    /**
     * Parses a version spec.
     *
     * @throws VersionException for an empty spec or part, unbalanced parentheses, an operator without a version,
     *     an invalid version, {@code ~=} with {@code .*} or with a one-component version, a regex without both
     *     {@code ^} and {@code $}
     */
    static VersionSpec parse(String text) throws VersionException {
        return new VersionSpecParser(text).parse();
    }

    /** Reads one constraint (no {@code ,}, {@code |} or parentheses). */
    static VersionSpec constraint(String whole, String c) throws VersionException {
        if (c.isEmpty()) {
            throw new VersionException(whole, "empty constraint");
        }
        if (c.chars().allMatch(ch -> ch == '*' || ch == '.')) {
            return ANY;
        }
        if (c.startsWith("^") || c.endsWith("$")) {
            if (!c.startsWith("^") || !c.endsWith("$")) {
                throw new VersionException(whole, "a regex must start with '^' and end with '$'");
            }
            try {
                return new Glob(c, Pattern.compile(c));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new VersionException(whole, "invalid regex " + c);
            }
        }
        char first = c.charAt(0);
        if (first == '=' || first == '<' || first == '>' || first == '!' || first == '~') {
            String op = c.length() > 1 && "=<>!~".indexOf(c.charAt(1)) >= 0 ? c.substring(0, 2) : c.substring(0, 1);
            if (!List.of("==", "!=", "<=", ">=", "~=", "<", ">", "=").contains(op)) {
                throw new VersionException(whole, "invalid operator '" + op + "'");
            }
            String v = c.substring(op.length());
            if (v.isEmpty() || "=<>!~".indexOf(v.charAt(0)) >= 0) {
                throw new VersionException(whole, "operator '" + op + "' must be followed by a version");
            }
            boolean star = false;
            while (v.endsWith("*")) {
                star = true;
                v = v.endsWith(".*") ? v.substring(0, v.length() - 2) : v.substring(0, v.length() - 1);
            }
            if (v.isEmpty()) {
                if (op.equals("=") || op.equals("==") || op.equals(">=")) {
                    return ANY;
                }
                throw new VersionException(whole, "'*' cannot follow '" + op + "'");
            }
            VersionOrder version = VersionOrder.parse(v);
            switch (op) {
                case "=":
                    return new StartsWith(version, false);
                case "==":
                    return star ? new StartsWith(version, false) : new Relation(Operator.EQ, version);
                case "!=":
                    return star ? new StartsWith(version, true) : new Relation(Operator.NE, version);
                case "~=":
                    if (star) {
                        throw new VersionException(whole, "'~=' cannot be used with '.*'");
                    }
                    return new Compatible(version, version.withoutLastComponent());
                case "<":
                    return new Relation(Operator.LT, version);
                case "<=":
                    return new Relation(Operator.LE, version);
                case ">":
                    return new Relation(Operator.GT, version);
                default:
                    return new Relation(Operator.GE, version);
            }
        }
        String trimmed = c;
        while (trimmed.endsWith("*")) {
            trimmed = trimmed.endsWith(".*") ? trimmed.substring(0, trimmed.length() - 2)
                    : trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.contains("*")) {
            String rx = "^(?:" + trimmed.replace(".", "\\.").replace("+", "\\+").replace("*", ".*")
                    + (trimmed.length() < c.length() ? ".*" : "") + ")$";
            return new Glob(c, Pattern.compile(rx));
        }
        if (trimmed.length() < c.length()) {
            return new StartsWith(VersionOrder.parse(trimmed), false);
        }
        return new Relation(Operator.EQ, VersionOrder.parse(c));
    }

    /** Splits at top-level separators and parentheses. */
    final class VersionSpecParser {
        private final String whole;
        private final String s;
        private int pos;

        VersionSpecParser(String text) {
            this.whole = text;
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                if (!Character.isWhitespace(text.charAt(i))) {
                    b.append(text.charAt(i));
                }
            }
            this.s = b.toString();
        }

        VersionSpec parse() throws VersionException {
            if (s.isEmpty()) {
                throw new VersionException(whole, "empty version spec");
            }
            VersionSpec spec = or();
            if (pos != s.length()) {
                throw new VersionException(whole, "unexpected '" + s.charAt(pos) + "' at " + (pos + 1));
            }
            return spec;
        }

        private VersionSpec or() throws VersionException {
            List<VersionSpec> parts = new ArrayList<>();
            parts.add(and());
            while (pos < s.length() && s.charAt(pos) == '|') {
                pos++;
                parts.add(and());
            }
            return parts.size() == 1 ? parts.get(0) : new Or(List.copyOf(parts));
        }

        private VersionSpec and() throws VersionException {
            List<VersionSpec> parts = new ArrayList<>();
            parts.add(atom());
            while (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                parts.add(atom());
            }
            return parts.size() == 1 ? parts.get(0) : new And(List.copyOf(parts));
        }

        private VersionSpec atom() throws VersionException {
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                VersionSpec inner = or();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw new VersionException(whole, "missing ')'");
                }
                pos++;
                return inner;
            }
            int start = pos;
            while (pos < s.length() && ",|()".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            return constraint(whole, s.substring(start, pos));
        }
    }
}
