package ca.crim.pavics.jupyter.env.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.env.pkg.CondaPackageArchive;
import ca.crim.pavics.jupyter.env.pkg.PackageException;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.testsupport.CondaPackageBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CondaPackageContentsTest {
    @TempDir
    Path dir;

    @Test
    void aMalformedEntryPointIsAOneLineErrorNamingThePackage() throws Exception {
        Path pkg = new CondaPackageBuilder("bad", "1.0", "py_0").file("site-packages/bad/__init__.py", "", 0644)
                .noarchPython("no equals sign here").writeConda(dir);
        assertThatThrownBy(() -> CondaPackageContents.read(pkg)).isInstanceOf(PackageException.class)
                .hasMessageContaining("bad-1.0-py_0.conda: info/link.json: not an entry point");
    }

    @Test
    void aVisitorsOwnFailureIsNotReportedAsACorruptPackage() throws Exception {
        Path pkg = new CondaPackageBuilder("ok", "1.0", "0").file("lib/a.txt", "a", 0644).writeTarBz2(dir);
        assertThatThrownBy(() -> new CondaPackageArchive(pkg).payload((entry, content) -> {
            throw new IllegalStateException("the caller's own problem");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the caller's own problem");
    }

    @Test
    void snapshotPrefixWithATrailingSlashIsNormalizedAndARelativeOneRefused() throws Exception {
        Path ok = Files.writeString(dir.resolve("a.json"), "{\"prefix\": \"/opt/conda/envs/birdy/\", \"conda\": []}",
                StandardCharsets.UTF_8);
        assertThat(BaseSnapshot.read(ok).prefix()).isEqualTo("/opt/conda/envs/birdy");
        Path bad = Files.writeString(dir.resolve("b.json"), "{\"prefix\": \"envs/birdy\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BaseSnapshot.read(bad)).isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith(bad + ": \"prefix\" must be an absolute path");
        assertThatThrownBy(() -> BaseSnapshot.read(dir.resolve("missing.json"))).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("no snapshot of the base environment");
    }
}
