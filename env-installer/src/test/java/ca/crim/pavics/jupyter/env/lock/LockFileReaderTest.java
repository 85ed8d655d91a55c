package ca.crim.pavics.jupyter.env.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real lock files of other projects (shared/testdata/conda-real/locks), read into one model. */
class LockFileReaderTest {
    private static final Path LOCKS = ca.crim.pavics.jupyter.testsupport.TestData.condaReal().resolve("locks");
    private final LockFileReader reader = new LockFileReader();

    @TempDir
    Path dir;

    @Test
    void explicitSpec() throws Exception {
        LockFile lock = reader.read(LOCKS.resolve("explicit-env-linux-64.txt"), "linux-64");
        assertThat(lock.format()).isEqualTo("@EXPLICIT");
        assertThat(lock.conda()).hasSize(22);
        assertThat(lock.inputHash()).hasValue("4f91fe23e1551ca802a1b745a60180605403a892af0c98fc032ba7a9d1088dfe");
        CondaPackage python = lock.conda().stream().filter(p -> p.name().equals("python")).findFirst().orElseThrow();
        assertThat(python.version()).isEqualTo("3.11.0");
        assertThat(python.build()).isEqualTo("he550d4f_1_cpython");
        assertThat(python.md5()).hasValue("8d14fc2aa12db370a443753c8230be1e");
        assertThat(python.fileName()).isEqualTo("python-3.11.0-he550d4f_1_cpython.conda");
        assertThatThrownBy(() -> reader.read(LOCKS.resolve("explicit-env-linux-64.txt"), "osx-arm64"))
                .isInstanceOf(LockException.class).hasMessageEndingWith("locked for linux-64, not osx-arm64");
    }

    @Test
    void pixiV6WithCondaAndPypiPackages() throws Exception {
        LockFile lock = reader.read(LOCKS.resolve("pixi-v6-pypi-wheel-packages.lock"), "linux-64");
        assertThat(lock.format()).isEqualTo("pixi.lock v6");
        assertThat(lock.conda()).hasSize(27);
        CondaPackage openmp = lock.conda().stream().filter(p -> p.name().equals("_openmp_mutex")).findFirst().orElseThrow();
        assertThat(openmp.url()).contains("/linux-64/");
        assertThat(openmp.sha256()).hasValue("fbe2c5e56a653bebb982eda4876a9178aedfc2b545f25d0ce9c4c0b508253d22");
        assertThat(openmp.depends()).containsExactly("_libgcc_mutex 0.1 conda_forge", "libgomp >=7.5.0");
        assertThat(lock.wheels()).extracting(WheelPackage::normalizedName).containsExactly("numpy", "ordered-enum", "my-webserver");
        WheelPackage numpy = lock.wheels().get(0);
        assertThat(numpy.url()).startsWith("https://files.pythonhosted.org/").endsWith("numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
        assertThat(numpy.sha256()).isEmpty();
        assertThat(lock.wheels().get(1).sha256()).hasValue("9382e88309b56dcbe06be43c4a586984d036b630863b53dbec5039655bab3e83");
        assertThat(lock.wheels().get(2).url()).isEqualTo("../webserver/my_webserver-0.1.0-py3-none-any.whl");
        assertThatThrownBy(() -> reader.read(LOCKS.resolve("pixi-v6-numpy-as-pypi-lock.yml"), "linux-64"))
                .hasMessageEndingWith("no packages for platform linux-64 in environment 'default'");
        assertThat(reader.read(LOCKS.resolve("pixi-v6-numpy-as-pypi-lock.yml"), "osx-arm64").wheels())
                .extracting(WheelPackage::name).containsExactly("numpy");
    }

    @Test
    void condaLockV1WithPipPackages() throws Exception {
        LockFile lock = reader.read(LOCKS.resolve("conda-lock-v1-with-pip-deps.yml"), "linux-64");
        assertThat(lock.format()).isEqualTo("conda-lock v1");
        assertThat(lock.inputHash()).hasValue("b583273e7b7b293528360517e43b8c117c8ba5cc1920c8f2493e4e285d46dd57");
        WheelPackage certifi = lock.wheels().stream().filter(w -> w.name().equals("certifi")).findFirst().orElseThrow();
        assertThat(certifi.version()).isEqualTo("2023.7.22");
        assertThat(certifi.sha256()).hasValue("92d6037539857d8206b8f6ae472e8b77db8058fec5937a1ef3f54304089edbb9");
        assertThat(lock.wheels()).extracting(WheelPackage::name).contains("requests");
        assertThat(lock.conda()).allSatisfy(p -> assertThat(p.sha256()).isPresent());
        assertThat(lock.packages()).noneMatch(p -> p.url().contains("linux-aarch64"));
    }

    @Test
    void unsupportedAndBrokenFilesGiveOneLineNamingTheFile() throws IOException {
        for (String[] c : List.of(
                new String[] {"version: 7\nenvironments: {}\n", "unsupported lock file version 7"},
                new String[] {"version: 1\npackage: []\nmetadata: {platforms: [osx-64]}\n", "not locked for linux-64"},
                new String[] {"@EXPLICIT\nhttps://x/linux-64/a-1-0.conda#zz\n", "line 2: invalid md5 'zz'"},
                new String[] {"https://x/linux-64/a-1-0.conda\n@EXPLICIT\n", "line 1: package before @EXPLICIT"},
                new String[] {"@EXPLICIT\nhttps://x/linux-64/notapackage.zip\n", "line 2: not a conda package file name"},
                new String[] {"version: 6\nenvironments: {default: {packages: {linux-64: [{conda: 'https://x/a-1-0.conda'}]}}}\npackages: []\n",
                    "is listed for linux-64 but not described"},
                new String[] {"a: [unclosed\n", "invalid YAML"})) {
            Path file = Files.writeString(dir.resolve("lock.yml"), c[0]);
            assertThatThrownBy(() -> reader.read(file, "linux-64")).as(c[1]).isInstanceOf(LockException.class)
                    .hasMessageStartingWith(file + ": ").hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> reader.read(LOCKS.resolve("pylock.example.toml"), "linux-64")).isInstanceOf(LockException.class);
        assertThatThrownBy(() -> reader.read(dir.resolve("absent.lock"), "linux-64")).hasMessageEndingWith("lock file not found");
    }
}
