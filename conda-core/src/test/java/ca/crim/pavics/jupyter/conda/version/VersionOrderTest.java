package ca.crim.pavics.jupyter.conda.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known answers: the order table of conda's {@code VersionOrder} documentation (CEP 33) and the cases. */
class VersionOrderTest {
    private static VersionOrder v(String s) throws VersionException {
        return VersionOrder.parse(s);
    }

    /** Each group is equal within itself and below the next (conda's VersionOrder docstring). */
    private static final List<List<String>> CEP33_ORDER = List.of(List.of("0.4", "0.4.0"), List.of("0.4.1.rc", "0.4.1.RC"),
            List.of("0.4.1"), List.of("0.5a1"), List.of("0.5b3"), List.of("0.5C1"), List.of("0.5"), List.of("0.9.6"),
            List.of("0.960923"), List.of("1.0"), List.of("1.1dev1"), List.of("1.1_"), List.of("1.1a1"),
            List.of("1.1.0dev1", "1.1.dev1"), List.of("1.1.a1"), List.of("1.1.0rc1"), List.of("1.1.0", "1.1"),
            List.of("1.1.0post1", "1.1.post1"), List.of("1.1post1"), List.of("1996.07.12"), List.of("1!0.4.1"),
            List.of("1!3.1.1.6"), List.of("2!0.4.1"));

    @Test
    void theDocumentedOrder() throws VersionException {
        for (int g = 0; g < CEP33_ORDER.size(); g++) {
            for (String a : CEP33_ORDER.get(g)) {
                for (String b : CEP33_ORDER.get(g)) {
                    assertThat(v(a)).as(a + " == " + b).isEqualTo(v(b));
                    assertThat(v(a).hashCode()).isEqualTo(v(b).hashCode());
                }
                for (int h = g + 1; h < CEP33_ORDER.size(); h++) {
                    for (String b : CEP33_ORDER.get(h)) {
                        assertThat(v(a).compareTo(v(b))).as(a + " < " + b).isNegative();
                        assertThat(v(b).compareTo(v(a))).as(b + " > " + a).isPositive();
                    }
                }
            }
        }
    }

    @Test
    void theCasesTheOldRulesGotWrong() throws VersionException {
        assertThat(v("1.0.post1")).isGreaterThan(v("1.0"));
        assertThat(v("1.0dev")).isLessThan(v("1.0a1"));
        assertThat(v("1!1.0")).isGreaterThan(v("2.0"));
        assertThat(v("1.0+1")).isGreaterThan(v("1.0"));
        assertThat(v("1.0+local")).as("a string in the local part sorts below the missing 0").isLessThan(v("1.0"));
        assertThat(v("1.0+2")).isLessThan(v("1.0+10"));
        assertThat(v("1.0-rc1")).isEqualTo(v("1.0_rc1"));
        assertThat(v("1.0.*")).isLessThan(v("1.0.dev")).as("'*' sorts below 'dev'");
        assertThat(v("12345678901234567890123")).isGreaterThan(v("12345678901234567890122"));
    }

    @Test
    void prefixMatchIsPerComponent() throws VersionException {
        assertThat(v("1.2").startsWith(v("1.2"))).isTrue();
        assertThat(v("1.2.5").startsWith(v("1.2"))).isTrue();
        assertThat(v("1.2a").startsWith(v("1.2"))).isTrue();
        assertThat(v("1.20").startsWith(v("1.2"))).isFalse();
        assertThat(v("1.3").startsWith(v("1.2"))).isFalse();
        assertThat(v("1.2.3+cuda").startsWith(v("1.2.3+cu"))).isTrue();
    }

    @Test
    void invalidVersionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> v("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> v("1.0 beta")).hasMessageContaining("invalid character");
        assertThatThrownBy(() -> v("a!1.0")).hasMessageContaining("epoch must be an integer");
        assertThatThrownBy(() -> v("1!2!3")).hasMessageContaining("duplicated epoch");
        assertThatThrownBy(() -> v("1.0+a+b")).hasMessageContaining("duplicated local version");
        assertThatThrownBy(() -> v("+1")).hasMessageContaining("missing version before");
        assertThatThrownBy(() -> v("1..0")).hasMessageContaining("empty version component");
    }
}
