package ca.crim.pavics.jupyter.pypi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known answers from PEP 425, PEP 600 and the wheel file names of real PyPI projects. */
class WheelTagsTest {
    private final WheelTags cp312 = new WheelTags(12, 2, 28, "x86_64");

    private boolean accepts(String filename) {
        return cp312.best(WheelFilename.parse(filename)).isPresent();
    }

    @Test
    void aGlibc228CPython312AcceptsWhatPipWouldInstall() {
        assertThat(accepts("numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")).isTrue();
        assertThat(accepts("cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl")).isTrue();
        assertThat(accepts("six-1.16.0-py2.py3-none-any.whl")).isTrue();
        assertThat(accepts("pyyaml-6.0-cp311-cp311-manylinux_2_17_x86_64.whl")).as("another CPython's ABI").isFalse();
        assertThat(accepts("numpy-2.1.0-cp312-cp312-manylinux_2_31_x86_64.whl")).as("needs a newer glibc").isFalse();
        assertThat(accepts("numpy-2.1.0-cp312-cp312-musllinux_1_1_x86_64.whl")).isFalse();
        assertThat(accepts("numpy-2.1.0-cp312-cp312-macosx_11_0_arm64.whl")).isFalse();
        assertThat(accepts("torch-2.4.0-cp312-cp312-manylinux1_x86_64.whl")).isTrue();
        assertThat(accepts("x-1.0-py2-none-any.whl")).isFalse();
    }

    @Test
    void theMostSpecificTagRanksFirst() {
        int specific = cp312.best(WheelFilename.parse("a-1.0-cp312-cp312-manylinux_2_28_x86_64.whl")).getAsInt();
        int older = cp312.best(WheelFilename.parse("a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")).getAsInt();
        int abi3 = cp312.best(WheelFilename.parse("a-1.0-cp38-abi3-manylinux_2_17_x86_64.whl")).getAsInt();
        int pure = cp312.best(WheelFilename.parse("a-1.0-py3-none-any.whl")).getAsInt();
        assertThat(specific).isLessThan(older);
        assertThat(older).isLessThan(abi3);
        assertThat(abi3).isLessThan(pure);
        assertThat(cp312.all()).startsWith("cp312-cp312-manylinux_2_28_x86_64").endsWith("py30-none-any")
                .contains("cp312-cp312-linux_x86_64").doesNotHaveDuplicates();
    }

    @Test
    void wheelNamesAreRead() {
        WheelFilename w = WheelFilename.parse("Foo_Bar-1.0.post1-1build-py2.py3-none-any.whl");
        assertThat(w.normalizedName()).isEqualTo("foo-bar");
        assertThat(w.version()).isEqualTo(Pep440Version.parse("1.0.post1"));
        assertThat(w.build()).hasValue("1build");
        assertThat(w.tags()).isEqualTo(List.of("py2-none-any", "py3-none-any"));
        assertThatThrownBy(() -> WheelFilename.parse("foo-1.0.tar.gz")).hasMessageContaining("not a wheel");
        assertThatThrownBy(() -> WheelFilename.parse("foo-1.0-any.whl")).hasMessageContaining("not a wheel file name");
    }

    @Test
    void coreMetadataIsRead() {
        CoreMetadata m = CoreMetadata.parse("Metadata-Version: 2.1\nName: Foo\nVersion: 1.0\nRequires-Python: >=3.8\n"
                + "Requires-Dist: bar>=1\nRequires-Dist: baz; extra == 'x'\nProvides-Extra: X\nSummary: a\n  continued\n\n"
                + "Requires-Dist: not-a-header\n");
        assertThat(m.name()).isEqualTo("Foo");
        assertThat(m.requiresDist()).containsExactly("bar>=1", "baz; extra == 'x'");
        assertThat(m.requiresPython()).isEqualTo(">=3.8");
        assertThat(m.providesExtra()).containsExactly("x");
    }
}
