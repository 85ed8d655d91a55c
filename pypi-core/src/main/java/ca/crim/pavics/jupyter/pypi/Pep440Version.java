package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version of a Python distribution, read and ordered as PEP 440 says: {@code [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]},
 * with the spelling variations PEP 440's "Normalization" section accepts (case, {@code alpha}/{@code beta}/{@code c}/
 * {@code pre}/{@code preview}, {@code rev}/{@code r}, implicit numbers, {@code -N} post releases, separators, a
 * leading {@code v}, surrounding spaces). {@link #toString()} is the normalized form. Ordering: epoch, release (trailing
 * zeros ignored: {@code 1.0 == 1.0.0}), then {@code .devN} of a release before its pre-releases, pre-releases before
 * the release, the release before its post-releases, {@code .devN} before what it develops, and a local version after
 * the same public version (local segments: numbers above strings, numbers numerically, strings case-insensitively).
 */
public final class Pep440Version implements Comparable<Pep440Version> {
    private static final Pattern FORM = Pattern.compile(
            "v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
            + "(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?"
            + "(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?"
            + "(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?"
            + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?");

    /** Pre-release kinds in their order. */
    private static final List<String> PRE = List.of("a", "b", "rc");

    private final long epoch;
    private final long[] release;
    private final int preKind; // -1 none, 0 a, 1 b, 2 rc
    private final long preNumber;
    private final long post; // -1 none
    private final long dev; // -1 none
    private final List<Object> local; // Long or String; empty when none
    private final String text;

    private Pep440Version(long epoch, long[] release, int preKind, long preNumber, long post, long dev, List<Object> local) {
        this.epoch = epoch;
        this.release = release;
        this.preKind = preKind;
        this.preNumber = preNumber;
        this.post = post;
        this.dev = dev;
        this.local = List.copyOf(local);
        this.text = render();
    }

    /**
     * Reads a version.
     *
     * @throws InvalidVersionException {@code text} is not a PEP 440 version (a legacy version such as {@code 2004d}
     *     or {@code 1.0-SNAPSHOT})
     */
    public static Pep440Version parse(String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidVersionException("'" + text + "' is not a PEP 440 version");
        }
        try {
            long epoch = m.group("epoch") == null ? 0 : Long.parseLong(m.group("epoch"));
            long[] release = Arrays.stream(m.group("release").split("\\.")).mapToLong(Long::parseLong).toArray();
            int preKind = -1;
            long preNumber = 0;
            if (m.group("pre") != null) {
                preKind = switch (m.group("preL")) {
                    case "a", "alpha" -> 0;
                    case "b", "beta" -> 1;
                    default -> 2;
                };
                preNumber = m.group("preN") == null ? 0 : Long.parseLong(m.group("preN"));
            }
            long post = -1;
            if (m.group("post") != null) {
                String n = m.group("postN1") != null ? m.group("postN1") : m.group("postN2");
                post = n == null ? 0 : Long.parseLong(n);
            }
            long dev = m.group("dev") == null ? -1 : m.group("devN") == null ? 0 : Long.parseLong(m.group("devN"));
            List<Object> local = new ArrayList<>();
            if (m.group("local") != null) {
                for (String s : m.group("local").split("[-_.]")) {
                    local.add(s.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(s) : s);
                }
            }
            return new Pep440Version(epoch, release, preKind, preNumber, post, dev, local);
        } catch (NumberFormatException e) {
            throw new InvalidVersionException("'" + text + "' has a number too large for a version");
        }
    }

    /** Like {@link #parse} but empty when {@code text} is not a PEP 440 version. */
    public static java.util.Optional<Pep440Version> tryParse(String text) {
        try {
            return java.util.Optional.of(parse(text));
        } catch (InvalidVersionException e) {
            return java.util.Optional.empty();
        }
    }

    public long epoch() {
        return epoch;
    }

    /** The release numbers as written (trailing zeros kept). */
    public long[] release() {
        return release.clone();
    }

    /** A pre-release ({@code a}, {@code b}, {@code rc}) or a development release. */
    public boolean isPrerelease() {
        return preKind >= 0 || dev >= 0;
    }

    public boolean isPostRelease() {
        return post >= 0;
    }

    public boolean isDevRelease() {
        return dev >= 0;
    }

    public boolean hasLocal() {
        return !local.isEmpty();
    }

    /** This version without its local label ({@code 1.0+abc} → {@code 1.0}). */
    public Pep440Version publicVersion() {
        return local.isEmpty() ? this : new Pep440Version(epoch, release, preKind, preNumber, post, dev, List.of());
    }

    /** Epoch and release only ({@code 1!2.0rc1.post3} → {@code 1!2.0}). */
    public Pep440Version baseVersion() {
        return new Pep440Version(epoch, release, -1, 0, -1, -1, List.of());
    }

    /** The normalized text of the public part followed by the pre/post/dev parts, without the epoch and local. */
    String publicText() {
        String t = publicVersion().text;
        return t;
    }

    private String render() {
        StringBuilder b = new StringBuilder();
        if (epoch != 0) {
            b.append(epoch).append('!');
        }
        for (int i = 0; i < release.length; i++) {
            b.append(i == 0 ? "" : ".").append(release[i]);
        }
        if (preKind >= 0) {
            b.append(PRE.get(preKind)).append(preNumber);
        }
        if (post >= 0) {
            b.append(".post").append(post);
        }
        if (dev >= 0) {
            b.append(".dev").append(dev);
        }
        if (!local.isEmpty()) {
            b.append('+');
            for (int i = 0; i < local.size(); i++) {
                b.append(i == 0 ? "" : ".").append(local.get(i));
            }
        }
        return b.toString();
    }

    @Override
    public int compareTo(Pep440Version o) {
        int c = Long.compare(epoch, o.epoch);
        if (c != 0) {
            return c;
        }
        int n = Math.max(release.length, o.release.length);
        for (int i = 0; i < n; i++) {
            c = Long.compare(i < release.length ? release[i] : 0, i < o.release.length ? o.release[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        c = Long.compare(preKey(), o.preKey());
        if (c == 0 && preKind >= 0) {
            c = Long.compare(preNumber, o.preNumber);
        }
        if (c != 0) {
            return c;
        }
        c = Long.compare(post, o.post); // none (-1) first
        if (c != 0) {
            return c;
        }
        c = Long.compare(dev < 0 ? Long.MAX_VALUE : dev, o.dev < 0 ? Long.MAX_VALUE : o.dev); // none last
        if (c != 0) {
            return c;
        }
        return compareLocal(local, o.local);
    }

    /** A release's dev-only version sorts before its pre-releases; no pre-release sorts after them. */
    private long preKey() {
        if (preKind >= 0) {
            return preKind;
        }
        if (post < 0 && dev >= 0) {
            return -1;
        }
        return 3;
    }

    private static int compareLocal(List<Object> a, List<Object> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x instanceof Long lx && y instanceof Long ly) {
                c = Long.compare(lx, ly);
            } else if (x instanceof Long) {
                c = 1;
            } else if (y instanceof Long) {
                c = -1;
            } else {
                c = ((String) x).compareTo((String) y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pep440Version v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        int n = release.length;
        while (n > 1 && release[n - 1] == 0) {
            n--;
        }
        return java.util.Objects.hash(epoch, Arrays.hashCode(Arrays.copyOf(release, n)), preKind, preNumber, post, dev, local);
    }

    /** The normalized form, e.g. {@code 1.0a1.post2.dev3+ubuntu.1}. */
    @Override
    public String toString() {
        return text;
    }
}
