package ca.crim.pavics.jupyter.env.lock;

import java.util.ArrayList;
import java.util.List;

/**
 * Conda version constraints of {@code environment.yml} checked against a locked version: {@code ==}, {@code =}
 * (prefix), {@code >=}, {@code <=}, {@code >}, {@code <}, {@code !=}, {@code ~=}, {@code X.*}, a bare version
 * (prefix, as conda reads {@code numpy 1.2}), {@code ,} (and) and {@code |} (or). Versions compare as conda does
 * in the common cases: numeric parts as numbers, others as text, a shorter version before its extensions.
 */
public final class CondaVersion {
    private CondaVersion() {
    }

    /** True when {@code version} satisfies the version part of {@code constraint} (a build part is ignored). */
    public static boolean matches(String constraint, String version) {
        String c = constraint.strip();
        if (c.isEmpty() || c.equals("*")) {
            return true;
        }
        int space = c.indexOf(' ');
        if (space > 0) {
            c = c.substring(0, space); // "1.2.* py39*": the build part is not checked
        }
        for (String alternative : c.split("\\|")) {
            boolean all = true;
            for (String part : alternative.split(",")) {
                if (!single(part.strip(), version)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean single(String c, String version) {
        if (c.isEmpty() || c.equals("*")) {
            return true;
        }
        for (String op : new String[] {"==", ">=", "<=", "!=", "~=", ">", "<", "="}) {
            if (c.startsWith(op)) {
                String v = c.substring(op.length()).strip();
                return switch (op) {
                    case "==" -> v.endsWith(".*") || v.endsWith("*") ? prefix(v, version) : compare(version, v) == 0;
                    case "=" -> prefix(v, version);
                    case ">=" -> compare(version, v) >= 0;
                    case "<=" -> compare(version, v) <= 0;
                    case ">" -> compare(version, v) > 0;
                    case "<" -> compare(version, v) < 0;
                    case "!=" -> v.endsWith("*") ? !prefix(v, version) : compare(version, v) != 0;
                    case "~=" -> compare(version, v) >= 0 && prefix(v.substring(0, Math.max(v.lastIndexOf('.'), 0)), version);
                    default -> false;
                };
            }
        }
        return prefix(c, version);
    }

    private static boolean prefix(String pattern, String version) {
        String p = pattern.endsWith(".*") ? pattern.substring(0, pattern.length() - 2)
                : pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (p.isEmpty()) {
            return true;
        }
        List<String> want = parts(p);
        List<String> have = parts(version);
        if (have.size() < want.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            if (comparePart(want.get(i), have.get(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    public static int compare(String a, String b) {
        List<String> pa = parts(a);
        List<String> pb = parts(b);
        for (int i = 0; i < Math.max(pa.size(), pb.size()); i++) {
            String x = i < pa.size() ? pa.get(i) : "0";
            String y = i < pb.size() ? pb.get(i) : "0";
            int c = comparePart(x, y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int comparePart(String x, String y) {
        boolean nx = x.chars().allMatch(Character::isDigit);
        boolean ny = y.chars().allMatch(Character::isDigit);
        if (nx && ny) {
            return new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y));
        }
        if (nx != ny) {
            return nx ? 1 : -1; // 1.0 > 1.0rc: text parts (pre-releases) sort before numbers
        }
        return x.compareToIgnoreCase(y);
    }

    private static List<String> parts(String version) {
        List<String> parts = new ArrayList<>();
        for (String p : version.toLowerCase(java.util.Locale.ROOT).split("[._\\-+!]")) {
            // split "0rc1" into "0", "rc", "1"
            StringBuilder run = new StringBuilder();
            Boolean digits = null;
            for (char ch : p.toCharArray()) {
                boolean d = Character.isDigit(ch);
                if (digits != null && d != digits) {
                    parts.add(run.toString());
                    run.setLength(0);
                }
                run.append(ch);
                digits = d;
            }
            if (run.length() > 0) {
                parts.add(run.toString());
            }
        }
        return parts;
    }
}
