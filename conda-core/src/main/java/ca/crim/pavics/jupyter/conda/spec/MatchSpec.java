package ca.crim.pavics.jupyter.conda.spec;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.version.VersionSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A conda match spec (CEP 29; conda's {@code MatchSpec}): a query over package records, e.g. {@code numpy >=1.26},
 * {@code python 3.11.* *_cpython}, {@code conda-forge::gdal=3.8}, {@code pkg=1.2.3=build_0} or
 * {@code foo[version='>=1.0', build_number=">6"]}. Read with {@link #parse} (see {@link MatchSpecParser} for the
 * forms accepted); {@link #toString()} gives the canonical form
 * {@code [channel[/subdir]::]name[ version[ build]][[key="value", ...]]}.
 *
 * @param name the package name matcher (lower case; {@code *} matches any)
 * @param source the spec as written
 */
public record MatchSpec(StringMatcher name, Optional<VersionSpec> version, Optional<StringMatcher> build,
        Optional<BuildNumberSpec> buildNumber, Optional<Channel> channel, Optional<String> subdir, Optional<String> md5,
        Optional<String> sha256, Optional<String> license, Optional<String> licenseFamily, Optional<Set<String>> trackFeatures,
        Optional<String> fileName, Optional<String> url, String source) {

    /**
     * Parses a spec with a name.
     *
     * @throws MatchSpecException one line with the spec, the column and why
     */
    public static MatchSpec parse(String text) throws MatchSpecException {
        return new MatchSpecParser(text, Channel.DEFAULT_ALIAS).parse(true);
    }

    /** Parses a spec without a name ({@code >=1.2 *_cpython}, {@code [version=1.0.*]}); its name matches any. */
    public static MatchSpec parseNameless(String text) throws MatchSpecException {
        return new MatchSpecParser(text, Channel.DEFAULT_ALIAS).parse(false);
    }

    /** This spec with its channel replaced (e.g. by a mirror of the same channel); the source text is kept. */
    public MatchSpec withChannel(Channel newChannel) {
        return new MatchSpec(name, version, build, buildNumber, Optional.of(newChannel), subdir, md5, sha256, license,
                licenseFamily, trackFeatures, fileName, url, source);
    }

    /** The package name when it is exact (not a glob). */
    public Optional<String> exactName() {
        return name.exact();
    }

    /** Whether a record satisfies every part of this spec. */
    public boolean matches(PackageRecord r) {
        if (!name.matches(r.name())) {
            return false;
        }
        if (version.isPresent() && !version.get().matches(r.versionOrder())) {
            return false;
        }
        if (build.isPresent() && !build.get().matches(r.build())) {
            return false;
        }
        if (buildNumber.isPresent() && !buildNumber.get().matches(r.buildNumber())) {
            return false;
        }
        if (channel.isPresent() && !channel.get().contains(r.channel()) && !channel.get().contains(urlChannel(r))) {
            return false;
        }
        if (subdir.isPresent() && !subdir.get().equals(r.subdir())) {
            return false;
        }
        if (md5.isPresent() && !md5.get().equalsIgnoreCase(r.md5().orElse(""))) {
            return false;
        }
        if (sha256.isPresent() && !sha256.get().equalsIgnoreCase(r.sha256().orElse(""))) {
            return false;
        }
        if (license.isPresent() && !license.get().equals(r.license().orElse(""))) {
            return false;
        }
        if (trackFeatures.isPresent() && !trackFeatures.get().equals(new HashSet<>(r.trackFeatures()))) {
            return false;
        }
        if (fileName.isPresent() && !fileName.get().equals(r.fileName())) {
            return false;
        }
        return url.isEmpty() || url.get().equals(r.url());
    }

    /** The channel part of a record's URL ({@code https://host/channel/subdir/file} → {@code https://host/channel}). */
    private static String urlChannel(PackageRecord r) {
        String u = r.url();
        int file = u.lastIndexOf('/');
        if (file <= 0) {
            return "";
        }
        int sub = u.lastIndexOf('/', file - 1);
        return sub > 0 ? u.substring(0, sub) : "";
    }

    /** Whether this spec says more than a name (a version, build or any other field). */
    public boolean constrainsMoreThanName() {
        return version.filter(v -> !(v instanceof VersionSpec.Any)).isPresent() || build.isPresent()
                || buildNumber.isPresent() || channel.isPresent() || subdir.isPresent() || md5.isPresent()
                || sha256.isPresent() || license.isPresent() || trackFeatures.isPresent() || fileName.isPresent()
                || url.isPresent();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        channel.ifPresent(c -> b.append(c.name()).append(subdir.map(s -> "/" + s).orElse("")).append("::"));
        b.append(name);
        version.ifPresent(v -> b.append(' ').append(v));
        List<String> keys = new ArrayList<>();
        if (version.isPresent()) {
            build.ifPresent(x -> b.append(' ').append(x));
        } else {
            build.ifPresent(x -> keys.add("build=\"" + x + "\""));
        }
        buildNumber.ifPresent(x -> keys.add("build_number=\"" + x + "\""));
        if (channel.isEmpty()) {
            subdir.ifPresent(x -> keys.add("subdir=\"" + x + "\""));
        }
        md5.ifPresent(x -> keys.add("md5=\"" + x + "\""));
        sha256.ifPresent(x -> keys.add("sha256=\"" + x + "\""));
        license.ifPresent(x -> keys.add("license=\"" + x + "\""));
        licenseFamily.ifPresent(x -> keys.add("license_family=\"" + x + "\""));
        trackFeatures.ifPresent(x -> keys.add("track_features=\"" + String.join(" ", new java.util.TreeSet<>(x)) + "\""));
        fileName.ifPresent(x -> keys.add("fn=\"" + x + "\""));
        url.ifPresent(x -> keys.add("url=\"" + x + "\""));
        if (!keys.isEmpty()) {
            b.append('[').append(String.join(", ", keys)).append(']');
        }
        return b.toString();
    }
}
