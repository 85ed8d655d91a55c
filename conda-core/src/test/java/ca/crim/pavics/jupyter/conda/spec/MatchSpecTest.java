package ca.crim.pavics.jupyter.conda.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers: the table of conda's "Package match specifications" documentation, and the real specs of a sibling
 * PAVICS image that the old rules misread (issue 11).
 */
class MatchSpecTest {
    private static PackageRecord record(String name, String version, String build) {
        return record(name, version, build, 0, "https://conda.anaconda.org/conda-forge");
    }

    private static PackageRecord record(String name, String version, String build, long buildNumber, String channel) {
        return new PackageRecord(name, version, build, buildNumber, List.of(), List.of(), List.of(), "linux-64", null, 0,
                null, null, 0, null, null, channel + "/linux-64/" + name + "-" + version + "-" + build + ".conda", channel);
    }

    private static boolean matches(String spec, String name, String version) throws MatchSpecException {
        return MatchSpec.parse(spec).matches(record(name, version, "h0_0"));
    }

    @Test
    void theDocumentedTable() throws MatchSpecException {
        // fuzzy
        assertThat(matches("numpy=1.11", "numpy", "1.11.0")).isTrue();
        assertThat(matches("numpy=1.11", "numpy", "1.11.18")).isTrue();
        assertThat(matches("numpy=1.11", "numpy", "1.12.0")).isFalse();
        assertThat(matches("numpy=1.11", "numpy", "1.110")).isFalse();
        // exact
        assertThat(matches("numpy==1.11", "numpy", "1.11.0")).isTrue();
        assertThat(matches("numpy==1.11", "numpy", "1.11.1")).isFalse();
        // greater than or equal
        assertThat(matches("numpy>=1.11", "numpy", "1.11.0")).isTrue();
        assertThat(matches("numpy>=1.11", "numpy", "1.10.4")).isFalse();
        // or
        assertThat(matches("numpy=1.11.1|1.11.3", "numpy", "1.11.3")).isTrue();
        assertThat(matches("numpy=1.11.1|1.11.3", "numpy", "1.11.2")).isFalse();
        // and
        assertThat(matches("numpy>=1.8,<2", "numpy", "1.9")).isTrue();
        assertThat(matches("numpy>=1.8,<2", "numpy", "2.0")).isFalse();
        // and binds tighter than or
        assertThat(matches("numpy >=1.8,<1.9|2.*", "numpy", "2.3")).isTrue();
        assertThat(matches("numpy >=1.8,<1.9|2.*", "numpy", "1.9")).isFalse();
        assertThat(matches("numpy (>=1.8|2.*),<1.9", "numpy", "2.3")).isFalse();
        assertThat(matches("numpy", "scipy", "1.0")).isFalse();
    }

    @Test
    void theSiblingImagesSpecsAreReadAsCondaReadsThem() throws MatchSpecException {
        assertThat(matches("pydap <= 3.5.6", "pydap", "3.5.6")).isTrue();
        assertThat(matches("pydap <= 3.5.6", "pydap", "3.5.7")).isFalse();
        assertThat(matches("clisops >= 0.17.0", "clisops", "0.16.2")).isFalse();
        assertThat(matches("clisops >= 0.17.0", "clisops", "0.17.0")).isTrue();
        assertThat(matches("dask != 2024.11.0", "dask", "2024.11.0")).isFalse();
        assertThat(matches("dask != 2024.11.0", "dask", "2024.11.1")).isTrue();

        MatchSpec pinned = MatchSpec.parse("pkg=1.2.3=build_0");
        assertThat(pinned.toString()).isEqualTo("pkg ==1.2.3 build_0");
        assertThat(pinned.matches(record("pkg", "1.2.3", "build_0"))).isTrue();
        assertThat(pinned.matches(record("pkg", "1.2.3", "build_1"))).isFalse();
        assertThat(pinned.matches(record("pkg", "1.2.30", "build_0"))).isFalse();

        MatchSpec bracket = MatchSpec.parse("pkg[version='>=1.0']");
        assertThat(bracket.matches(record("pkg", "1.0", "0"))).isTrue();
        assertThat(bracket.matches(record("pkg", "0.9", "0"))).isFalse();
    }

