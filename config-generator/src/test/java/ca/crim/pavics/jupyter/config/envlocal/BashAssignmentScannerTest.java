package ca.crim.pavics.jupyter.config.envlocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BashAssignmentScannerTest {
    private final BashAssignmentScanner scanner = new BashAssignmentScanner();

    @Test
    void findsAssignmentsWithTheirValuesAndPositions() {
        String text = "# A=commented\nexport A=\"x \\\n  y\" # trailing\nB='p\nq'\nC=plain D=no\nE=\"$A more\"\n";
        List<Assignment> found = scanner.scan(text);
        assertThat(found).extracting(Assignment::name).containsExactly("A", "B", "C", "D", "E");
        Assignment a = found.get(0);
        assertThat(a.exported()).isTrue();
        assertThat(a.line()).isEqualTo(2);
        assertThat(a.value()).hasValue("x   y");
        assertThat(a.quote()).isEqualTo('"');
        assertThat(text.substring(a.valueStart(), a.valueEnd())).isEqualTo("\"x \\\n  y\"");
        assertThat(found.get(1).value()).hasValue("p\nq");
        assertThat(found.get(1).line()).isEqualTo(4);
        assertThat(found.get(2).value()).hasValue("plain");
        assertThat(found.get(4).value()).isEmpty();
    }

    @Test
    void tracksNestingAndIgnoresQuotedLookalikes() {
        String text = "X='if A=1 fi'\nif [ -f f ]; then\n  A=1\nelse export A=2\nfi\nfunction_like() {\n  B=3\n}\nC=\"a#b\" # D=4\n";
        List<Assignment> found = scanner.scan(text);
        assertThat(found).extracting(Assignment::name).containsExactly("X", "A", "A", "B", "C");
        assertThat(found).extracting(Assignment::depth).containsExactly(0, 1, 1, 1, 0);
        assertThat(found.get(4).value()).hasValue("a#b");
    }
}
