package ca.crim.pavics.jupyter.env.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.EnvironmentFileParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The specs of a sibling PAVICS image, checked against a lock with conda's rules (issue 11's cases). */
class LockChecksTest {
    @TempDir
    Path dir;

    private static final String LOCK = String.join("\n", "version: 1", "metadata:", "  platforms: [linux-64]", "package:",
            entry("pydap", "3.5.6", "pyhd8ed1ab_0", "noarch"), entry("clisops", "0.16.2", "pyhd8ed1ab_0", "noarch"),
            entry("dask", "2024.11.0", "pyhd8ed1ab_0", "noarch"), entry("pkg", "1.2.3", "build_0", "linux-64"),
            entry("other", "1.4", "h0_0", "linux-64"), "");

    private static String entry(String name, String version, String build, String subdir) {
        return "- {name: " + name + ", version: '" + version + "', manager: conda, platform: linux-64, url: "
                + "'https://conda.anaconda.org/conda-forge/" + subdir + "/" + name + "-" + version + "-" + build + ".conda',"
                + " hash: {md5: '" + "a".repeat(32) + "'}}";
    }

    private void check(String spec, Map<String, PackageRecord> base) throws Exception {
        Path env = Files.writeString(dir.resolve("environment.yml"), "dependencies:\n  - " + spec + "\n");
        Path lockFile = Files.writeString(dir.resolve("conda-lock.yml"), LOCK);
        EnvironmentFile parsed = new EnvironmentFileParser(null).parse(env);
        LockFile lock = new LockFileReader().read(lockFile, "linux-64");
        LockChecks.checkSpecs(lockFile, env, parsed, lock, base);
    }

    @Test
    void specsAreMetOrRefusedAsCondaWould() {
        Map<String, PackageRecord> none = Map.of();
        assertThatCode(() -> check("pydap <= 3.5.6", none)).doesNotThrowAnyException();
        assertThatThrownBy(() -> check("clisops >= 0.17.0", none)).isInstanceOf(LockException.class)
                .hasMessage(dir.resolve("environment.yml") + ":2: 'clisops >= 0.17.0' is not met by clisops 0.16.2"
                        + " pyhd8ed1ab_0 in conda-lock.yml: regenerate the lock");
        assertThatThrownBy(() -> check("dask != 2024.11.0", none)).hasMessageContaining("is not met by dask 2024.11.0");
        assertThatCode(() -> check("pkg=1.2.3=build_0", none)).doesNotThrowAnyException();
        assertThatThrownBy(() -> check("pkg=1.2.3=build_1", none)).hasMessageContaining("not met by pkg 1.2.3 build_0");
        assertThatCode(() -> check("\"other[version='>=1.0']\"", none)).doesNotThrowAnyException();
        assertThatCode(() -> check("conda-forge::other >=1.0", none)).doesNotThrowAnyException();
        assertThatThrownBy(() -> check("defaults::other", none)).hasMessageContaining("not met by other 1.4 h0_0");
    }

    @Test
    void aSpecMayBeMetByTheBase() {
        PackageRecord python = new PackageRecord("python", "3.11.9", "h932a869_0_cpython", 0, List.of(), List.of(),
                List.of(), "linux-64", null, 0, null, null, 0, null, null, "", "");
        assertThatCode(() -> check("python=3.11", Map.of("python", python))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check("python=3.12", Map.of("python", python)))
                .hasMessageContaining("is not met by python 3.11.9 h932a869_0_cpython of the base image");
        assertThatThrownBy(() -> check("absent", Map.of("python", python)))
                .hasMessageContaining("'absent' has no package in conda-lock.yml nor in the base image");
        assertThat(StandardCharsets.UTF_8).isNotNull();
    }

    private void checkPip(String requirement, Map<String, PackageRecord> base, Map<String, String> basePip) throws Exception {
        Path env = Files.writeString(dir.resolve("environment.yml"), "dependencies:\n  - pip:\n    - " + requirement + "\n");
        String lockText = LOCK + "- {name: xarray, version: '2024.1.0', manager: pip, platform: linux-64, url: "
                + "'https://files.pythonhosted.org/xarray-2024.1.0-py3-none-any.whl', hash: {sha256: '" + "b".repeat(64) + "'}}\n";
        Path lockFile = Files.writeString(dir.resolve("conda-lock.yml"), lockText);
        EnvironmentFile parsed = new EnvironmentFileParser(null).parse(env);
        LockFile lock = new LockFileReader().read(lockFile, "linux-64");
        LockChecks.checkSpecs(lockFile, env, parsed, lock, base, basePip);
    }

    @Test
    void aPipRequirementIsMetByAWheelACondaPackageOrTheBasesPip() {
        // pytorch (conda, depends on python) installs the PyPI project torch; zstd (a C library) installs none
        PackageRecord pytorch = new PackageRecord("pytorch", "2.3.1", "cpu_py311h0_0", 0, List.of("python >=3.11,<3.12.0a0"),
                List.of(), List.of(), "linux-64", null, 0, null, null, 0, null, null, "", "");
        PackageRecord zstd = new PackageRecord("zstd", "1.5.6", "h0_0", 0, List.of("libzlib >=1.2.13"),
                List.of(), List.of(), "linux-64", null, 0, null, null, 0, null, null, "", "");
        Map<String, PackageRecord> base = Map.of("pytorch", pytorch, "zstd", zstd);
        assertThatCode(() -> checkPip("xarray>=2024", base, Map.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> checkPip("xarray>=2025", base, Map.of()))
                .hasMessageContaining("'xarray>=2025' is not met by xarray 2024.1.0 (locked in conda-lock.yml)");
        assertThatCode(() -> checkPip("torch>=2.3", base, Map.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> checkPip("torch>=2.4", base, Map.of()))
                .hasMessageContaining("is not met by torch 2.3.1 (installed by conda package pytorch)");
        assertThatThrownBy(() -> checkPip("zstd", base, Map.of())).hasMessageContaining("'zstd' has no wheel in conda-lock.yml");
        assertThatCode(() -> checkPip("Requests==2.31.0", base, Map.of("requests", "2.31.0"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> checkPip("requests>3", base, Map.of("requests", "2.31.0")))
                .hasMessageContaining("(a pip distribution of the base image)");
    }
}
