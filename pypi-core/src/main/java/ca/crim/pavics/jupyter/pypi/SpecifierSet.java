package ca.crim.pavics.jupyter.pypi;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A comma-separated list of {@link Specifier}s, all of which must hold (PEP 440), e.g. {@code >=1.0,!=1.3.*,<2}.
 * Pre-releases are admitted when asked for, or when a clause names one (PEP 440, "Handling of pre-releases");
 * an installer then falls back to pre-releases when nothing else matches (see {@link #filter}).
 */
public record SpecifierSet(List<Specifier> specifiers) {
    public static final SpecifierSet ANY = new SpecifierSet(List.of());

    public SpecifierSet {
        specifiers = List.copyOf(specifiers);
    }

    /**
     * Reads {@code text}, empty for any version.
     *
     * @throws InvalidVersionException one of its clauses is not PEP 440's
     */
    public static SpecifierSet parse(String text) {
        List<Specifier> out = new ArrayList<>();
        if (!text.isBlank()) {
            for (String part : text.split(",", -1)) {
                out.add(Specifier.parse(part));
            }
        }
        return new SpecifierSet(out);
    }

    public boolean isEmpty() {
        return specifiers.isEmpty();
    }

    /** Both sets at once. */
    public SpecifierSet and(SpecifierSet other) {
        List<Specifier> all = new ArrayList<>(specifiers);
        for (Specifier s : other.specifiers) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return new SpecifierSet(all);
    }

    /** Whether a clause names a pre-release, which admits pre-releases. */
    public boolean namesPrerelease() {
        return specifiers.stream().anyMatch(Specifier::namesPrerelease);
    }

    /** Every clause holds for {@code v}, pre-releases admitted. */
    public boolean containsIgnoringPrereleasePolicy(Pep440Version v) {
        for (Specifier s : specifiers) {
            if (!s.contains(v)) {
                return false;
            }
        }
        return true;
    }

    /** Every clause holds for {@code v}, and {@code v} is not a pre-release unless {@code prereleases} or a clause names one. */
    public boolean contains(Pep440Version v, boolean prereleases) {
        if (v.isPrerelease() && !prereleases && !namesPrerelease()) {
            return false;
        }
        return containsIgnoringPrereleasePolicy(v);
    }

    /**
     * The versions that satisfy the set, in the given order, with pip's pre-release rule: pre-releases only when
     * {@code prereleases}, when a clause names one, or when no final release matches.
     */
    public List<Pep440Version> filter(List<Pep440Version> versions, boolean prereleases) {
        List<Pep440Version> finals = new ArrayList<>();
        List<Pep440Version> all = new ArrayList<>();
        boolean allowPre = prereleases || namesPrerelease();
        for (Pep440Version v : versions) {
            if (containsIgnoringPrereleasePolicy(v)) {
                all.add(v);
                if (!v.isPrerelease() || allowPre) {
                    finals.add(v);
                }
            }
        }
        return finals.isEmpty() ? all : finals;
    }

    @Override
    public String toString() {
        return specifiers.stream().map(Specifier::toString).collect(Collectors.joining(","));
    }
}
