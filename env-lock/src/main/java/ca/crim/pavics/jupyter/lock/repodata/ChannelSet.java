package ca.crim.pavics.jupyter.lock.repodata;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.lock.solve.RecordProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The channels of a request in priority order, each with its {@code linux-64} and {@code noarch} repodata (sharded,
 * CEP 16, when the channel serves it; else {@code repodata.json}), as a
 * {@link RecordProvider} with strict channel priority: a name's records come from the first channel that has the name
 * (conda's {@code channel_priority: strict}), or from every channel when priority is off.
 */
public final class ChannelSet implements RecordProvider, AutoCloseable {
    /** The subdirs read for the images' platform. */
    public static final List<String> SUBDIRS = List.of("linux-64", "noarch");

    private record Subdir(Channel channel, SubdirRecords index) {
    }

    private final List<List<Subdir>> channels;
    private final boolean strict;

    private ChannelSet(List<List<Subdir>> channels, boolean strict) {
        this.channels = channels;
        this.strict = strict;
    }

    /**
     * Fetches (or revalidates) and indexes every channel's subdirs.
     *
     * @throws RepodataException when a channel cannot be read, or has neither linux-64 nor noarch repodata
     */
    public static ChannelSet open(List<Channel> channels, RepodataCache cache, boolean strict) throws IOException {
        List<List<Subdir>> out = new ArrayList<>();
        try {
            for (Channel c : channels) {
                List<Subdir> subdirs = new ArrayList<>();
                for (String subdir : SUBDIRS) {
                    Optional<Path> shardIndex = cache.fetchShardIndex(c.baseUrl(), subdir);
                    if (shardIndex.isPresent()) {
                        subdirs.add(new Subdir(c, ShardedSubdir.open(cache, shardIndex.get(), c.baseUrl(), subdir)));
                        continue;
                    }
                    Optional<Path> json = cache.fetch(c.baseUrl(), subdir);
                    if (json.isPresent()) {
                        try {
                            subdirs.add(new Subdir(c, RepodataIndex.open(json.get(), c.baseUrl(), subdir)));
                        } catch (RepodataException e) {
                            throw e;
                        } catch (IOException e) {
                            cache.forget(c.baseUrl(), subdir); // not kept: the next run downloads it again
                            throw new RepodataException(e.getMessage(), false);
                        }
                    }
                }
                if (subdirs.isEmpty()) {
                    throw new RepodataException("channel " + c.name() + " (" + c.baseUrl() + ") has no linux-64 or noarch"
                            + " repodata: not a conda channel, or a wrong URL", false);
                }
                out.add(subdirs);
            }
        } catch (IOException | RuntimeException e) {
            out.forEach(ChannelSet::closeAll);
            throw e;
        }
        return new ChannelSet(out, strict);
    }

    @Override
    public List<PackageRecord> records(String name) throws IOException {
        List<PackageRecord> all = new ArrayList<>();
        for (List<Subdir> channel : channels) {
            for (Subdir s : channel) {
                all.addAll(s.index().records(name));
            }
            if (strict && !all.isEmpty()) {
                return all;
            }
        }
        return all;
    }

    @Override
    public int priority(PackageRecord record) {
        for (int i = 0; i < channels.size(); i++) {
            if (!channels.get(i).isEmpty() && channels.get(i).get(0).channel().baseUrl().equals(record.channel())) {
                return i;
            }
        }
        return channels.size();
    }

    /** The records of a name in every channel, whatever the priority. */
    public List<PackageRecord> allRecords(String name) throws IOException {
        List<PackageRecord> all = new ArrayList<>();
        for (List<Subdir> channel : channels) {
            for (Subdir s : channel) {
                all.addAll(s.index().records(name));
            }
        }
        return all;
    }

    /** How many records the channels hold in all. */
    public int size() {
        return channels.stream().flatMap(List::stream).mapToInt(s -> s.index().size()).sum();
    }

    @Override
    public void close() {
        channels.forEach(ChannelSet::closeAll);
    }

    private static void closeAll(List<Subdir> subdirs) {
        for (Subdir s : subdirs) {
            try {
                s.index().close();
            } catch (IOException ignored) {
                // read-only files
            }
        }
    }
}