    @Test
    void buildStringsBuildNumbersChannelsAndFeatures() throws MatchSpecException {
        MatchSpec python = MatchSpec.parse("python 3.8.* *_cpython");
        assertThat(python.matches(record("python", "3.8.10", "h12debd9_8_cpython"))).isTrue();
        assertThat(python.matches(record("python", "3.8.10", "h12debd9_8_pypy"))).isFalse();
        assertThat(python.matches(record("python", "3.9.0", "h12debd9_8_cpython"))).isFalse();

        MatchSpec number = MatchSpec.parse("numpy[build_number='>6']");
        assertThat(number.matches(record("numpy", "1.0", "0", 7, "https://conda.anaconda.org/conda-forge"))).isTrue();
        assertThat(number.matches(record("numpy", "1.0", "0", 6, "https://conda.anaconda.org/conda-forge"))).isFalse();

        MatchSpec forge = MatchSpec.parse("conda-forge::numpy");
        assertThat(forge.matches(record("numpy", "1.0", "0", 0, "https://conda.anaconda.org/conda-forge"))).isTrue();
        assertThat(forge.matches(record("numpy", "1.0", "0", 0, "https://repo.anaconda.com/pkgs/main"))).isFalse();
        assertThat(MatchSpec.parse("defaults::numpy").matches(record("numpy", "1.0", "0", 0,
                "https://repo.anaconda.com/pkgs/main"))).isTrue();

        MatchSpec compatible = MatchSpec.parse("rust ~=1.2.3");
        assertThat(compatible.matches(record("rust", "1.2.9", "0"))).isTrue();
        assertThat(compatible.matches(record("rust", "1.3.0", "0"))).isFalse();
        assertThat(compatible.matches(record("rust", "1.2.2", "0"))).isFalse();

        PackageRecord mkl = new PackageRecord("blas", "1.0", "mkl", 0, List.of(), List.of(), List.of("mkl"), "linux-64",
                null, 0, null, null, 0, null, null, "", "");
        assertThat(MatchSpec.parse("*[track_features=mkl]").matches(mkl)).isTrue();
        assertThat(MatchSpec.parse("blas * mkl").matches(mkl)).isTrue();
        assertThat(MatchSpec.parse("blas * openblas").matches(mkl)).isFalse();
        assertThat(MatchSpec.parse("libgcc-ng >=12 # a comment").toString()).isEqualTo("libgcc-ng >=12");
        assertThat(MatchSpec.parse("NumPy>=1").exactName()).hasValue("numpy");
    }

    @Test
    void mistakesAreOneLineWithTheColumn() {
        assertThatThrownBy(() -> MatchSpec.parse("numpy >=")).isInstanceOf(MatchSpecException.class)
                .hasMessage("invalid match spec 'numpy >=' at column 7: invalid version '>=': operator '>=' must be"
                        + " followed by a version");
        assertThatThrownBy(() -> MatchSpec.parse("numpy[foo=bar]"))
                .hasMessageStartingWith("invalid match spec 'numpy[foo=bar]' at column 7: cannot match on 'foo'");
        assertThatThrownBy(() -> MatchSpec.parse("numpy[version=]")).hasMessageContaining("at column 7");
        assertThatThrownBy(() -> MatchSpec.parse(">=1.0")).hasMessageContaining("at column 1: no package name");
        assertThatThrownBy(() -> MatchSpec.parse("  ")).hasMessageContaining("empty match spec");
        assertThatThrownBy(() -> MatchSpec.parse("rust ~=1")).hasMessageContaining("at least two components");
    }
}
