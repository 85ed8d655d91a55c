package ca.crim.pavics.jupyter.config.envlocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvLocalMergeTest {
    private static final List<ImageEntry> OURS = List.of(
            new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"),
            new ImageEntry("nlp-crim", "pavics/crim-jupyter-nlp:0.6.0"));
    private static final EnvLocalMerge.Options OPTIONS =
            new EnvLocalMerge.Options(false, false, "pavics/crim-jupyter-notebook-deployer:1");

    @TempDir
    Path dir;

    private EnvLocalMerge.Result merge(String text, EnvLocalMerge.Options options) throws EnvLocalException {
        return new EnvLocalMerge("env.local").merge(text, OURS, options);
    }

    private Bash.Sourced sourced(String text, boolean legacy) throws Exception {
        Path file = Files.writeString(dir.resolve("env.local"), text, StandardCharsets.ISO_8859_1);
        return Bash.source(file, Birdhouse.of(legacy));
    }

    @ParameterizedTest(name = "birdhouse-deploy {0}")
    @CsvSource({"1.42.2, V1", "2.14.0, V2", "2.28.0, V2_COMPONENT_JOBS"})
    void realEnvLocalExampleKeepsEveryLineAndASecondMergeChangesNothing(String version, BirdhouseGeneration server)
            throws Exception {
        Path example = ca.crim.pavics.jupyter.testsupport.TestData.birdhouseDeploy().resolve(version).resolve("env.local.example");
        String original = Files.readString(example, StandardCharsets.ISO_8859_1);
        EnvLocalMerge.Options options = new EnvLocalMerge.Options(false, false, "d:1", server, false, null);
        EnvLocalMerge.Result first = merge(original, options);
        assertThat(first.text()).startsWith(original);
        List<String> before = original.lines().toList();
        assertThat(first.text().lines().toList().subList(0, before.size())).isEqualTo(before);
        EnvLocalMerge.Result second = merge(first.text(), options);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.changes()).isEmpty();
        Bash.Sourced env = sourced(first.text(), server == BirdhouseGeneration.V1);
        assertThat(env.images()).containsExactly("pavics/crim-jupyter-eo:0.5.0", "pavics/crim-jupyter-nlp:0.6.0");
        assertThat(env.names()).containsExactly("eo-crim", "nlp-crim");
    }

    private static final String MULTILINE = """
            # JupyterHub
            export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="pavics/workflow-tests:py312-260415 \\
                                                      pavics/crim-jupyter-eo:0.3.0 \\
                                                      pavics/crim-jupyter-eo:0.4.0 \\
                                                      birdhouse/pavics-jupyter-base:mlflow-proxy"  # offered images
            export OTHER_SETTING="keep me"
            #export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="commented/out:1"
            export JUPYTERHUB_IMAGE_SELECTION_NAMES="pavics \\
                                                     eo-crim:0.3.0 \\
                                                     eo-crim:0.4.0 \\
                                                     mlflow-crim"
            """;

    @Test
    void multiLineValuesForeignImagesFirstAndSeveralVersionsOfOneImage() throws Exception {
        EnvLocalMerge.Result result = merge(MULTILINE, OPTIONS);
        assertThat(result.text()).contains("""
                export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="pavics/workflow-tests:py312-260415 \\
                                                          pavics/crim-jupyter-eo:0.3.0 \\
                                                          pavics/crim-jupyter-eo:0.5.0 \\
                                                          birdhouse/pavics-jupyter-base:mlflow-proxy \\
                                                          pavics/crim-jupyter-nlp:0.6.0"  # offered images
                export OTHER_SETTING="keep me"
                #export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="commented/out:1"
                export JUPYTERHUB_IMAGE_SELECTION_NAMES="pavics \\
                                                         eo-crim:0.3.0 \\
                                                         eo-crim:0.5.0 \\
                                                         mlflow-crim \\
                                                         nlp-crim"
                """);
        Bash.Sourced env = sourced(result.text(), false);
        assertThat(env.images()).containsExactly("pavics/workflow-tests:py312-260415", "pavics/crim-jupyter-eo:0.3.0",
                "pavics/crim-jupyter-eo:0.5.0", "birdhouse/pavics-jupyter-base:mlflow-proxy", "pavics/crim-jupyter-nlp:0.6.0");
        assertThat(env.names()).containsExactly("pavics", "eo-crim:0.3.0", "eo-crim:0.5.0", "mlflow-crim", "nlp-crim");
        assertThat(merge(result.text(), OPTIONS).text()).isEqualTo(result.text());
    }

    @Test
    void legacyNamesSingleQuotesNewlinesInsideQuotesAndNoExport() throws Exception {
        String text = """
                DOCKER_NOTEBOOK_IMAGES='pavics/crim-jupyter-nlp:0.5.0
                  pavics/workflow-tests:py311'
                JUPYTERHUB_IMAGE_SELECTION_NAMES='nlp-crim
                  pavics'
                """;
        EnvLocalMerge.Result result = merge(text, new EnvLocalMerge.Options(false, true, "d:1"));
        assertThat(result.text()).startsWith("""
                DOCKER_NOTEBOOK_IMAGES='pavics/crim-jupyter-nlp:0.6.0
                  pavics/workflow-tests:py311
                  pavics/crim-jupyter-eo:0.5.0'
                JUPYTERHUB_IMAGE_SELECTION_NAMES='nlp-crim
                  pavics
                  eo-crim'
                """);
        assertThat(result.text()).contains("AUTODEPLOY_EXTRA_SCHEDULER_JOBS").doesNotContain("BIRDHOUSE_AUTODEPLOY");
        Bash.Sourced env = sourced(result.text(), true);
        assertThat(env.images()).containsExactly("pavics/crim-jupyter-nlp:0.6.0", "pavics/workflow-tests:py311",
                "pavics/crim-jupyter-eo:0.5.0");
        assertThat(env.names()).containsExactly("nlp-crim", "pavics", "eo-crim");
        assertThat(env.jobs()).contains("- name: notebookdeploy-eo-crim", "- name: notebookdeploy-nlp-crim");
    }

    @Test
    void unquotedSingleValuesBecomeQuotedWhenTheyGrow() throws Exception {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=pavics/workflow-tests:py311\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=pavics\nexport TAIL=1\n";
        EnvLocalMerge.Result result = merge(text, OPTIONS);
        assertThat(result.text()).startsWith("export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/workflow-tests:py311 "
                + "pavics/crim-jupyter-eo:0.5.0 pavics/crim-jupyter-nlp:0.6.0\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"pavics eo-crim nlp-crim\"\nexport TAIL=1\n");
        Bash.Sourced env = sourced(result.text(), false);
        assertThat(env.names()).containsExactly("pavics", "eo-crim", "nlp-crim");
    }

    @Test
    void keepPreviousOffersBothVersions() throws Exception {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.4.0 pavics/workflow-tests:1\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim pavics\"\n";
        EnvLocalMerge.Result result = merge(text, new EnvLocalMerge.Options(true, false, "d:1"));
        Bash.Sourced env = sourced(result.text(), false);
        assertThat(env.images()).containsExactly("pavics/crim-jupyter-eo:0.4.0", "pavics/crim-jupyter-eo:0.5.0",
                "pavics/workflow-tests:1", "pavics/crim-jupyter-nlp:0.6.0");
        assertThat(env.names()).containsExactly("eo-crim", "eo-crim:0.5.0", "pavics", "nlp-crim");
        assertThat(env.jobs()).contains("--image pavics/crim-jupyter-eo:0.5.0").doesNotContain("--image pavics/crim-jupyter-eo:0.4.0");
        assertThat(merge(result.text(), new EnvLocalMerge.Options(true, false, "d:1")).text()).isEqualTo(result.text());
    }

    @Test
    void jobsBlockIsOursAndIsReplacedNotDuplicated() throws Exception {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.4.0\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim\"\n";
        String once = merge(text, OPTIONS).text();
        String twice = new EnvLocalMerge("env.local").merge(once.replace("0.5.0", "0.4.0"), OURS, OPTIONS).text();
        assertThat(twice).isEqualTo(once);
        assertThat(once.split(java.util.regex.Pattern.quote(EnvLocalMerge.BLOCK_BEGIN), -1)).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            counts differ          | export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1 c/d:2"\\nexport JUPYTERHUB_IMAGE_SELECTION_NAMES="x"\\n | env.local:1: JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES has 2 entries but JUPYTERHUB_IMAGE_SELECTION_NAMES (line 2) has 1
            assigned conditionally | if true; then\\n  JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nfi\\nJUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="c/d:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x"\\n | is assigned 2 times (lines 2, 4), conditionally or from other variables
            appended to itself     | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nJUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="$JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES c/d:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x y"\\n | cannot update it unambiguously
            command substitution   | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="$(cat list)"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x"\\n | env.local:1: the value of JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES cannot be parsed
            invalid image          | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="Bad/Image:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x"\\n | env.local:1: JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES: invalid repository name
            invalid name           | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x/y"\\n | env.local:2: JUPYTERHUB_IMAGE_SELECTION_NAMES: invalid selection name 'x/y'
            duplicate names        | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1 c/d:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x x"\\n | duplicate selection name x
            both generations       | DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nJUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="x"\\n | env.local:1: both DOCKER_NOTEBOOK_IMAGES and JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES (line 2) are set
            names missing          | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\n | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES is set but JUPYTERHUB_IMAGE_SELECTION_NAMES is not
            name taken             | JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="a/b:1"\\nJUPYTERHUB_IMAGE_SELECTION_NAMES="eo-crim"\\n | selection name eo-crim for pavics/crim-jupyter-eo:0.5.0 is already used
            """)
    void refusesWhatItCannotUpdateSafely(String name, String text, String expected) {
        assertThatThrownBy(() -> merge(text.replace("\\n", "\n"), OPTIONS))
                .isInstanceOf(EnvLocalException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void declareAssignmentsAreRecognised() throws Exception {
        String text = "declare -x JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/workflow-tests:py311 pavics/crim-jupyter-eo:0.3.0\"\n"
                + "typeset JUPYTERHUB_IMAGE_SELECTION_NAMES=\"pavics eo-crim\"\n";
        EnvLocalMerge.Result result = merge(text, OPTIONS);
        assertThat(result.text()).startsWith("declare -x JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/workflow-tests:py311"
                + " pavics/crim-jupyter-eo:0.5.0 pavics/crim-jupyter-nlp:0.6.0\"\ntypeset JUPYTERHUB_IMAGE_SELECTION_NAMES=\"pavics"
                + " eo-crim nlp-crim\"\n");
        assertThat(result.warnings()).noneMatch(w -> w.contains("was not set"));
    }

    @Test
    void onAComponentServerTheJobsBlockIsRemovedAndNotWrittenAgain() throws Exception {
        String text = "# my settings\nexport A=1\n";
        String withBlock = merge(text, OPTIONS).text();
        assertThat(withBlock).contains(EnvLocalMerge.BLOCK_BEGIN);
        EnvLocalMerge.Options component = new EnvLocalMerge.Options(false, false, "pavics/crim-jupyter-notebook-deployer:1",
                BirdhouseGeneration.V2_COMPONENT_JOBS, false, "/srv/pavics-jupyter-notebookdeploy");
        EnvLocalMerge.Result removed = merge(withBlock, component);
        assertThat(removed.text()).doesNotContain(EnvLocalMerge.BLOCK_BEGIN, EnvLocalMerge.BLOCK_END, "notebookdeploy-")
                .startsWith(text).contains("JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.5.0 pavics/crim-jupyter-nlp:0.6.0\"");
        assertThat(removed.changes()).anyMatch(c -> c.startsWith("removed the notebook deploy jobs block"));
        assertThat(merge(removed.text(), component).text()).as("idempotent").isEqualTo(removed.text());
        assertThat(merge(text, component).text()).doesNotContain(EnvLocalMerge.BLOCK_BEGIN);
    }
}
