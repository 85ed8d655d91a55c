package ca.crim.pavics.jupyter.config.envlocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Jobs merged into env.local, read by the real {@code read_configs} of birdhouse-deploy 2.14.0 and 1.42.2
 * (testdata/birdhouse-deploy, copies of the real trees: env.local read before and after the components' default.env,
 * then the delayed evaluation), then the scheduler's {@code config.yml.template} rendered as the compose script does
 * ({@code envsubst "$VARS" | envsubst "$OPTIONAL_VARS"}, with the script's own VARS lists), and the jobs parsed as YAML.
 */
class JobsOnRealBirdhouseTest {
    private static final List<ImageEntry> OURS = List.of(new ImageEntry("eo-crim", "pavics/crim-jupyter-eo:0.5.0"),
            new ImageEntry("nlp-crim", "pavics/crim-jupyter-nlp:0.6.0"));
    private static final String DEPLOYER = "pavics/crim-jupyter-notebook-deployer:1.2.0";
    /** An admin's own job, added once the way birdhouse's deploy_data_job.env adds (its text must stay as it is). */
    private static final String ADMIN_JOB = """
            if [ -z "`echo "$%1$s" | grep my-backup`" ]; then
            export %1$s="$%1$s
            - name: my-backup
              comment: nightly \\"full\\" backup
              schedule: '7 1 * * *'
              command: 'sh -c \\"echo ok\\"'
              dockerargs: --rm
              image: 'busybox:1'
            "
            fi
            """;

    @TempDir
    Path work;

    @BeforeEach
    void tools() {
        ExternalTools.require("bash", "bash");
        ExternalTools.require("envsubst", "gettext-base");
    }

    private Path tree(String version) throws IOException {
        return TestData.copyOfBirdhouseDeploy(version, work.resolve("birdhouse-" + version));
    }

    /** read_configs on env.local, the scheduler template rendered; the jobs by name (each name must be there once). */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> scheduledJobs(Path birdhouse, String envLocal) throws IOException {
        Path env = Files.writeString(birdhouse.resolve("env.local"), envLocal);
        String compose = Files.exists(birdhouse.resolve("birdhouse-compose.sh")) ? "birdhouse-compose.sh" : "pavics-compose.sh";
        Path script = Files.writeString(work.resolve("render.sh"), """
                export COMPOSE_DIR="%1$s"
                export BIRDHOUSE_LOCAL_ENV="%2$s"
                # the template variable lists the compose script starts with
                eval "$(sed -n "/^VARS='/,/^'/p; /^OPTIONAL_VARS='/,/^'/p" "$COMPOSE_DIR/%3$s")"
                . "$COMPOSE_DIR/read-configs.include.sh"
                read_configs || exit 3
                envsubst "$VARS" < "$COMPOSE_DIR/components/scheduler/config.yml.template" | envsubst "$OPTIONAL_VARS" \\
                    > "$COMPOSE_DIR/components/scheduler/config.yml"
                """.formatted(birdhouse, env, compose));
        Processes.Result r = Processes.run(work, Duration.ofMinutes(1), List.of("bash", script.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        String rendered = Files.readString(birdhouse.resolve("components/scheduler/config.yml"));
        List<Map<String, Object>> jobs = new Yaml().load(rendered);
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        for (Map<String, Object> job : jobs) {
            assertThat(byName.put((String) job.get("name"), job)).as("job %s once in%n%s", job.get("name"), rendered).isNull();
        }
        return byName;
    }

    private static String merged(String text, BirdhouseGeneration server, boolean replaceOldJobs) throws EnvLocalException {
        return new EnvLocalMerge("env.local").merge(text, OURS,
                new EnvLocalMerge.Options(false, false, DEPLOYER, server, replaceOldJobs, null)).text();
    }

    @Test
    void birdhouse2_14JobsGetTheFinalFoldersTheComponentsScheduleAndLeaveOtherJobsAlone() throws Exception {
        Path birdhouse = tree("2.14.0");
        String text = """
                export BIRDHOUSE_FQDN=hub.example.org
                export BIRDHOUSE_DATA_PERSIST_ROOT=/srv/birdhouse
                export BIRDHOUSE_EXTRA_CONF_DIRS="
                  ./components/jupyterhub
                  ./components/scheduler
                "
                export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="pavics/crim-jupyter-eo:0.4.0 pavics/workflow-tests:py311"
                export JUPYTERHUB_IMAGE_SELECTION_NAMES="eo-crim pavics"
                """ + ADMIN_JOB.formatted("BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS");
        Map<String, Map<String, Object>> jobs = scheduledJobs(birdhouse, merged(text, BirdhouseGeneration.V2, false));
        Map<String, Object> eo = jobs.get("notebookdeploy-eo-crim");
        // JUPYTERHUB_USER_DATA_DIR: '${BIRDHOUSE_DATA_PERSIST_ROOT}/jupyterhub_user_data' in components/jupyterhub/default.env
        assertThat((String) eo.get("dockerargs")).contains(
                "--volume /srv/birdhouse/jupyterhub_user_data/tutorial-notebooks-specific-images/eo-crim:/notebooks:rw",
                "--volume /var/log/birdhouse:/logs:rw");
        assertThat(eo.get("schedule")).as("components/scheduler/default.env").isEqualTo("@hourly");
        assertThat(eo.get("command")).isEqualTo("--image pavics/crim-jupyter-eo:0.5.0");
        assertThat(eo.get("image")).isEqualTo(DEPLOYER);
        assertThat((String) jobs.get("notebookdeploy-nlp-crim").get("dockerargs"))
                .contains("/srv/birdhouse/jupyterhub_user_data/tutorial-notebooks-specific-images/nlp-crim:/notebooks:rw");
        assertThat(jobs.get("my-backup")).containsEntry("comment", "nightly \"full\" backup").containsEntry("command", "sh -c \"echo ok\"");
        assertThat(jobs).containsKeys("logrotate", "notebookdeploy", "autodeploy");
    }

    @Test
    void theOldImagesNameOnA2xServerStillGivesJobsWithA2xLogFolder() throws Exception {
        Path birdhouse = tree("2.14.0");
        String text = """
                export BIRDHOUSE_FQDN=hub.example.org
                export BIRDHOUSE_EXTRA_CONF_DIRS="./components/jupyterhub ./components/scheduler"
                export BIRDHOUSE_AUTODEPLOY_NOTEBOOK_FREQUENCY="@every 30m"
                export DOCKER_NOTEBOOK_IMAGES="pavics/crim-jupyter-eo:0.4.0"
                export JUPYTERHUB_IMAGE_SELECTION_NAMES="eo-crim"
                """;
        EnvLocalMerge.Result result = new EnvLocalMerge("env.local").merge(text, OURS,
                new EnvLocalMerge.Options(false, false, DEPLOYER, BirdhouseGeneration.V2, false, null));
        assertThat(result.warnings()).anyMatch(w -> w.contains("DOCKER_NOTEBOOK_IMAGES is the name of birdhouse 1.x"));
        Map<String, Object> eo = scheduledJobs(birdhouse, result.text()).get("notebookdeploy-eo-crim");
        assertThat((String) eo.get("dockerargs")).contains("--volume /data/jupyterhub_user_data/tutorial-notebooks-specific-images/eo-crim:",
                "--volume /var/log/birdhouse:/logs:rw");
        assertThat(eo.get("schedule")).as("the admin's frequency").isEqualTo("@every 30m");
    }

    @Test
    void birdhouse1_42JobsUseTheOlderNames() throws Exception {
        Path birdhouse = tree("1.42.2");
        String text = """
                export PAVICS_FQDN=hub.example.org
                export DATA_PERSIST_ROOT=/srv/pavics
                export AUTODEPLOY_NOTEBOOK_FREQUENCY="@every 10m"
                export EXTRA_CONF_DIRS="./components/scheduler"
                export DOCKER_NOTEBOOK_IMAGES="pavics/crim-jupyter-nlp:0.5.0"
                export JUPYTERHUB_IMAGE_SELECTION_NAMES="nlp-crim"
                """ + ADMIN_JOB.formatted("AUTODEPLOY_EXTRA_SCHEDULER_JOBS");
        Map<String, Map<String, Object>> jobs = scheduledJobs(birdhouse, merged(text, BirdhouseGeneration.V1, false));
        Map<String, Object> nlp = jobs.get("notebookdeploy-nlp-crim");
        // 1.x: JUPYTERHUB_USER_DATA_DIR='${DATA_PERSIST_ROOT}/jupyterhub_user_data' in config/jupyterhub/default.env
        assertThat((String) nlp.get("dockerargs")).contains(
                "--volume /srv/pavics/jupyterhub_user_data/tutorial-notebooks-specific-images/nlp-crim:/notebooks:rw",
                "--volume /var/log/PAVICS:/logs:rw");
        assertThat(nlp.get("schedule")).isEqualTo("@every 10m");
        assertThat(nlp.get("command")).isEqualTo("--image pavics/crim-jupyter-nlp:0.6.0");
        assertThat(jobs).containsKeys("notebookdeploy-eo-crim", "my-backup");
    }

    @Test
    void onA1xServerTheCurrentImagesNameIsRefused() {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"a/b:1\"\nexport JUPYTERHUB_IMAGE_SELECTION_NAMES=\"x\"\n";
        assertThatThrownBy(() -> merged(text, BirdhouseGeneration.V1, false)).isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local:1: birdhouse 1.x does not read JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES: rename it"
                        + " DOCKER_NOTEBOOK_IMAGES (or say that the server runs birdhouse 2.x)");
    }

    @Test
    void theOldGeneratorIsRefusedOrDisabledAndThenOnlyOurJobsRun() throws Exception {
        Path birdhouse = tree("2.14.0");
        // the shape of pavics-jupyter-base's scheduler-jobs/deploy_data_pavics_jupyter.env: a job per image, same names
        Path old = Files.writeString(work.resolve("deploy_data_pavics_jupyter.env"), """
                for n in $JUPYTERHUB_IMAGE_SELECTION_NAMES; do
                  case "$BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS" in *"name: notebookdeploy-$n"*) ;; *)
                  export BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS="$BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS
                - name: notebookdeploy-$n
                  comment: old svn-based deploy
                  schedule: '@every 5m'
                  command: 'svn export'
                  dockerargs: --rm
                  image: 'docker:19.03.6-git'
                " ;; esac
                done
                """);
        String text = """
                export BIRDHOUSE_FQDN=hub.example.org
                export BIRDHOUSE_EXTRA_CONF_DIRS="./components/jupyterhub ./components/scheduler"
                export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES="pavics/crim-jupyter-eo:0.4.0"
                export JUPYTERHUB_IMAGE_SELECTION_NAMES="eo-crim"
                DEPLOY_DATA_PAVICS_JUPYTER_ENV="%s"
                if [ -f "$DEPLOY_DATA_PAVICS_JUPYTER_ENV" ]; then
                  . $DEPLOY_DATA_PAVICS_JUPYTER_ENV
                fi
                """.formatted(old);
        assertThat(scheduledJobs(birdhouse, text).get("notebookdeploy-eo-crim")).as("before: the old job")
                .containsEntry("command", "svn export");
        assertThatThrownBy(() -> merged(text, BirdhouseGeneration.V2, false)).isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local:7: '. $DEPLOY_DATA_PAVICS_JUPYTER_ENV' sources the old notebook job generator of"
                        + " pavics-jupyter-base, whose jobs have the same names as ours and would keep running instead:"
                        + " remove that line, or let config-generator disable it");
        String replaced = merged(text, BirdhouseGeneration.V2, true);
        assertThat(replaced).contains("  " + OldJobGenerators.DISABLED + ". $DEPLOY_DATA_PAVICS_JUPYTER_ENV\nfi\n");
        assertThat(merged(replaced, BirdhouseGeneration.V2, true)).as("idempotent").isEqualTo(replaced);
        Map<String, Map<String, Object>> jobs = scheduledJobs(birdhouse, replaced);
        assertThat(jobs.get("notebookdeploy-eo-crim")).containsEntry("command", "--image pavics/crim-jupyter-eo:0.5.0");
        assertThat(jobs.get("notebookdeploy-nlp-crim")).containsEntry("command", "--image pavics/crim-jupyter-nlp:0.6.0");
    }

    @Test
    void aJobOfOursDefinedElsewhereInTheFileIsRefusedNamingItsLine() {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"a/b:1\"\nexport JUPYTERHUB_IMAGE_SELECTION_NAMES=\"x\"\n"
                + "# - name: notebookdeploy-eo-crim (a comment is fine)\n"
                + "export BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS=\"\n- name: notebookdeploy-eo-crim\n  image: x\n\"\n";
        assertThatThrownBy(() -> merged(text, BirdhouseGeneration.V2, true)).isInstanceOf(EnvLocalException.class)
                .hasMessage("env.local:5: a job named notebookdeploy-eo-crim is defined outside the block config-generator"
                        + " writes: remove it (the block defines the job of eo-crim)");
    }
}
