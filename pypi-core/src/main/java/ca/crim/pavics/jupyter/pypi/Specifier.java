package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One version clause of PEP 440 ("Version specifiers"): {@code ~=}, {@code ==} (with {@code .*} prefix matching),
 * {@code !=}, {@code <=}, {@code >=}, {@code <}, {@code >} and {@code ===} (arbitrary equality, compared as text).
 *
 * <p>Rules followed: {@code ==V} without a local label ignores a candidate's local label; {@code <V} excludes
 * pre-releases of V unless V is one; {@code >V} excludes post-releases of V unless V is one, and local versions of
 * V; {@code ~=V.N} is {@code >=V.N, ==V.*}. Whether pre-releases are admitted at all is the business of
 * {@link SpecifierSet}.
 */
public record Specifier(String operator, String version) {
    private static final Pattern FORM = Pattern.compile("\\s*(~=|===|==|!=|<=|>=|<|>)\\s*([^\\s,;]+)\\s*");

    /**
     * Reads one clause, e.g. {@code >= 1.0} or {@code ==2.*}.
     *
     * @throws InvalidVersionException not a clause of PEP 440 (no operator, a wildcard where it is not allowed,
     *     {@code ~=} with a single release number, a version that is not PEP 440's)
     */
    public static Specifier parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new InvalidVersionException("'" + text.strip() + "' is not a version specifier (an operator such as >=, ==, ~= then a version)");
        }
        String op = m.group(1);
        String v = m.group(2);
        if (op.equals("===")) {
            return new Specifier(op, v);
        }
        boolean wildcard = v.endsWith(".*");
        if (wildcard && !(op.equals("==") || op.equals("!="))) {
            throw new InvalidVersionException("'" + text.strip() + "': a .* suffix is allowed only with == and !=");
        }
        Pep440Version parsed = Pep440Version.parse(wildcard ? v.substring(0, v.length() - 2) : v);
        if (wildcard && parsed.hasLocal()) {
            throw new InvalidVersionException("'" + text.strip() + "': a .* suffix cannot follow a local version");
        }
        if (op.equals("~=") && parsed.release().length < 2) {
            throw new InvalidVersionException("'" + text.strip() + "': ~= needs at least two release numbers");
        }
        if (parsed.hasLocal() && !(op.equals("==") || op.equals("!="))) {
            throw new InvalidVersionException("'" + text.strip() + "': a local version is allowed only with == and !=");
        }
        return new Specifier(op, wildcard ? parsed + ".*" : parsed.toString());
    }

    private boolean wildcard() {
        return version.endsWith(".*");
    }

    private Pep440Version target() {
        return Pep440Version.parse(wildcard() ? version.substring(0, version.length() - 2) : version);
    }

    /** Whether this clause names a pre-release (then pre-releases are admitted: PEP 440, "Handling of pre-releases"). */
    public boolean namesPrerelease() {
        if (operator.equals("===") || operator.equals("!=")) {
            return false;
        }
        return target().isPrerelease();
    }

    /** Whether {@code candidate} satisfies this clause, pre-releases aside. */
    public boolean contains(Pep440Version candidate) {
        if (operator.equals("===")) {
            return candidate.toString().equalsIgnoreCase(version);
        }
        Pep440Version t = target();
        return switch (operator) {
            case "==" -> wildcard() ? prefixMatch(candidate, t) : equal(candidate, t);
            case "!=" -> !(wildcard() ? prefixMatch(candidate, t) : equal(candidate, t));
            case "<=" -> candidate.publicVersion().compareTo(t) <= 0;
            case ">=" -> candidate.publicVersion().compareTo(t) >= 0;
            case "<" -> candidate.compareTo(t) < 0
                    && (t.isPrerelease() || !candidate.isPrerelease() || candidate.baseVersion().compareTo(t.baseVersion()) != 0);
            case ">" -> candidate.compareTo(t) > 0
                    && (t.isPostRelease() || !candidate.isPostRelease() || candidate.baseVersion().compareTo(t.baseVersion()) != 0)
                    && !(candidate.hasLocal() && candidate.publicVersion().equals(t));
            case "~=" -> candidate.publicVersion().compareTo(t) >= 0 && prefixMatch(candidate, compatiblePrefix(t));
            default -> throw new IllegalStateException(operator);
        };
    }

    /** Whether {@code candidate} (as text, possibly not PEP 440) satisfies this clause: only {@code ===} can match a legacy version. */
    public boolean containsText(String candidate) {
        if (operator.equals("===")) {
            return candidate.strip().equalsIgnoreCase(version);
        }
        return Pep440Version.tryParse(candidate).map(this::contains).orElse(false);
    }

    private static boolean equal(Pep440Version candidate, Pep440Version t) {
        return t.hasLocal() ? candidate.equals(t) : candidate.publicVersion().equals(t);
    }

    private static Pep440Version compatiblePrefix(Pep440Version t) {
        long[] r = t.release();
        StringBuilder b = new StringBuilder();
        if (t.epoch() != 0) {
            b.append(t.epoch()).append('!');
        }
        for (int i = 0; i < r.length - 1; i++) {
            b.append(i == 0 ? "" : ".").append(r[i]);
        }
        return Pep440Version.parse(b.toString());
    }

    /**
     * {@code ==V.*}: the candidate's public version, cut into segments (release numbers padded with zeros to V's
     * length, then the pre, post and dev parts), starts with V's segments.
     */
    private static boolean prefixMatch(Pep440Version candidate, Pep440Version prefix) {
        List<String> want = segments(prefix, prefix.release().length);
        List<String> have = segments(candidate.publicVersion(), prefix.release().length);
        return have.size() >= want.size() && have.subList(0, want.size()).equals(want);
    }

    private static List<String> segments(Pep440Version v, int padTo) {
        List<String> out = new ArrayList<>();
        out.add(v.epoch() + "!");
        long[] r = v.release();
        for (int i = 0; i < Math.max(r.length, padTo); i++) {
            out.add(Long.toString(i < r.length ? r[i] : 0));
        }
        String s = v.toString();
        int cut = s.indexOf('!') + 1;
        String rest = s.substring(cut).replaceFirst("^[0-9]+(\\.[0-9]+)*", "");
        for (String part : rest.split("\\.")) {
            if (!part.isEmpty()) {
                out.add(part.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return operator + version;
    }
}
