package ca.crim.pavics.jupyter.env.plan;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.env.lock.LockFile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstallPlanTest {
    private static CondaPackage pkg(String name, String sha, String... depends) {
        return new CondaPackage(name, "1.0", "0", "https://c/linux-64/" + name + "-1.0-0.conda", Optional.of(sha.repeat(64)),
                Optional.empty(), List.of(depends));
    }

    private static BaseSnapshot.BaseConda base(String name, String version, String sha256, List<String> files) {
        return new BaseSnapshot.BaseConda(new PackageRecord(name, version, "0", 0, List.of(), List.of(), List.of(), "linux-64",
                null, 0, null, sha256, 0, null, null, "", ""), Optional.empty(), files);
    }

    @Test
    void addsReplacesKeepsAndOrdersByDependencies() {
        LockFile lock = new LockFile("test", "linux-64", List.of(pkg("app", "a", "lib >=1", "python"), pkg("lib", "b", "zlib"),
                pkg("zlib", "c"), pkg("python", "d")), Optional.empty());
        BaseSnapshot base = new BaseSnapshot("/opt/conda/envs/birdy", "", List.of(
                base("python", "3.11.9", "d".repeat(64), List.of()),
                base("zlib", "0.9", "f".repeat(64), List.of("lib/libz.so")),
                base("kept", "1", null, List.of())),
                List.of());
        InstallPlan plan = InstallPlan.of(lock, base);
        assertThat(plan.unchanged()).as("python: same sha256 as the base").isEqualTo(1);
        assertThat(plan.conda()).extracting(s -> s.locked().name()).containsExactly("zlib", "lib", "app");
        assertThat(plan.conda().get(0).action()).isEqualTo(InstallPlan.Action.REPLACE);
        assertThat(plan.conda().get(0).replaced().orElseThrow().files()).containsExactly("lib/libz.so");
        assertThat(plan.conda().get(2).action()).isEqualTo(InstallPlan.Action.ADD);
    }

}
