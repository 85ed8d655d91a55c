package ca.crim.pavics.jupyter.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.spec.MatchSpecException;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The installed state a base image gives a solve: its conda records, its {@code conda-meta/pinned} specs, and the
 * virtual packages of its system ({@code __glibc} from the image's C library, {@code __archspec} from its
 * architecture, {@code __linux} and {@code __unix}).
 *
 * @param installed the base environment's conda records
 * @param pinned the base's pins
 * @param virtual the base system's virtual packages
 * @param notes what was assumed, one sentence each (e.g. a snapshot without the glibc version)
 */
public record BaseState(List<PackageRecord> installed, List<MatchSpec> pinned, List<VirtualPackage> virtual,
        List<String> notes) {
    /** The glibc assumed when a snapshot does not say (pixi's and conda-lock's linux-64 default). */
    public static final String DEFAULT_GLIBC = "2.28";

    public BaseState {
        installed = List.copyOf(installed);
        pinned = List.copyOf(pinned);
        virtual = List.copyOf(virtual);
        notes = List.copyOf(notes);
    }

    /** The version of the {@code __glibc} virtual package, else {@link #DEFAULT_GLIBC}. */
    public String glibc() {
        return virtual.stream().filter(v -> v.name().equals("__glibc")).map(VirtualPackage::version).findFirst()
                .orElse(DEFAULT_GLIBC);
    }

    /** No installed records, no pins, a default linux-64 system (a lock from scratch). */
    public static BaseState empty() {
        return new BaseState(List.of(), List.of(), VirtualPackages.linux64(DEFAULT_GLIBC, VirtualPackages.DEFAULT_LINUX,
                VirtualPackages.DEFAULT_ARCHSPEC, Optional.empty()), List.of());
    }

    /**
     * The state of a snapshot, with virtual packages given explicitly put in place of the snapshot's.
     *
     * @param file the snapshot's file, for messages
     * @throws SnapshotException one line naming the file and a pin that is not a valid match spec
     */
    public static BaseState of(BaseSnapshot snapshot, Path file, List<VirtualPackage> overrides) throws SnapshotException {
        List<PackageRecord> installed = snapshot.conda().stream().map(BaseSnapshot.BaseConda::record).toList();
        List<MatchSpec> pins = new ArrayList<>();
        for (String pin : snapshot.pinned()) {
            try {
                pins.add(MatchSpec.parse(pin));
            } catch (MatchSpecException e) {
                throw new SnapshotException(file + ": pinned '" + pin + "': " + e.getMessage());
            }
        }
        List<String> notes = new ArrayList<>();
        String glibc = snapshot.system().glibc().orElseGet(() -> {
            notes.add(file.getFileName() + " does not give the base's glibc: __glibc " + DEFAULT_GLIBC + " assumed");
            return DEFAULT_GLIBC;
        });
        String arch = snapshot.system().architecture();
        List<VirtualPackage> virtual = VirtualPackages.override(VirtualPackages.linux64(glibc,
                VirtualPackages.DEFAULT_LINUX, arch.isBlank() ? VirtualPackages.DEFAULT_ARCHSPEC : arch, Optional.empty()),
                overrides);
        return new BaseState(installed, pins, virtual, notes);
    }
}
