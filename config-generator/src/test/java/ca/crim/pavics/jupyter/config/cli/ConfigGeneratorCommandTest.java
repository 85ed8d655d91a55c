package ca.crim.pavics.jupyter.config.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigGeneratorCommandTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ConfigGeneratorCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void fragmentOfThisRepositoryHasItsImageModules() {
        Run run = run("--repo", REPO.toString(), "fragment", "--allow-snapshot");
        Run refused = run("--repo", REPO.toString(), "fragment");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("-SNAPSHOT version, which was never published: write the released versions (--released)");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:",
                " pavics/crim-jupyter-nlp:", "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim nlp-crim\"",
                "image: 'pavics/crim-jupyter-notebook-deployer:1'");
    }

    @Test
    void explicitImagesReplaceOrAdd() {
        Run run = run("--repo", REPO.toString(), "--image", "eo-crim=pavics/crim-jupyter-eo:0.4.1",
                "--image", "mlflow=birdhouse/pavics-jupyter-base:mlflow-proxy", "fragment", "--allow-snapshot");
        assertThat(run.out()).contains("export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim nlp-crim mlflow\"",
                "pavics/crim-jupyter-eo:0.4.1 ", " birdhouse/pavics-jupyter-base:mlflow-proxy\"");
        Run only = run("--no-modules", "--image", "x=a/b:1", "fragment");
        assertThat(only.out()).contains("export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"a/b:1\"");
        Run bad = run("--no-modules", "--image", "x=Not A Ref", "fragment");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("config-generator: invalid").doesNotContain("\tat ");
    }

    @Test
    void releasedUsesTheNewestReleaseTagOfEachModule() throws Exception {
        Path copy = dir.resolve("repo");
        for (String module : new String[] {"", "base-config", "eo", "nlp"}) {
            Files.createDirectories(copy.resolve(module));
            Files.copy(REPO.resolve(module).resolve("pom.xml"), copy.resolve(module).resolve("pom.xml"));
        }
        try (Git git = Git.init().setDirectory(copy.toFile()).call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("poms").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").setSign(false).call();
            for (String tag : new String[] {"eo-0.4.0", "eo-0.10.0", "eo-0.9.3", "nlp-0.5.0", "eo-latest"}) {
                git.tag().setName(tag).call();
            }
        }
        Run run = run("--repo", copy.toString(), "--released", "fragment");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"pavics/crim-jupyter-eo:0.10.0 pavics/crim-jupyter-nlp:0.5.0\"");
    }

    @Test
    void mergeWritesABackupKeepsPermissionsAndIsIdempotent() throws IOException {
        Path env = Files.writeString(dir.resolve("env.local"), "export A=1\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
        Run first = run("--repo", REPO.toString(), "merge", "--allow-snapshot", "--env-local", env.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(Files.readString(env)).startsWith("export A=1\n").contains("export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim nlp-crim\"");
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .hasSize(2).last().asString().matches("env\\.local\\.\\d{8}T\\d{6}\\.bak");
        }
        String merged = Files.readString(env);
        Run second = run("--repo", REPO.toString(), "merge", "--allow-snapshot", "--env-local", env.toString());
        assertThat(second.code()).isZero();
        assertThat(second.err()).contains("is up to date");
        assertThat(Files.readString(env)).isEqualTo(merged);
    }

    @Test
    void dryRunPrintsAUnifiedDiffAndChangesNothing() throws IOException {
        String text = "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.4.0\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim\"\n";
        Path env = Files.writeString(dir.resolve("env.local"), text);
        Run run = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "merge", "--dry-run",
                "--env-local", env.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("--- " + env, "+++ " + env + " (merged)",
                "-export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.4.0\"",
                "+export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.5.0\"");
        assertThat(Files.readString(env)).isEqualTo(text);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void aRefusedMergeLeavesTheFileUntouchedWithOneLineAndExitCode1() throws IOException {
        byte[] text = ("# caf\u00e9 \u2014 comment in UTF-8\nexport JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\"a/b:1 c/d:1\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"x\"\n").getBytes(StandardCharsets.UTF_8);
        Path env = Files.write(dir.resolve("env.local"), text);
        Run run = run("--repo", REPO.toString(), "merge", "--allow-snapshot", "--env-local", env.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("config-generator: " + env
                + ":2: JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES has 2 entries but JUPYTERHUB_IMAGE_SELECTION_NAMES (line 3) has 1:"
                + " they must have the same count");
        assertThat(Files.readAllBytes(env)).isEqualTo(text);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void nonAsciiBytesSurviveAMerge() throws IOException {
        byte[] text = "# caf\u00e9 \u2014 r\u00e9glages\nexport GREETING=\"h\u00e9\"\n".getBytes(StandardCharsets.UTF_8);
        Path env = Files.write(dir.resolve("env.local"), text);
        assertThat(run("--repo", REPO.toString(), "merge", "--allow-snapshot", "--no-backup", "--env-local", env.toString()).code()).isZero();
        byte[] after = Files.readAllBytes(env);
        assertThat(java.util.Arrays.copyOf(after, text.length)).isEqualTo(text);
    }

    @Test
    void aFolderThatIsNotTheRepositoryIsNamedInOneLine() throws IOException {
        Files.writeString(dir.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion></project>");
        Run run = run("--repo", dir.toString(), "fragment");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("config-generator: " + dir + " is not the pavics-jupyter-images repository"
                + " (no base-config/pom.xml)");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run("merge").code()).isEqualTo(2);
        assertThat(run("--version").out()).startsWith("config-generator ");
    }

    @Test
    void snapshotVersionsAreNotMergedUnlessAllowed() throws IOException {
        byte[] text = "export A=1\n".getBytes(StandardCharsets.UTF_8);
        Path env = Files.write(dir.resolve("env.local"), text);
        Run run = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0-SNAPSHOT", "merge", "--env-local", env.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("config-generator: pavics/crim-jupyter-eo:0.5.0-SNAPSHOT is a -SNAPSHOT version,"
                + " which was never published: merge the released versions (--released) or, for a test server, pass --allow-snapshot");
        assertThat(Files.readAllBytes(env)).isEqualTo(text);
        Run allowed = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0-SNAPSHOT", "merge", "--allow-snapshot",
                "--no-backup", "--env-local", env.toString());
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(Files.readString(env)).contains("pavics/crim-jupyter-eo:0.5.0-SNAPSHOT");
    }

    @Test
    void dockerHubsOtherNamesAreTheSameImageAndTheFilesFormIsKept() throws IOException {
        Path env = Files.writeString(dir.resolve("env.local"), "export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\""
                + "registry.hub.docker.com/pavics/crim-jupyter-eo:0.4.0 index.docker.io/library/ubuntu:22.04\"\n"
                + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim ubuntu\"\n");
        Run run = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "--image", "ubuntu=ubuntu:24.04",
                "merge", "--no-backup", "--env-local", env.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(Files.readString(env)).contains("export JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES=\""
                + "registry.hub.docker.com/pavics/crim-jupyter-eo:0.5.0 index.docker.io/library/ubuntu:24.04\"");
        String merged = Files.readString(env);
        Run again = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "--image", "ubuntu=ubuntu:24.04",
                "merge", "--no-backup", "--env-local", env.toString());
        assertThat(again.err()).contains("is up to date");
        assertThat(Files.readString(env)).isEqualTo(merged);
    }

    @Test
    void componentWritesTheFolderOnceAndRefusesLegacyNames() throws IOException {
        Path out = dir.resolve("pavics-jupyter-notebookdeploy");
        Run first = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "component", "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("enable it: add " + out + " to BIRDHOUSE_EXTRA_CONF_DIRS");
        assertThat(out.resolve("config.yml.template")).content().contains("command: '--image pavics/crim-jupyter-eo:0.5.0'");
        assertThat(out.resolve(".gitignore")).content().isEqualTo("config.yml\n");
        Run second = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "component", "--out", out.toString());
        assertThat(second.err()).contains("is up to date");
        Run legacy = run("--legacy-names", "--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "component",
                "--out", out.toString());
        assertThat(legacy.code()).isEqualTo(1);
        assertThat(legacy.err().strip()).startsWith("config-generator: --legacy-names: components exist only in birdhouse 2.15")
                .doesNotContain("\n");
    }

    @Test
    void mergeDetectsAComponentServerFromItsBirdhouseFolder() throws IOException {
        // the env.local of a birdhouse-deploy 2.28.0 folder (the two files detection reads, from the real tree)
        Path tree = ca.crim.pavics.jupyter.testsupport.TestData.birdhouseDeploy().resolve("2.28.0");
        Path server = dir.resolve("birdhouse");
        Path template = Path.of("optional-components/scheduler-job-notebookdeploy/config.yml.template");
        Files.createDirectories(server.resolve(template).getParent());
        Files.copy(tree.resolve("read-configs.include.sh"), server.resolve("read-configs.include.sh"));
        Files.copy(tree.resolve(template), server.resolve(template));
        Path env = Files.writeString(server.resolve("env.local"), "export A=1\n");
        String[] image = {"--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0"};
        Run old = run(image[0], image[1], image[2], "merge", "--no-backup", "--birdhouse", "2.14.0", "--env-local", env.toString());
        assertThat(old.code()).as(old.err()).isZero();
        assertThat(Files.readString(env)).contains("notebookdeploy-eo-crim");
        Run detected = run(image[0], image[1], image[2], "merge", "--no-backup", "--env-local", env.toString());
        assertThat(detected.code()).as(detected.err()).isZero();
        assertThat(detected.err()).contains("birdhouse-deploy 2.15 or later detected in " + server,
                "the notebook deploy jobs stay in " + env, "until the component is enabled");
        assertThat(Files.readString(env)).as("not removed before the component is enabled").contains("notebookdeploy-eo-crim");
        Path component = Files.createDirectories(dir.resolve("c/pavics-jupyter-notebookdeploy"));
        Run enabled = run(image[0], image[1], image[2], "merge", "--no-backup", "--env-local", env.toString(),
                "--enable-component", component.toString());
        assertThat(enabled.code()).as(enabled.err()).isZero();
        assertThat(enabled.err()).contains("removed the notebook deploy jobs block", "has no default.env here");
        assertThat(Files.readString(env)).doesNotContain("notebookdeploy-eo-crim").contains("pavics/crim-jupyter-eo:0.5.0",
                "BIRDHOUSE_EXTRA_CONF_DIRS");
        Run again = run(image[0], image[1], image[2], "merge", "--no-backup", "--env-local", env.toString());
        assertThat(again.err()).as("listed: the component is known enabled").contains("is up to date")
                .doesNotContain("stay in");
        for (String version : new String[] {"latest", "2.x", "v2.14", "2.14.0.1"}) {
            Run bad = run(image[0], image[1], image[2], "merge", "--birdhouse", version, "--env-local", env.toString());
            assertThat(bad.code()).as("a command-line error").isEqualTo(2);
            assertThat(bad.err()).contains("--birdhouse", "'" + version + "' is not a birdhouse-deploy version such as 2.28.0");
        }
    }

    @Test
    void mergeDetectsOlderServersAndTakesTheOptionsForOldJobsAndTheComponent() throws IOException {
        String[] image = {"--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0"};
        for (String version : new String[] {"1.42.2", "2.14.0"}) {
            Path tree = ca.crim.pavics.jupyter.testsupport.TestData.birdhouseDeploy().resolve(version);
            Path server = Files.createDirectories(dir.resolve(version));
            for (String file : new String[] {"read-configs.include.sh", "pavics-compose.sh", "birdhouse-compose.sh"}) {
                if (Files.exists(tree.resolve(file))) {
                    Files.copy(tree.resolve(file), server.resolve(file));
                }
            }
            Path env = Files.writeString(server.resolve("env.local"), "export DOCKER_NOTEBOOK_IMAGES=\"pavics/crim-jupyter-eo:0.4.0\"\n"
                    + "export JUPYTERHUB_IMAGE_SELECTION_NAMES=\"eo-crim\"\nif true; then\n  . $DEPLOY_DATA_PAVICS_JUPYTER_ENV\nfi\n");
            Run refused = run(image[0], image[1], image[2], "merge", "--no-backup", "--env-local", env.toString());
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err().strip()).startsWith("config-generator: " + env + ":4: '. $DEPLOY_DATA_PAVICS_JUPYTER_ENV'"
                    + " sources the old notebook job generator").doesNotContain("\n");
            Run replaced = run(image[0], image[1], image[2], "merge", "--no-backup", "--replace-old-jobs", "--env-local", env.toString());
            assertThat(replaced.code()).as(replaced.err()).isZero();
            boolean v1 = version.startsWith("1.");
            assertThat(replaced.err()).contains("birdhouse-deploy " + (v1 ? "1.x" : "2.0 to 2.14") + " detected in " + server,
                    "disabled the old notebook job generator (line 4)");
            assertThat(Files.readString(env)).contains(v1 ? "${PAVICS_LOG_DIR}" : "${BIRDHOUSE_LOG_DIR}",
                    v1 ? "export AUTODEPLOY_EXTRA_SCHEDULER_JOBS=" : "export BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS=");
        }
        Path env = Files.writeString(dir.resolve("env.local"), "export A=1\n");
        Run early = run(image[0], image[1], image[2], "merge", "--birdhouse", "2.14", "--enable-component", "/srv/c",
                "--env-local", env.toString());
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.err().strip()).isEqualTo("config-generator: " + env + ": birdhouse 2.0 to 2.14 does not run scheduler"
                + " jobs from components (2.15 and later do): the jobs go to env.local instead");
        Run enabled = run(image[0], image[1], image[2], "merge", "--no-backup", "--enable-component", "/srv/c",
                "--env-local", env.toString());
        assertThat(enabled.code()).as(enabled.err()).isZero();
        assertThat(Files.readString(env)).endsWith("export BIRDHOUSE_EXTRA_CONF_DIRS=\"${BIRDHOUSE_EXTRA_CONF_DIRS}\n  /srv/c\n\"\n")
                .doesNotContain("notebookdeploy-");
        assertThat(enabled.err()).contains("2.15 or later assumed (--enable-component)")
                .doesNotContain("write it with 'component --out DIR'");
    }

    @Test
    void aSymlinkedEnvLocalIsUpdatedWhereItPointsAndSpecialFilesAreRefused() throws Exception {
        String[] image = {"--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0"};
        Path real = Files.writeString(Files.createDirectories(dir.resolve("config-repo")).resolve("env.local"), "export A=1\n");
        Path link = Files.createSymbolicLink(dir.resolve("env.local"), real);
        Run run = run(image[0], image[1], image[2], "merge", "--birdhouse", "2.14", "--env-local", link.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).contains("pavics/crim-jupyter-eo:0.5.0");
        try (Stream<Path> backups = Files.list(real.getParent())) {
            assertThat(backups.filter(p -> p.toString().endsWith(".bak"))).hasSize(1);
        }
        Path binary = Files.write(dir.resolve("binary.local"), new byte[] {0x7f, 'E', 'L', 'F', 0, 1, (byte) 0xff});
        Run notText = run(image[0], image[1], image[2], "merge", "--birdhouse", "2.14", "--env-local", binary.toString());
        assertThat(notText.code()).isEqualTo(1);
        assertThat(notText.err().strip()).isEqualTo("config-generator: " + binary + ": not a text file (an env.local is bash text)");
        Path yaml = Files.writeString(dir.resolve("y.yml"), "a:\n  b: [1, 2]\nJUPYTERHUB_DOCKER_NOTEBOOK_IMAGES: x\n");
        Run notBash = run(image[0], image[1], image[2], "merge", "--birdhouse", "2.14", "--env-local", yaml.toString());
        assertThat(notBash.code()).isEqualTo(1);
        assertThat(notBash.err().strip()).isEqualTo("config-generator: " + yaml + ":1: 'a:' is YAML, not bash: an env.local sets"
                + " variables as NAME=\"value\"");
        assertThat(Files.readString(yaml)).startsWith("a:\n");
        Run componentFile = run(image[0], image[1], image[2], "--allow-snapshot", "merge", "--birdhouse", "2.28", "--env-local",
                real.toString(), "--enable-component", real.toString());
        assertThat(componentFile.err().strip()).endsWith(": a file, not the component's folder");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Run special = run(image[0], image[1], image[2], "merge", "--birdhouse", "2.14", "--env-local", fifo.toString());
        assertThat(special.code()).isEqualTo(1);
        assertThat(special.err().strip()).isEqualTo("config-generator: " + fifo + ": not a regular file");
    }

    @Test
    void releasedWithoutAnyTagOffersNothingAndSaysSo() throws IOException {
        Path copy = dir.resolve("untagged");
        for (String module : new String[] {"", "base-config", "eo", "nlp"}) {
            Files.createDirectories(copy.resolve(module));
            Files.copy(REPO.resolve(module).resolve("pom.xml"), copy.resolve(module).resolve("pom.xml"));
        }
        try (Git git = Git.init().setDirectory(copy.toFile()).call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("poms").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").setSign(false).call();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e);
        }
        Run run = run("--repo", copy.toString(), "--released", "fragment");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("config-generator: no images to offer (").endsWith("leave out --released");
        Run dirAsFile = run("--no-modules", "--image", "eo-crim=pavics/crim-jupyter-eo:0.5.0", "merge", "--env-local", dir.toString());
        assertThat(dirAsFile.err().strip()).isEqualTo("config-generator: " + dir + ": not a regular file (a folder)");
    }
}
