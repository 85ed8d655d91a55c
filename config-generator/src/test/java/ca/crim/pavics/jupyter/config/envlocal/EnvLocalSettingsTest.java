package ca.crim.pavics.jupyter.config.envlocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The settings beside the image lists that a merge must keep in step: multi-notebook indexes, JUPYTERHUB_ALLOWED_IMAGES, BIRDHOUSE_EXTRA_CONF_DIRS. */
class EnvLocalSettingsTest {
    private static final List<ImageEntry> OURS = List.of(new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"),
            new ImageEntry("nlp-crim", "pavics/crim-jupyter-nlp:0.6.0"));
    private static final String LISTS = """
            export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="pavics/workflow-tests:py311 pavics/crim-jupyter-eo:0.4.0 birdhouse/pavics-jupyter-base:mlflow"
            export JUPYTERHUB_IMAGE_SELECTION_NAMES="pavics eo-crim mlflow-crim"
            """;
    /** The 2.14.0 env.local.example's setting, uncommented, for three images. */
    private static final String MULTI = """
            export JUPYTERHUB_ENABLE_MULTI_NOTEBOOKS="
            c.DockerSpawner.allowed_images = {
                os.environ['JUPYTERHUB_IMAGE_SELECTION_NAMES'].split()[0]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()[0],
                os.environ['JUPYTERHUB_IMAGE_SELECTION_NAMES'].split()[1]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()[1],
                os.environ['JUPYTERHUB_IMAGE_SELECTION_NAMES'].split()[2]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()[2],
                'jupyter/scipy-notebook': 'jupyter/scipy-notebook',
            }
            "
            """;

    @TempDir
    Path dir;

    private static EnvLocalMerge.Result merge(String text, boolean keepPrevious, BirdhouseGeneration server, String component)
            throws EnvLocalException {
        return new EnvLocalMerge("env.local").merge(text, OURS,
                new EnvLocalMerge.Options(keepPrevious, false, "d:1", server, false, component));
    }

    private static String line(int i, int j) {
        return "    os.environ['JUPYTERHUB_IMAGE_SELECTION_NAMES'].split()[" + i + "]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()["
                + j + "],\n";
    }

    @Test
    void multiNotebookPositionsAreRenumberedAndAddedImagesGetTheirLine() throws Exception {
        // keep-previous puts eo 0.5.0 after eo 0.4.0 (index 2), mlflow moves from 2 to 3, nlp is appended at 4
        String result = merge(LISTS + MULTI, true, BirdhouseGeneration.V2, null).text();
        assertThat(result).contains("JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/workflow-tests:py311 pavics/crim-jupyter-eo:0.4.0"
                + " pavics/crim-jupyter-eo:0.5.0 birdhouse/pavics-jupyter-base:mlflow pavics/crim-jupyter-nlp:0.6.0\"");
        assertThat(result).contains("c.DockerSpawner.allowed_images = {\n" + line(0, 0) + line(1, 1) + line(3, 3)
                + line(2, 2) + line(4, 4) + "    'jupyter/scipy-notebook': 'jupyter/scipy-notebook',\n}\n\"\n");
        assertThat(merge(result, true, BirdhouseGeneration.V2, null).text()).as("idempotent").isEqualTo(result);
    }

    @Test
    void multiNotebookUnchangedWhenVersionsAreReplacedInPlace() throws Exception {
        String lists = LISTS.replace(" birdhouse/pavics-jupyter-base:mlflow", " pavics/crim-jupyter-nlp:0.5.0")
                .replace("mlflow-crim", "nlp-crim");
        EnvLocalMerge.Result result = merge(lists + MULTI, false, BirdhouseGeneration.V2, null);
        assertThat(result.text()).contains(MULTI).contains("pavics/crim-jupyter-nlp:0.6.0");
        assertThat(result.changes()).noneMatch(c -> c.contains("MULTI_NOTEBOOKS"));
    }

