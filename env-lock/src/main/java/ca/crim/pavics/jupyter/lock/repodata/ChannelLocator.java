package ca.crim.pavics.jupyter.lock.repodata;

import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the channels of a request are read from: names resolved as conda resolves them against a channel alias
 * ({@code conda-forge} → {@code ALIAS/conda-forge}; {@code defaults} → Anaconda's {@code pkgs/main} and
 * {@code pkgs/r}), then replaced by a mirror URL where one is configured for that name (air-gapped sites, tests).
 * A channel keeps its name under a mirror, so that {@code conda-forge::gdal} in a spec still names it.
 *
 * @param alias the channel alias (conda's {@code channel_alias}), without a trailing slash
 * @param mirrors channel name (as written, e.g. {@code conda-forge}, {@code pkgs/main}, or {@code defaults}) →
 *     base URL serving that channel's {@code linux-64/} and {@code noarch/}
 */
public record ChannelLocator(String alias, Map<String, String> mirrors) {
    public ChannelLocator {
        alias = alias.endsWith("/") ? alias.substring(0, alias.length() - 1) : alias;
        mirrors = Map.copyOf(mirrors);
    }

    /** conda's default alias and no mirrors. */
    public static ChannelLocator standard() {
        return new ChannelLocator(Channel.DEFAULT_ALIAS, Map.of());
    }

    /**
     * The channels that channel entries (as written in {@code environment.yml}) stand for, in priority order,
     * without repeats.
     *
     * @throws IllegalArgumentException one line naming an entry that is not a channel
     */
    public List<Channel> channels(List<String> entries) {
        Map<String, Channel> out = new LinkedHashMap<>();
        for (String entry : entries) {
            String e = entry.strip();
            List<Channel> expanded;
            if (mirrors.containsKey(e)) {
                expanded = List.of(mirrored(e.equals("defaults") ? "defaults" : Channel.parse(e, alias).channel().name(),
                        mirrors.get(e)));
            } else {
                expanded = new ArrayList<>();
                for (Channel c : Channel.expand(e, alias)) {
                    expanded.add(mirrors.containsKey(c.name()) ? mirrored(c.name(), mirrors.get(c.name())) : c);
                }
            }
            expanded.forEach(c -> out.putIfAbsent(c.baseUrl(), c));
        }
        return List.copyOf(out.values());
    }

    /**
     * A spec whose channel ({@code conda-forge::gdal}) is pointed at the channel of that name among
     * {@code channels} (the request's, mirrored or not), so that it matches their records.
     */
    public MatchSpec locate(MatchSpec spec, List<Channel> channels) {
        if (spec.channel().isEmpty()) {
            return spec;
        }
        Channel wanted = spec.channel().get();
        for (Channel c : channels) {
            if (c.name().equals(wanted.name()) || c.baseUrl().equalsIgnoreCase(wanted.baseUrl())) {
                return spec.withChannel(c);
            }
        }
        String mirror = mirrors.get(wanted.name());
        return mirror == null ? spec : spec.withChannel(mirrored(wanted.name(), mirror));
    }

    private static Channel mirrored(String name, String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new Channel(name, u);
    }
}
