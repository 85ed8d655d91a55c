package ca.crim.pavics.jupyter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RelativePathsTest {
    @Test
    void normalizes() {
        assertThat(RelativePaths.normalize("./a//b/./c/")).isEqualTo("a/b/c");
        assertThat(RelativePaths.normalize("")).isEmpty();
        assertThat(RelativePaths.normalize("..a/b..")).isEqualTo("..a/b..");
    }

    @Test
    void refusesEscapes() {
        for (String bad : new String[] {"/etc", "~/x", "a/../../b", "..", "C:/x", "a\\..\\b"}) {
            assertThatThrownBy(() -> RelativePaths.normalize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void overlap() {
        assertThat(RelativePaths.overlap("a", "a/b")).isTrue();
        assertThat(RelativePaths.overlap("", "a")).isTrue();
        assertThat(RelativePaths.overlap("a", "ab")).isFalse();
        assertThat(RelativePaths.overlap("eo", "common")).isFalse();
    }
}
