package ca.crim.pavics.jupyter.conda.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A conda channel: its name and the base URL under which its subdirs ({@code linux-64/}, {@code noarch/}) live.
 * Names resolve against a channel alias as conda resolves them ({@code conda-forge} →
 * {@code https://conda.anaconda.org/conda-forge}); a URL under the alias is named by its path
 * ({@code https://conda.anaconda.org/python/conda} is {@code python/conda}), any other URL by its path too;
 * {@code defaults} is Anaconda's {@code main} and {@code r} channels (see {@link #expand}); local paths become
 * {@code file://} URLs.
 *
 * @param name the channel's name ({@code conda-forge}, {@code p/conda}, {@code ./local})
 * @param baseUrl its URL without a trailing slash and without a subdir
 */
public record Channel(String name, String baseUrl) {
    /** conda's default channel alias. */
    public static final String DEFAULT_ALIAS = "https://conda.anaconda.org";
    /** Where {@code defaults} points (conda's {@code default_channels} on Linux). */
    public static final List<String> DEFAULTS = List.of("https://repo.anaconda.com/pkgs/main",
            "https://repo.anaconda.com/pkgs/r");
    /** The subdirs conda knows; a channel written {@code NAME/SUBDIR} names that subdir. */
    public static final List<String> SUBDIRS = List.of("noarch", "linux-32", "linux-64", "linux-aarch64",
            "linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x", "osx-64",
            "osx-arm64", "win-32", "win-64", "win-arm64", "zos-z", "emscripten-wasm32", "wasi-wasm32", "freebsd-64");

    /** A channel and the subdir its text named, if any. */
    public record Located(Channel channel, Optional<String> subdir) {
    }

    /**
     * Reads a channel as written in a match spec or an environment file.
     *
     * @param alias the channel alias names resolve against (no trailing slash)
     * @throws IllegalArgumentException for an empty text or a Windows-style path
     */
    public static Located parse(String text, String alias) {
        String t = text.strip();
        if (t.isEmpty() || t.contains("\\")) {
            throw new IllegalArgumentException("invalid channel '" + text + "'");
        }
        while (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        Optional<String> subdir = Optional.empty();
        int slash = t.lastIndexOf('/');
        if (slash > 0 && SUBDIRS.contains(t.substring(slash + 1))) {
            subdir = Optional.of(t.substring(slash + 1));
            t = t.substring(0, slash);
        }
        String a = alias.endsWith("/") ? alias.substring(0, alias.length() - 1) : alias;
        if (t.contains("://")) {
            String lower = t.toLowerCase(Locale.ROOT);
            String name;
            if (lower.startsWith(a.toLowerCase(Locale.ROOT) + "/")) {
                name = t.substring(a.length() + 1);
            } else if (lower.startsWith("file://")) {
                name = t;
            } else {
                String rest = t.substring(t.indexOf("://") + 3);
                int path = rest.indexOf('/');
                name = path < 0 ? rest : rest.substring(path + 1);
            }
            return new Located(new Channel(name, t), subdir);
        }
        if (t.startsWith("/") || t.startsWith("./") || t.startsWith("../") || t.startsWith("~/") || t.equals("~")
                || t.equals(".")) {
            Path p = t.startsWith("~") ? Path.of(System.getProperty("user.home") + t.substring(1))
                    : Path.of(t).toAbsolutePath();
            return new Located(new Channel(t, "file://" + p.normalize()), subdir);
        }
        return new Located(new Channel(t, a + "/" + t), subdir);
    }

    /** {@link #parse} with the default alias. */
    public static Located parse(String text) {
        return parse(text, DEFAULT_ALIAS);
    }

    /**
     * The channels a channel entry of an environment file stands for: {@code defaults} is {@link #DEFAULTS}, any
     * other is itself.
     */
    public static List<Channel> expand(String text, String alias) {
        if (text.strip().equals("defaults")) {
            return DEFAULTS.stream().map(u -> new Channel(u.substring(u.indexOf("/pkgs/") + 1), u)).toList();
        }
        return List.of(parse(text, alias).channel());
    }

    /** Whether a record's channel (a URL or a name as repodata and conda-meta write it) is this channel. */
    public boolean contains(String recordChannel) {
        if (recordChannel == null || recordChannel.isEmpty()) {
            return false;
        }
        String c = recordChannel.endsWith("/") ? recordChannel.substring(0, recordChannel.length() - 1) : recordChannel;
        int slash = c.lastIndexOf('/');
        if (slash > 0 && SUBDIRS.contains(c.substring(slash + 1))) {
            c = c.substring(0, slash);
        }
        if (name.equals("defaults")) {
            return DEFAULTS.stream().anyMatch(c::equalsIgnoreCase) || c.equals("defaults") || c.startsWith("pkgs/");
        }
        return c.equalsIgnoreCase(baseUrl) || c.equals(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
