package ca.crim.pavics.jupyter.lock.lockfile;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.env.lock.LockChecks;
import ca.crim.pavics.jupyter.env.lock.LockFile;
import ca.crim.pavics.jupyter.env.lock.LockFileReader;
import ca.crim.pavics.jupyter.lock.LockResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The written lock read back by the installer's reader (and as plain YAML), and its determinism. */
class CondaLockWriterTest {
    private static final String SHA = "ab".repeat(32);

    private static PackageRecord record(String name, String version, String build, List<String> depends) {
        String fn = name + "-" + version + "-" + build + ".conda";
        return new PackageRecord(name, version, build, 0, depends, List.of(), List.of(), "linux-64", null, 0,
                "0123456789abcdef0123456789abcdef", "cd".repeat(32), 1000, null, fn,
                "https://conda.anaconda.org/conda-forge/linux-64/" + fn, "https://conda.anaconda.org/conda-forge");
    }

    private static LockResult result(List<LockResult.Change> changes) {
        return new LockResult(Map.of(), changes, 3, 2000, Duration.ZERO, Duration.ZERO, 0, 0);
    }

    private static final PackageRecord GDAL = record("gdal", "3.9.2", "py311h1_0",
            List.of("libgdal-core 3.9.2.*", "python >=3.11,<3.12.0a0", "python_abi 3.11.* *_cp311", "numpy"));
    private static final PackageRecord PYTHON_NEW = record("python", "3.11.9", "hb806964_0_cpython", List.of("libzlib >=1.2.13"));
    private static final PackageRecord PYTHON_OLD = record("python", "3.11.4", "hab00c5b_0_cpython", List.of("libzlib >=1.2.13"));
    private static final LockHeader HEADER = new LockHeader(SHA, "environment.yml",
            Optional.of("birdhouse/pavics-jupyter-base:0.6.1"), Optional.of("sha256:" + "ef".repeat(32)),
            List.of(new Channel("conda-forge", "https://conda.anaconda.org/conda-forge")));

    @Test
    void theInstallersReaderReadsWhatIsWritten() throws Exception {
        List<LockResult.Change> changes = List.of(new LockResult.Change(GDAL, Optional.empty()),
                new LockResult.Change(PYTHON_NEW, Optional.of(PYTHON_OLD)));
        String text = CondaLockWriter.write(result(changes), HEADER);
        LockFile main = new LockFileReader().read(Path.of("conda-lock.yml"), text, "linux-64");
        assertThat(main.format()).isEqualTo("conda-lock v1");
        assertThat(main.conda()).extracting(CondaPackage::fileName)
                .containsExactly("gdal-3.9.2-py311h1_0.conda", "python-3.11.9-hb806964_0_cpython.conda");
        CondaPackage gdal = main.conda().get(0);
        assertThat(gdal.sha256()).contains("cd".repeat(32));
        assertThat(gdal.md5()).contains("0123456789abcdef0123456789abcdef");
        assertThat(gdal.depends()).containsExactly("libgdal-core 3.9.2.*", "python >=3.11,<3.12.0a0",
                "python_abi 3.11.* *_cp311", "numpy *");
        LockFile base = new LockFileReader(Set.of("base")).read(Path.of("conda-lock.yml"), text, "linux-64");
        assertThat(base.conda()).extracting(CondaPackage::fileName).containsExactly("python-3.11.4-hab00c5b_0_cpython.conda");
        assertThat(LockChecks.recordedHash(text)).contains(SHA);
        assertThat(main.inputHash()).contains(SHA);
    }

    @Test
    void itIsCondaLockVersion1WithTheHeaderFacts() {
        String text = CondaLockWriter.write(result(List.of(new LockResult.Change(GDAL, Optional.empty()))), HEADER);
        assertThat(text).startsWith("# Locked by env-lock").contains("# environment.yml sha256: " + SHA,
                "# base image: birdhouse/pavics-jupyter-base:0.6.1@sha256:" + "ef".repeat(32),
                "# channels: conda-forge (https://conda.anaconda.org/conda-forge)");
        Map<String, Object> root = new Yaml().load(text);
        assertThat(root.get("version")).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) root.get("metadata");
        assertThat(metadata).containsKeys("content_hash", "channels", "platforms", "sources", "custom_metadata");
        assertThat(metadata.get("platforms")).isEqualTo(List.of("linux-64"));
        assertThat(metadata.get("channels")).isEqualTo(List.of(Map.of("url", "conda-forge", "used_env_vars", List.of())));
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = ((List<Map<String, Object>>) root.get("package")).get(0);
        assertThat(entry).containsKeys("name", "version", "manager", "platform", "dependencies", "url", "hash",
                "category", "optional");
        assertThat(entry.get("optional")).isEqualTo(false);
        assertThat(entry.get("version")).isEqualTo("3.9.2");
    }

    @Test
    void theSameResultGivesTheSameBytesWhateverTheOrder() {
        List<LockResult.Change> changes = new ArrayList<>(List.of(new LockResult.Change(GDAL, Optional.empty()),
                new LockResult.Change(PYTHON_NEW, Optional.of(PYTHON_OLD)),
                new LockResult.Change(record("affine", "2.4.0", "pyhd8ed1ab_0", List.of("python >=3.7")), Optional.empty())));
        String first = CondaLockWriter.write(result(changes), HEADER);
        Collections.reverse(changes);
        assertThat(CondaLockWriter.write(result(changes), HEADER)).isEqualTo(first);
        assertThat(first.indexOf("name: affine")).isLessThan(first.indexOf("name: gdal"));
        assertThat(first.indexOf("category: base")).isGreaterThan(first.lastIndexOf("category: main"));
    }
}