    @Test
    void multiNotebookThatCannotBeRenumberedIsRefusedNamingIt() {
        String built = "export ENABLE_JUPYTERHUB_MULTI_NOTEBOOKS=\"c.x = {$N.split()[0]: 1}\"\n";
        assertThatThrownBy(() -> merge(LISTS + built, false, BirdhouseGeneration.V2, null)).isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local:3: ENABLE_JUPYTERHUB_MULTI_NOTEBOOKS selects images by position and this merge moves or"
                        + " adds entries, but it cannot be renumbered (it is built with expansions): move it to"
                        + " JUPYTERHUB_ALLOWED_IMAGES or edit it by hand");
    }

    @Test
    void multiNotebookIndexesThatAreNotPlainPositionsAreRefusedAndNamedImagesWarned() throws Exception {
        String negative = MULTI.replace("split()[2]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()[2]",
                "split()[-1]: os.environ['JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES'].split()[-1]");
        assertThatThrownBy(() -> merge(LISTS + negative, false, BirdhouseGeneration.V2, null)).isInstanceOf(EnvLocalException.class)
                .hasMessageContaining("JUPYTERHUB_ENABLE_MULTI_NOTEBOOKS selects images by position and this merge moves or adds"
                        + " entries, but it cannot be renumbered (it selects by .split()[-1], not by a plain position)");
        String named = MULTI.replace("'jupyter/scipy-notebook': 'jupyter/scipy-notebook',",
                "'eo-crim': 'pavics/crim-jupyter-eo:0.4.0',");
        EnvLocalMerge.Result result = merge(LISTS + named, false, BirdhouseGeneration.V2, null);
        assertThat(result.warnings()).contains("JUPYTERHUB_ENABLE_MULTI_NOTEBOOKS (line 3) names pavics/crim-jupyter-eo:0.4.0"
                + " itself: update that entry by hand");
    }

    @Test
    void aFlowMappingGetsItsScalarsEditedButNoNewEntry() throws Exception {
        String flow = "export JUPYTERHUB_ALLOWED_IMAGES='{pavics: \"pavics/workflow-tests:py311\", eo-crim: \"pavics/crim-jupyter-eo:0.4.0\"}'\n";
        assertThatThrownBy(() -> merge(LISTS + flow, false, BirdhouseGeneration.V2_COMPONENT_JOBS, null))
                .isInstanceOf(EnvLocalException.class).hasMessage("env.local:3: JUPYTERHUB_ALLOWED_IMAGES cannot be updated (it is"
                        + " written as a flow mapping {...}: write one 'name: image' per line, or add nlp-crim:"
                        + " pavics/crim-jupyter-nlp:0.6.0 by hand)");
        String both = flow.replace("}'", ", nlp-crim: \"pavics/crim-jupyter-nlp:0.5.0\"}'");
        String result = merge(LISTS + both, false, BirdhouseGeneration.V2_COMPONENT_JOBS, null).text();
        assertThat(allowedImages(result)).containsEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0")
                .containsEntry("nlp-crim", "pavics/crim-jupyter-nlp:0.6.0");
    }

    @Test
    void extraConfDirsSetConditionallyOrUnderTheOldNameAreRefused() {
        String conditional = "if [ -d /srv ]; then\n  export BIRDHOUSE_EXTRA_CONF_DIRS=\"a b\"\nelse\n  export BIRDHOUSE_EXTRA_CONF_DIRS=\"a\"\nfi\n";
        assertThatThrownBy(() -> merge(LISTS + conditional, false, BirdhouseGeneration.V2_COMPONENT_JOBS, "/srv/c"))
                .isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local:4: BIRDHOUSE_EXTRA_CONF_DIRS is set conditionally: add /srv/c to it by hand");
        assertThatThrownBy(() -> merge(LISTS + "export EXTRA_CONF_DIRS=\"a\"\n", false, BirdhouseGeneration.V2_COMPONENT_JOBS,
                "/srv/c")).isInstanceOf(EnvLocalException.class).hasMessageStartingWith("env.local:3: the older name"
                        + " EXTRA_CONF_DIRS is set");
    }

    @Test
    void allowedImagesMappingIsEditedAsYaml() throws Exception {
        // the 2.28.0 env.local.example's mapping
        String allowed = """
                export JUPYTERHUB_ALLOWED_IMAGES='
                pavics: "pavics/workflow-tests:py311-250423-update250730"
                eo-crim:0.3.0: "pavics/crim-jupyter-eo:0.3.0"
                nlp-crim: registry.hub.docker.com/pavics/crim-jupyter-nlp:0.4.0
                jupyter/scipy-notebook: jupyter/scipy-notebook
                '
                """;
        String result = merge(LISTS + allowed, false, BirdhouseGeneration.V2_COMPONENT_JOBS, null).text();
        assertThat(result).contains("""
                eo-crim:0.5.0: "pavics/crim-jupyter-eo:0.5.0"
                nlp-crim: registry.hub.docker.com/pavics/crim-jupyter-nlp:0.6.0
                jupyter/scipy-notebook: jupyter/scipy-notebook
                """);
        assertThat(allowedImages(result)).containsExactly(Map.entry("pavics", "pavics/workflow-tests:py311-250423-update250730"),
                Map.entry("eo-crim:0.5.0", "pavics/crim-jupyter-eo:0.5.0"),
                Map.entry("nlp-crim", "registry.hub.docker.com/pavics/crim-jupyter-nlp:0.6.0"),
                Map.entry("jupyter/scipy-notebook", "jupyter/scipy-notebook"));
        assertThat(merge(result, false, BirdhouseGeneration.V2_COMPONENT_JOBS, null).text()).isEqualTo(result);

        String kept = merge(LISTS + allowed, true, BirdhouseGeneration.V2_COMPONENT_JOBS, null).text();
        assertThat(allowedImages(kept)).containsEntry("eo-crim:0.3.0", "pavics/crim-jupyter-eo:0.3.0")
                .containsEntry("eo-crim:0.5.0", "pavics/crim-jupyter-eo:0.5.0")
                .containsEntry("nlp-crim", "registry.hub.docker.com/pavics/crim-jupyter-nlp:0.4.0")
                .containsEntry("nlp-crim:0.6.0", "registry.hub.docker.com/pavics/crim-jupyter-nlp:0.6.0").hasSize(6);
    }

    @Test
    void anImageMissingFromTheMappingIsAddedInTheFormOfTheLastEntry() throws Exception {
        String allowed = "JUPYTERHUB_ALLOWED_IMAGES=\"\n  pavics: \\\"pavics/workflow-tests:py311\\\"\n\"\n";
        String result = merge(LISTS + allowed, false, BirdhouseGeneration.V2_COMPONENT_JOBS, null).text();
        assertThat(result).contains("JUPYTERHUB_ALLOWED_IMAGES=\"\n  pavics: \\\"pavics/workflow-tests:py311\\\"\n"
                + "  eo-crim: \\\"pavics/crim-jupyter-eo:0.5.0\\\"\n  nlp-crim: \\\"pavics/crim-jupyter-nlp:0.6.0\\\"\n\"\n");
        assertThat(allowedImages(result)).containsOnlyKeys("pavics", "eo-crim", "nlp-crim");
    }

    @Test
    void anAllowedImagesValueThatIsNotAMappingIsRefused() {
        assertThatThrownBy(() -> merge(LISTS + "JUPYTERHUB_ALLOWED_IMAGES='- a\n- b'\n", false, BirdhouseGeneration.V2, null))
                .isInstanceOf(EnvLocalException.class).hasMessage("env.local:3: JUPYTERHUB_ALLOWED_IMAGES cannot be updated (it is"
                        + " not a YAML mapping of selection name to image)");
    }

    @Test
    void theComponentIsAddedToTheExtraConfDirsOnceInTheListsForm() throws Exception {
        String conf = "export BIRDHOUSE_EXTRA_CONF_DIRS=\"\n  ./components/jupyterhub\n  ./components/scheduler\n\"\n";
        String result = merge(LISTS + conf, false, BirdhouseGeneration.V2_COMPONENT_JOBS, "/srv/pavics-jupyter-notebookdeploy").text();
        assertThat(result).endsWith("export BIRDHOUSE_EXTRA_CONF_DIRS=\"\n  ./components/jupyterhub\n  ./components/scheduler\n"
                + "  /srv/pavics-jupyter-notebookdeploy\n\"\n");
        assertThat(merge(result, false, BirdhouseGeneration.V2_COMPONENT_JOBS, "/srv/pavics-jupyter-notebookdeploy/").text())
                .isEqualTo(result);
        String unset = merge(LISTS, false, BirdhouseGeneration.V2_COMPONENT_JOBS, "../c").text();
        assertThat(unset).endsWith("export BIRDHOUSE_EXTRA_CONF_DIRS=\"${BIRDHOUSE_EXTRA_CONF_DIRS}\n  ../c\n\"\n");
        assertThat(merge(unset, false, BirdhouseGeneration.V2_COMPONENT_JOBS, "../c").text()).isEqualTo(unset);
        assertThatThrownBy(() -> merge(LISTS, false, BirdhouseGeneration.V2, "../c")).isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local: birdhouse 2.0 to 2.14 does not run scheduler jobs from components (2.15 and later do):"
                        + " the jobs go to env.local instead");
    }

    /** JUPYTERHUB_ALLOWED_IMAGES as bash gives it, read the way JupyterHub reads it (a YAML load). */
    private Map<String, String> allowedImages(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("env.local"), text, StandardCharsets.ISO_8859_1);
        Process p = new ProcessBuilder("bash", "-c", ". \"$1\"; printf '%s' \"$JUPYTERHUB_ALLOWED_IMAGES\"", "bash", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        return new Yaml().load(out);
    }
}
