package ca.crim.pavics.jupyter.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.util.List;
import java.util.Set;

/**
 * What to lock: the channels (priority order, already located: see
 * {@link ca.crim.pavics.jupyter.lock.repodata.ChannelLocator}), the requested specs, and the installed state the
 * image starts from.
 *
 * @param channels channels in priority order; each has {@code linux-64/} and {@code noarch/} (one may be missing)
 * @param specs the requested specs (exact names), e.g. an image's {@code environment.yml} conda list
 * @param installed the base environment's records: kept unless a spec or a dependency forces a change
 * @param pinned specs every record of their name must match (the base's {@code conda-meta/pinned})
 * @param virtual the system's virtual packages ({@code __glibc}, {@code __linux}, {@code __unix}, {@code __archspec})
 * @param preferred {@code name-version-build} of records to keep where possible (the previous lock)
 */
public record LockRequest(List<Channel> channels, List<MatchSpec> specs, List<PackageRecord> installed,
        List<MatchSpec> pinned, List<VirtualPackage> virtual, Set<String> preferred) {
    public LockRequest {
        channels = List.copyOf(channels);
        specs = List.copyOf(specs);
        installed = List.copyOf(installed);
        pinned = List.copyOf(pinned);
        virtual = List.copyOf(virtual);
        preferred = Set.copyOf(preferred);
    }
}
