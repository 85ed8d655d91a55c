package ca.crim.pavics.jupyter.conda.version;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A conda package version and its total order (conda's {@code VersionOrder}, CEP 33).
 *
 * <p>A version string is lower-cased and split into an epoch ({@code N!}, default 0), a version and an optional
 * local version ({@code +...}). Version and local version are split at {@code .} and {@code _} into components
 * (dashes are read as underscores when there is no underscore); a trailing {@code _} stays on the last component.
 * Each component is split into runs of digits (numbers), runs of {@code *} and runs of other characters (strings);
 * a component that starts with a string gets a leading 0 so numbers and strings stay in phase. {@code post} is
 * greater than any number, {@code dev} sorts below every other string but {@code *}; strings sort below numbers.
 * Missing components and atoms count as 0, so {@code 1.1 == 1.1.0}. Comparison runs over the epoch and version,
 * then over the local version.
 *
 * <p>Instances are immutable; {@link #equals} and {@link #hashCode} agree with {@link #compareTo}.
 */
public final class VersionOrder implements Comparable<VersionOrder> {
    /** One atom of a component: a number (digits, no leading zeros), {@code post} (infinity) or a string. */
    private static final class Atom {
        static final Atom ZERO = new Atom(0, "0");
        static final Atom INFINITY = new Atom(1, "inf");
        final int kind; // 0 number, 1 infinity, -1 string
        final String value;

        Atom(int kind, String value) {
            this.kind = kind;
            this.value = value;
        }

        static Atom number(String digits) {
            int i = 0;
            while (i < digits.length() - 1 && digits.charAt(i) == '0') {
                i++;
            }
            String v = digits.substring(i);
            return v.equals("0") ? ZERO : new Atom(0, v);
        }

        int compare(Atom o) {
            if (kind == -1 || o.kind == -1) {
                if (kind == -1 && o.kind == -1) {
                    return value.compareTo(o.value);
                }
                return kind == -1 ? -1 : 1; // strings < numbers
            }
            if (kind != o.kind) {
                return kind < o.kind ? -1 : 1; // numbers < infinity
            }
            if (kind == 1) {
                return 0;
            }
            if (value.length() != o.value.length()) {
                return value.length() < o.value.length() ? -1 : 1;
            }
            return value.compareTo(o.value);
        }

        boolean isZero() {
            return this == ZERO;
        }

        @Override
        public String toString() {
            return kind == -1 ? "'" + value + "'" : value;
        }
    }

    private final String source;
    private final String normalized;
    private final Atom[][] version;
    private final Atom[][] local;
    private final int hash;

    private VersionOrder(String source, String normalized, Atom[][] version, Atom[][] local) {
        this.source = source;
        this.normalized = normalized;
        this.version = version;
        this.local = local;
        this.hash = 31 * canonicalHash(version) + canonicalHash(local);
    }

    /**
     * Parses a version string.
     *
     * @throws VersionException when it is empty, has characters other than letters, digits and {@code .+!_*-}, a
     *     non-integer or repeated epoch, a repeated {@code +}, nothing before {@code +}, or an empty component
     */
    public static VersionOrder parse(String text) throws VersionException {
        String v = text.strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            throw new VersionException(text, "empty version");
        }
        if (!validChars(v)) {
            if (v.indexOf('-') >= 0 && v.indexOf('_') < 0 && validChars(v.replace('-', '_'))) {
                v = v.replace('-', '_');
            } else {
                throw new VersionException(text, "invalid character(s)");
            }
        }
        String normalized = v;
        String[] bang = v.split("!", -1);
        String epoch = "0";
        if (bang.length == 2) {
            if (bang[0].isEmpty() || !bang[0].chars().allMatch(Character::isDigit)) {
                throw new VersionException(text, "the epoch must be an integer");
            }
            epoch = bang[0];
        } else if (bang.length > 2) {
            throw new VersionException(text, "duplicated epoch separator '!'");
        }
        String[] plus = bang[bang.length - 1].split("\\+", -1);
        if (plus.length > 2) {
            throw new VersionException(text, "duplicated local version separator '+'");
        }
        String main = plus[0];
        if (main.isEmpty()) {
            throw new VersionException(text, "missing version before the local version separator '+'");
        }
        List<String> parts = new ArrayList<>();
        parts.add(epoch);
        if (main.endsWith("_")) {
            String[] split = main.substring(0, main.length() - 1).replace('_', '.').split("\\.", -1);
            split[split.length - 1] = split[split.length - 1] + "_";
            parts.addAll(Arrays.asList(split));
        } else {
            parts.addAll(Arrays.asList(main.replace('_', '.').split("\\.", -1)));
        }
        Atom[][] versionParts = components(text, parts);
        Atom[][] localParts = plus.length == 2
                ? components(text, Arrays.asList(plus[1].replace('_', '.').split("\\.", -1))) : new Atom[0][];
        return new VersionOrder(text, normalized, versionParts, localParts);
    }

    private static boolean validChars(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '!' || c == '_'
                    || c == '*')) {
                return false;
            }
        }
        return true;
    }

    private static Atom[][] components(String text, List<String> parts) throws VersionException {
        Atom[][] out = new Atom[parts.size()][];
        for (int k = 0; k < parts.size(); k++) {
            String p = parts.get(k);
            if (p.isEmpty()) {
                throw new VersionException(text, "empty version component");
            }
            List<Atom> atoms = new ArrayList<>();
            if (!Character.isDigit(p.charAt(0))) {
                atoms.add(Atom.ZERO);
            }
            int i = 0;
            while (i < p.length()) {
                int j = i + 1;
                char c = p.charAt(i);
                if (Character.isDigit(c)) {
                    while (j < p.length() && Character.isDigit(p.charAt(j))) {
                        j++;
                    }
                    atoms.add(Atom.number(p.substring(i, j)));
                } else if (c == '*') {
                    while (j < p.length() && p.charAt(j) == '*') {
                        j++;
                    }
                    atoms.add(new Atom(-1, p.substring(i, j)));
                } else {
                    while (j < p.length() && !Character.isDigit(p.charAt(j)) && p.charAt(j) != '*') {
                        j++;
                    }
                    String s = p.substring(i, j);
                    atoms.add(s.equals("post") ? Atom.INFINITY : new Atom(-1, s.equals("dev") ? "DEV" : s));
                }
                i = j;
            }
            out[k] = atoms.toArray(Atom[]::new);
        }
        return out;
    }

    /** The version as written. */
    public String source() {
        return source;
    }

    /** True when the version has a local part ({@code +...}). */
    public boolean hasLocal() {
        return local.length > 0;
    }

    /** The number of version components (the epoch counts as the first). */
    int size() {
        return version.length;
    }

    @Override
    public int compareTo(VersionOrder other) {
        int c = compare(version, other.version);
        return c != 0 ? c : compare(local, other.local);
    }

    private static int compare(Atom[][] a, Atom[][] b) {
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n; i++) {
            Atom[] x = i < a.length ? a[i] : new Atom[0];
            Atom[] y = i < b.length ? b[i] : new Atom[0];
            int m = Math.max(x.length, y.length);
            for (int j = 0; j < m; j++) {
                Atom p = j < x.length ? x[j] : Atom.ZERO;
                Atom q = j < y.length ? y[j] : Atom.ZERO;
                int c = p.compare(q);
                if (c != 0) {
                    return c;
                }
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionOrder v && hash == v.hash && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** A hash that ignores what {@link #compare} treats as 0: trailing zero atoms and trailing empty components. */
    private static int canonicalHash(Atom[][] parts) {
        int end = parts.length;
        while (end > 0 && allZero(parts[end - 1])) {
            end--;
        }
        int h = 1;
        for (int i = 0; i < end; i++) {
            int len = parts[i].length;
            while (len > 0 && parts[i][len - 1].isZero()) {
                len--;
            }
            h = 31 * h + len;
            for (int j = 0; j < len; j++) {
                h = 31 * h + parts[i][j].kind * 7 + parts[i][j].value.hashCode();
            }
        }
        return h;
    }

    private static boolean allZero(Atom[] component) {
        for (Atom a : component) {
            if (!a.isZero()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether this version starts with {@code prefix}: equal in every component before the prefix's last, and in the
     * last component's atoms before its last; the last atom equal, or for a string a prefix of this one's string
     * (conda's {@code VersionOrder.startswith}: {@code 1.2.*} holds 1.2, 1.2.0, 1.2.5 and 1.2a, not 1.20). With a
     * local part in the prefix, the versions must be equal and the local parts are compared this way.
     */
    public boolean startsWith(VersionOrder prefix) {
        Atom[][] mine;
        Atom[][] theirs;
        if (prefix.local.length > 0) {
            if (compare(version, prefix.version) != 0) {
                return false;
            }
            mine = local;
            theirs = prefix.local;
        } else {
            mine = version;
            theirs = prefix.version;
        }
        int nt = theirs.length - 1;
        if (compare(Arrays.copyOf(mine, Math.min(nt, mine.length)), Arrays.copyOf(theirs, nt)) != 0) {
            return false;
        }
        Atom[] v1 = mine.length <= nt ? new Atom[0] : mine[nt];
        Atom[] v2 = theirs[nt];
        int na = v2.length - 1;
        if (compare(new Atom[][] {Arrays.copyOf(v1, Math.min(na, v1.length))}, new Atom[][] {Arrays.copyOf(v2, na)}) != 0) {
            return false;
        }
        Atom c1 = v1.length <= na ? Atom.ZERO : v1[na];
        Atom c2 = v2[na];
        if (c2.kind == -1) {
            return c1.kind == -1 && c1.value.startsWith(c2.value);
        }
        return c1.compare(c2) == 0;
    }

    /**
     * The version cut before its last {@code .} (for {@code ~=}: {@code ~=1.2.3} means {@code >=1.2.3} and
     * {@code startsWith(1.2)}), as conda cuts the version string.
     *
     * @throws VersionException when the version has no {@code .}
     */
    public VersionOrder withoutLastComponent() throws VersionException {
        int cut = normalized.lastIndexOf('.');
        if (cut <= 0) {
            throw new VersionException(source, "'~=' needs a version with at least two components");
        }
        return parse(normalized.substring(0, cut));
    }

    /**
     * The parse in conda's own notation, e.g. {@code [[0], [1], [0, 'DEV']]} for {@code 1.dev} (epoch first;
     * the local part is not shown), as {@code VersionOrder(v).version} prints in Python.
     */
    public String describe() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < version.length; i++) {
            b.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < version[i].length; j++) {
                b.append(j == 0 ? "" : ", ").append(version[i][j]);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    /** The lower-cased version string (dashes read as underscores when that made it valid). */
    public String normalized() {
        return normalized;
    }

    @Override
    public String toString() {
        return source;
    }
}
