package ca.crim.pavics.jupyter.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ChangelogReleaseTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 24);
    private final ChangelogRelease release = new ChangelogRelease();

    @Test
    void movesUnreleasedEntriesUnderTheNewVersionAndLeavesAnEmptySectionOnTop() throws Exception {
        String before = """
                # Changelog

                Intro text.

                ## Unreleased (latest)

                Changes:
                - Add gdal 3.8.
                  With a continuation line.

                Fixes:
                - n/a

                ## 0.4.0 (2024-03-08)

                Changes:
                - Older.
                """;
        ChangelogRelease.Result result = release.release(before, "0.5.0", DAY);
        assertThat(result.entries()).isEqualTo(1);
        assertThat(result.text()).isEqualTo("""
                # Changelog

                Intro text.

                ## Unreleased (latest)

                Changes:
                - n/a

                Fixes:
                - n/a

                ## 0.5.0 (2026-11-24)

                Changes:
                - Add gdal 3.8.
                  With a continuation line.

                Fixes:
                - n/a

                ## 0.4.0 (2024-03-08)

                Changes:
                - Older.
                """);
    }

    @Test
    void keepsCrlfLineEndingsAndWorksWithoutSubLists() throws Exception {
        String before = "Unreleased\r\n# Unreleased (latest)\r\n\r\n- Fix X\r\n* Fix Y\r\n\r\n# 1.0.0 (2020-01-01)\r\n";
        ChangelogRelease.Result result = release.release(before, "1.1.0", DAY);
        assertThat(result.entries()).isEqualTo(2);
        assertThat(result.text()).isEqualTo("Unreleased\r\n# Unreleased (latest)\r\n\r\n- n/a\r\n\r\n"
                + "# 1.1.0 (2026-11-24)\r\n\r\n- Fix X\r\n* Fix Y\r\n\r\n# 1.0.0 (2020-01-01)\r\n");
    }

    @Test
    void refusesWhenThereIsNothingToRelease() {
        String text = "## Unreleased (latest)\n\nChanges:\n- n/a\n\nFixes:\n- N/A.\n- No change\n\n## 0.4.0 (2024-03-08)\n- x\n";
        assertThatThrownBy(() -> release.release(text, "0.5.0", DAY))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("its 'Unreleased (latest)' section has no entry (only n/a): write what changed first");
    }

    @Test
    void refusesAVersionThatIsAlreadyThereAndAFileWithoutUnreleased() {
        assertThatThrownBy(() -> release.release("## Unreleased\n- x\n## 0.4.0 (2024-03-08)\n- y\n", "0.4.0", DAY))
                .hasMessageContaining("already has a section for 0.4.0");
        assertThatThrownBy(() -> release.release("## 0.4.0 (2024-03-08)\n- y\n", "0.5.0", DAY))
                .hasMessageStartingWith("no 'Unreleased (latest)' section");
    }

    @Test
    void aReleasedChangelogHasNothingLeftToRelease() throws Exception {
        String text = "# Changelog\n\n## Unreleased (latest)\n\nChanges:\n- A\n- B\n\nFixes:\n- C\n\n## 0.4.0 (2024-03-08)\n\nChanges:\n- D\n";
        ChangelogRelease.Result result = release.release(text, "0.5.0", DAY);
        assertThat(result.entries()).isEqualTo(3);
        assertThatThrownBy(() -> release.release(result.text(), "0.5.1", DAY)).hasMessageContaining("no entry");
    }
}
