package ca.crim.pavics.jupyter.pypi;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An environment marker of PEP 508 (e.g. {@code python_version >= "3.9" and sys_platform == "linux"}), read into a
 * tree and evaluated for one environment.
 *
 * <p>Comparisons follow PEP 508 ("Environment Markers"): when the operator and both sides read as a PEP 440
 * specifier, the comparison is PEP 440's; otherwise it is Python's string comparison ({@code in}/{@code not in} as
 * substring tests). {@code extra} compares PEP 503-normalized names and is true when any of the extras being
 * evaluated matches.
 */
public final class Marker {
    /** The variables PEP 508 defines. */
    public static final Set<String> VARIABLES = Set.of("python_version", "python_full_version", "os_name", "sys_platform",
            "platform_release", "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
            "implementation_name", "implementation_version", "extra");

    private sealed interface Node permits And, Or, Compare {
    }

    private record And(Node left, Node right) implements Node {
    }

    private record Or(Node left, Node right) implements Node {
    }

    /** {@code left op right}; a side is a variable when {@code leftVar}/{@code rightVar}. */
    private record Compare(String left, boolean leftVar, String op, String right, boolean rightVar) implements Node {
    }

    private final Node root;
    private final String text;

    private Marker(Node root, String text) {
        this.root = root;
        this.text = text;
    }

    /**
     * Reads a marker.
     *
     * @throws InvalidRequirementException not PEP 508 marker syntax; the message gives the column (1-based)
     */
    public static Marker parse(String text) {
        Parser p = new Parser(text);
        Node n = p.or();
        p.skipSpaces();
        if (p.pos < text.length()) {
            throw p.error("unexpected '" + text.substring(p.pos) + "'");
        }
        return new Marker(n, text.strip());
    }

    /**
     * Evaluates the marker.
     *
     * @param environment the PEP 508 variables of the target (missing ones are "")
     * @param extras the extras being evaluated (normalized names); {@code extra == "x"} is true when x is among them
     */
    public boolean evaluate(Map<String, String> environment, Set<String> extras) {
        return eval(root, environment, extras);
    }

    /** Whether the marker mentions {@code extra} at all. */
    public boolean mentionsExtra() {
        return mentions(root);
    }

    private static boolean mentions(Node n) {
        if (n instanceof And a) {
            return mentions(a.left) || mentions(a.right);
        }
        if (n instanceof Or o) {
            return mentions(o.left) || mentions(o.right);
        }
        Compare c = (Compare) n;
        return (c.leftVar && c.left.equals("extra")) || (c.rightVar && c.right.equals("extra"));
    }

    private static boolean eval(Node n, Map<String, String> env, Set<String> extras) {
        if (n instanceof And a) {
            return eval(a.left, env, extras) && eval(a.right, env, extras);
        }
        if (n instanceof Or o) {
            return eval(o.left, env, extras) || eval(o.right, env, extras);
        }
        Compare c = (Compare) n;
        if ((c.leftVar && c.left.equals("extra")) || (c.rightVar && c.right.equals("extra"))) {
            String literal = ProjectName.normalize(c.leftVar ? c.right : c.left);
            if (extras.isEmpty()) {
                return compare("", c.op, literal);
            }
            for (String e : extras) {
                if (compare(ProjectName.normalize(e), c.op, literal)) {
                    return true;
                }
            }
            return false;
        }
        String l = c.leftVar ? env.getOrDefault(c.left, "") : c.left;
        String r = c.rightVar ? env.getOrDefault(c.right, "") : c.right;
        return compare(l, c.op, r);
    }

    private static boolean compare(String l, String op, String r) {
        switch (op) {
            case "in":
                return r.contains(l);
            case "not in":
                return !r.contains(l);
            default:
                break;
        }
        try {
            Specifier s = Specifier.parse(op + r);
            java.util.Optional<Pep440Version> v = Pep440Version.tryParse(l);
            if (v.isPresent()) {
                return s.contains(v.get());
            }
        } catch (InvalidVersionException e) {
            // not versions: compared as strings below
        }
        int c = l.compareTo(r);
        return switch (op) {
            case "==", "===" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            default -> false; // ~= on strings: undefined, false
        };
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        InvalidRequirementException error(String what) {
            return new InvalidRequirementException("marker '" + s.strip() + "', column " + (pos + 1) + ": " + what);
        }

        void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean keyword(String k) {
            skipSpaces();
            if (s.startsWith(k, pos) && (pos + k.length() == s.length() || !Character.isLetterOrDigit(s.charAt(pos + k.length()))
                    && s.charAt(pos + k.length()) != '_')) {
                pos += k.length();
                return true;
            }
            return false;
        }

        Node or() {
            Node n = and();
            while (keyword("or")) {
                n = new Or(n, and());
            }
            return n;
        }

        Node and() {
            Node n = atom();
            while (keyword("and")) {
                n = new And(n, atom());
            }
            return n;
        }

        Node atom() {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                Node n = or();
                skipSpaces();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw error("')' expected");
                }
                pos++;
                return n;
            }
            String[] left = value();
            String op = operator();
            String[] right = value();
            if (left[1] == null && right[1] == null) {
                throw error("a comparison needs a variable on one side");
            }
            return new Compare(left[0], left[1] != null, op, right[0], right[1] != null);
        }

        /** {value, "var"} for a variable, {value, null} for a string literal. */
        String[] value() {
            skipSpaces();
            if (pos >= s.length()) {
                throw error("a variable or a quoted string expected");
            }
            char q = s.charAt(pos);
            if (q == '"' || q == '\'') {
                int end = s.indexOf(q, pos + 1);
                if (end < 0) {
                    throw error("unterminated string");
                }
                String v = s.substring(pos + 1, end);
                pos = end + 1;
                return new String[] {v, null};
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) {
                pos++;
            }
            String name = s.substring(start, pos);
            if (name.equals("platform.python_implementation")) {
                name = "platform_python_implementation";
            } else if (name.equals("os.name")) {
                name = "os_name";
            } else if (name.equals("sys.platform")) {
                name = "sys_platform";
            }
            if (!VARIABLES.contains(name)) {
                pos = start;
                throw error(name.isEmpty() ? "a variable or a quoted string expected" : "unknown variable '" + name + "'");
            }
            return new String[] {name, "var"};
        }

        String operator() {
            skipSpaces();
            for (String op : List.of("===", "==", "!=", "<=", ">=", "~=", "<", ">")) {
                if (s.startsWith(op, pos)) {
                    pos += op.length();
                    return op;
                }
            }
            if (keyword("in")) {
                return "in";
            }
            int save = pos;
            if (keyword("not") && keyword("in")) {
                return "not in";
            }
            pos = save;
            throw error("a comparison operator expected");
        }
    }

    /** All the variables of a CPython {@code major.minor.micro} on Linux {@code machine}, as PEP 508 names them. */
    public static Map<String, String> linuxCPython(String pythonFullVersion, String machine) {
        String[] parts = pythonFullVersion.split("\\.");
        String minor = parts[0] + "." + (parts.length > 1 ? parts[1] : "0");
        return Map.ofEntries(Map.entry("python_version", minor), Map.entry("python_full_version", pythonFullVersion),
                Map.entry("os_name", "posix"), Map.entry("sys_platform", "linux"), Map.entry("platform_system", "Linux"),
                Map.entry("platform_machine", machine), Map.entry("platform_python_implementation", "CPython"),
                Map.entry("implementation_name", "cpython"), Map.entry("implementation_version", pythonFullVersion),
                Map.entry("platform_release", ""), Map.entry("platform_version", ""));
    }
}
