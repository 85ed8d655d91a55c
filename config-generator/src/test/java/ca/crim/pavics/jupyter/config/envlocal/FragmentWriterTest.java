package ca.crim.pavics.jupyter.config.envlocal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class FragmentWriterTest {
    @TempDir
    Path dir;

    private static final List<ImageEntry> IMAGES = List.of(new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"),
            new ImageEntry("nlp-crim:0.6.0", "pavics/crim-jupyter-nlp:0.6.0"));

    @Test
    void sourcedTwiceGivesAlignedListsAndEachJobOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("fragment.env"),
                new FragmentWriter(Birdhouse.CURRENT, "pavics/crim-jupyter-notebook-deployer:1", true).write(IMAGES));
        Bash.Sourced env = Bash.source(file, Birdhouse.CURRENT);
        assertThat(env.images()).containsExactly("pavics/crim-jupyter-eo:0.5.0", "pavics/crim-jupyter-nlp:0.6.0");
        assertThat(env.names()).containsExactly("eo-crim", "nlp-crim:0.6.0");

        Object parsed = new Yaml().load(env.jobs());
        assertThat(parsed).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) parsed;
        assertThat(jobs).hasSize(2);
        assertThat(jobs).allSatisfy(job -> assertThat(job).containsOnlyKeys("name", "comment", "schedule", "command",
                "dockerargs", "image"));
        Map<String, Object> nlp = jobs.get(1);
        assertThat(nlp.get("name")).isEqualTo("notebookdeploy-nlp-crim");
        assertThat(nlp.get("schedule")).isEqualTo("@hourly");
        assertThat(nlp.get("command")).isEqualTo("--image pavics/crim-jupyter-nlp:0.6.0");
        assertThat(nlp.get("image")).isEqualTo("pavics/crim-jupyter-notebook-deployer:1");
        assertThat((String) nlp.get("dockerargs")).isEqualTo("--rm --name notebookdeploy-nlp-crim"
                + " --volume /data/jupyterhub_user_data/tutorial-notebooks-specific-images/nlp-crim:/notebooks:rw"
                + " --volume /var/log/birdhouse:/logs:rw"
                + " --volume notebookdeploy-cache:/cache:rw --env DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR=/notebooks"
                + " --env DEPLOY_DATA_LOGFILE=/logs/notebookdeploy-nlp-crim.log --env DEPLOY_DATA_CHECKOUT_CACHE=/cache"
                + " --user 0:0");
    }

    @Test
    void allowedImagesIsAYamlMappingOfNamesToImages() {
        String fragment = new FragmentWriter(Birdhouse.CURRENT, "d:1", true).write(IMAGES);
        String value = fragment.substring(fragment.indexOf("JUPYTERHUB_ALLOWED_IMAGES='") + 27);
        value = value.substring(0, value.indexOf("'\n"));
        Map<String, String> mapping = new Yaml().load(value);
        assertThat(mapping).containsExactly(
                Map.entry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"), Map.entry("nlp-crim:0.6.0", "pavics/crim-jupyter-nlp:0.6.0"));
    }

    @Test
    void legacyNames() {
        String fragment = new FragmentWriter(Birdhouse.LEGACY, "d:1", false).write(IMAGES);
        assertThat(fragment).contains("export DOCKER_NOTEBOOK_IMAGES=", "AUTODEPLOY_EXTRA_SCHEDULER_JOBS", "${PAVICS_LOG_DIR}",
                "${AUTODEPLOY_NOTEBOOK_FREQUENCY}").doesNotContain("BIRDHOUSE_", "JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES");
    }
}
