package ca.crim.pavics.jupyter.config.component;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The component read by birdhouse-deploy 2.28.0's own {@code read_configs} (testdata/birdhouse-deploy, a copy of the
 * real configuration tree), its template rendered as {@code birdhouse-compose.sh} renders templates ({@code envsubst}
 * restricted to {@code VARS} and {@code OPTIONAL_VARS}), and the rendered scheduler jobs parsed as YAML.
 */
class NotebookDeployComponentTest {
    private static final List<ImageEntry> IMAGES = List.of(new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"),
            new ImageEntry("nlp-crim", "pavics/crim-jupyter-nlp:0.6.0"));
    private static final String DEPLOYER = "pavics/crim-jupyter-notebook-deployer:1.2.0";

    @TempDir
    Path work;

    private Path birdhouse;

    @BeforeEach
    void copyTree() throws IOException {
        ExternalTools.require("bash", "bash");
        ExternalTools.require("envsubst", "gettext-base");
        birdhouse = TestData.copyOfBirdhouseDeploy("2.28.0", work.resolve("birdhouse"));
    }

    /** read_configs with env.local = {@code envLocal}, then the template rendered; returns [rendered, stdout]. */
    private String[] readAndRender(Path component, String envLocal) throws IOException {
        Path env = Files.writeString(work.resolve("env.local"), envLocal);
        Path script = Files.writeString(work.resolve("render.sh"), """
                set -e
                export COMPOSE_DIR="%s"
                export BIRDHOUSE_LOCAL_ENV="%s"
                . "$COMPOSE_DIR/read-configs.include.sh"
                read_configs
                # as birdhouse-compose.sh renders every *.template of the enabled components
                envsubst "$VARS $OPTIONAL_VARS" < "$PAVICS_JUPYTER_NOTEBOOKDEPLOY_DIR/config.yml.template" > "$PAVICS_JUPYTER_NOTEBOOKDEPLOY_DIR/config.yml"
                echo "DIR=$PAVICS_JUPYTER_NOTEBOOKDEPLOY_DIR"
                . "$PAVICS_JUPYTER_NOTEBOOKDEPLOY_DIR/pre-docker-compose-up.include"
                """.formatted(birdhouse, env));
        Processes.Result r = Processes.run(work, Duration.ofMinutes(1), List.of("bash", script.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return new String[] {Files.readString(component.resolve("config.yml")), r.output()};
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> job(String rendered, String name) {
        List<Map<String, Object>> jobs = new Yaml().load(rendered);
        return jobs.stream().filter(j -> name.equals(j.get("name"))).findFirst().orElseThrow();
    }

    @Test
    void birdhouseReadsItAndTheJobsGetTheFinalFoldersAndSchedule() throws IOException {
        Path component = work.resolve("components/" + NotebookDeployComponent.NAME);
        assertThat(ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(IMAGES))).contains("default.env",
                "config.yml.template", "config/scheduler/docker-compose-extra.yml", "pre-docker-compose-up.include");
        String[] out = readAndRender(component, """
                export BIRDHOUSE_FQDN=hub.example.org
                export BIRDHOUSE_EXTRA_CONF_DIRS="
                  ./components/jupyterhub
                  ./components/scheduler
                  %s
                "
                """.formatted(component));
        Map<String, Object> eo = job(out[0], "notebookdeploy-eo-crim");
        // JUPYTERHUB_USER_DATA_DIR is a delayed-eval value of the jupyterhub component: ${BIRDHOUSE_DATA_PERSIST_ROOT}/jupyterhub_user_data
        assertThat((String) eo.get("dockerargs")).contains(
                "--volume /data/jupyterhub_user_data/tutorial-notebooks-specific-images/eo-crim:/notebooks:rw",
                "--volume /var/log/birdhouse:/logs:rw");
        assertThat(eo.get("schedule")).isEqualTo("@hourly");
        assertThat(eo.get("image")).isEqualTo(DEPLOYER);
        assertThat(eo.get("command")).isEqualTo("--image pavics/crim-jupyter-eo:0.5.0");
        assertThat((String) job(out[0], "notebookdeploy-nlp-crim").get("dockerargs"))
                .contains("/data/jupyterhub_user_data/tutorial-notebooks-specific-images/nlp-crim:/notebooks:rw");
        assertThat(out[1]).contains("DIR=" + component).doesNotContain("component is not");
        assertThat(out[1]).as("no deprecation warning: no job in BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS")
                .doesNotContain("deprecated");
    }

    @Test
    void theAdminsOverridesARelativeFolderAndTheDependenciesAreHonoured() throws IOException {
        Path component = birdhouse.resolve("../mine/" + NotebookDeployComponent.NAME).normalize();
        ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(IMAGES));
        String[] out = readAndRender(component, """
                export BIRDHOUSE_FQDN=hub.example.org
                export BIRDHOUSE_DATA_PERSIST_ROOT=/srv/birdhouse
                export BIRDHOUSE_AUTODEPLOY_NOTEBOOK_FREQUENCY="@every 10m"
                export PAVICS_JUPYTER_NOTEBOOKDEPLOY_IMAGE=registry.example.org/deployer:2
                export BIRDHOUSE_EXTRA_CONF_DIRS="
                  ./components/scheduler
                  ../mine/%s
                "
                """.formatted(NotebookDeployComponent.NAME));
        Map<String, Object> eo = job(out[0], "notebookdeploy-eo-crim");
        assertThat(eo.get("schedule")).isEqualTo("@every 10m");
        assertThat(eo.get("image")).isEqualTo("registry.example.org/deployer:2");
        assertThat((String) eo.get("dockerargs"))
                .contains("--volume /srv/birdhouse/jupyterhub_user_data/tutorial-notebooks-specific-images/eo-crim:/notebooks:rw");
        assertThat(out[1]).as("relative to COMPOSE_DIR, made absolute for docker compose").contains("DIR=" + component)
                .as("jupyterhub not listed: enabled as a dependency").doesNotContain("component is not");
    }

    @Test
    void theIncludeWarnsWhenADependencyIsMissing() throws IOException {
        Path component = work.resolve("w");
        ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(IMAGES));
        Processes.Result r = Processes.run(work, Duration.ofMinutes(1), List.of("bash", "-c", "log() { echo \"$*\"; };"
                + " ALL_CONF_DIRS='./components/scheduler ./optional-components/x'; . '" + component.resolve("pre-docker-compose-up.include") + "'"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("WARN", "the jupyterhub component is not").doesNotContain("the scheduler component is not");
    }

    @Test
    void regeneratingChangesOnlyWhatChanged() throws IOException {
        Path component = work.resolve("c");
        ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(IMAGES));
        assertThat(ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(IMAGES))).isEmpty();
        List<ImageEntry> newer = List.of(new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.1"), IMAGES.get(1));
        assertThat(ComponentWriter.write(component, new NotebookDeployComponent(DEPLOYER).files(newer)))
                .containsExactly("config.yml.template", "default.env");
    }
}
