package ca.crim.pavics.jupyter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotebookConfigParserTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("notebook_config.yml"), text);
    }

    @Test
    void readsTheSeedConfigOfTheOriginalProject() throws Exception {
        Path seed = Path.of("../../shared/testdata/seed-images/eo/notebook_config.yml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(seed), "shared test data not beside the checkout");
        NotebookConfig config = new NotebookConfigParser().parse(seed);
        assertThat(config.entries()).extracting(NotebookEntry::destSubDir).containsExactly("eo", "common");
        assertThat(config.entries().get(1)).isEqualTo(new NotebookEntry("https://github.com/Ouranosinc/pavics-sdi",
                "master", "docs/source/notebooks", "common", 12));
    }

    @Test
    void normalizesPathsAndAcceptsAnEmptyDestination() throws Exception {
        NotebookConfig config = new NotebookConfigParser().parse(write("""
                - repo_url: git@github.com:crim-ca/pavics-jupyter-images.git
                  branch: eo-0.4.0
                  source_dir: ./eo//notebooks/
                  dest_sub_dir:
                """));
        assertThat(config.entries()).containsExactly(new NotebookEntry(
                "git@github.com:crim-ca/pavics-jupyter-images.git", "eo-0.4.0", "eo/notebooks", "", 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key       | - repo_url: https://h/r\\n  branch: m\\n  source_dir: a\\n  dest: b           | 4:3: unknown key 'dest' in a notebook entry
            missing branch    | - repo_url: https://h/r\\n  source_dir: a                                  | 1:3: missing required key 'branch' in a notebook entry
            wrong type        | - repo_url: https://h/r\\n  branch: m\\n  source_dir: [a, b]                | 3:15: source_dir must be a string, found a list
            not a list        | repo_url: https://h/r                                                      | 1:1: the notebook config must be a list, found a mapping
            absolute source   | - repo_url: https://h/r\\n  branch: m\\n  source_dir: /etc                  | 3:15: source_dir must be a relative path, found '/etc'
            dotdot dest       | - repo_url: https://h/r\\n  branch: m\\n  source_dir: a\\n  dest_sub_dir: x/../../y | 4:17: dest_sub_dir must not contain '..': 'x/../../y'
            dotdot source     | - repo_url: https://h/r\\n  branch: m\\n  source_dir: ../a                  | 3:15: source_dir must not contain '..': '../a'
            duplicate dest    | - repo_url: https://h/r\\n  branch: m\\n  source_dir: a\\n  dest_sub_dir: x\\n- repo_url: https://h/s\\n  branch: m\\n  source_dir: b\\n  dest_sub_dir: x/ | 5:3: duplicate dest_sub_dir 'x': entry of line 1 deploys into 'x'
            overlapping dest  | - repo_url: https://h/r\\n  branch: m\\n  source_dir: a\\n  dest_sub_dir: x\\n- repo_url: https://h/s\\n  branch: m\\n  source_dir: b\\n  dest_sub_dir: x/y | 5:3: overlapping dest_sub_dir 'x/y': entry of line 1 deploys into 'x'
            bad url           | - repo_url: not a url\\n  branch: m\\n  source_dir: a                      | 1:13: repo_url must be a git URL
            boolean branch    | - repo_url: https://h/r\\n  branch: yes\\n  source_dir: a                   | 2:11: branch must be a string, found a boolean
            empty list        | []                                                                         | 1:1: empty config
            bad yaml          | - repo_url: [unclosed                                                      | invalid YAML
            duplicate key     | - repo_url: https://h/r\\n  repo_url: https://h/s\\n  branch: m\\n  source_dir: a | 2:3: duplicate key 'repo_url' in a notebook entry (also on line 1)
            """)
    void refusesBadConfigsWithFileLineAndColumn(String name, String text, String expected) throws IOException {
        Path file = write(text.replace("\\n", "\n"));
        assertThatThrownBy(() -> new NotebookConfigParser().parse(file))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith(file.toString() + ":")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anEmptyFileIsRefusedNamingTheFile() throws IOException {
        Path file = write("# only a comment\n");
        assertThatThrownBy(() -> new NotebookConfigParser().parse(file))
                .hasMessage(file + ": empty config: expected a list of entries with "
                        + String.join(", ", java.util.Set.of("repo_url", "branch", "source_dir")));
    }

    @Test
    void aMissingFileIsRefusedNamingTheFile() {
        Path file = dir.resolve("absent.yml");
        assertThatThrownBy(() -> new NotebookConfigParser().parse(file)).hasMessage(file + ": file not found");
    }
}
