package ca.crim.pavics.jupyter.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.GitFixture;
import ca.crim.pavics.jupyter.testsupport.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/notebook-deployer runs the packaged jar and keeps a class-data archive in the checkout cache. */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bin/notebook-deployer").toAbsolutePath();

    @TempDir
    Path tmp;

    private Processes.Result run(Path cache, String... args) {
        return run(Map.of("DEPLOY_DATA_CHECKOUT_CACHE", cache.toString()), args);
    }

    private Processes.Result run(Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Processes.run(tmp, Duration.ofMinutes(2), env, command);
    }

    @Test
    void runsTheJarAndLearnsItsClassesFromARealDeploy() throws Exception {
        Path cache = tmp.resolve("cache");
        Processes.Result version = run(cache, "--version");
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).contains("notebook-deployer 1");
        assertThat(Files.exists(cache) ? Files.list(cache).filter(p -> p.toString().endsWith(".jsa")).count() : 0)
                .as("no archive from --version").isZero();

        GitFixture repo = GitFixture.create(tmp.resolve("git"), "nb");
        repo.write("notebooks/a.ipynb", "{}\n").commit("one");
        Path config = Files.writeString(tmp.resolve("config.yml"), "- repo_url: " + repo.fileUrl()
                + "\n  branch: main\n  source_dir: notebooks\n  dest_sub_dir: nb\n");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        for (int i = 0; i < 2; i++) {
            Processes.Result deploy = run(cache, "--dest", dest.toString(), config.toString());
            assertThat(deploy.exitCode()).as(deploy.output()).isZero();
            assertThat(deploy.output()).contains("end: 1 of 1 entries deployed").doesNotContain("warning").doesNotContain("[cds");
            assertThat(dest.resolve("nb/a.ipynb")).hasContent("{}");
            try (var files = Files.list(cache)) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".jsa")).count()).as("one archive").isEqualTo(1);
            }
        }
        // new commits: the quick check hands off to a full run, which prints the only start and end lines
        repo.write("notebooks/b.ipynb", "{\"b\": 1}\n").commit("two");
        Processes.Result update = run(cache, "--dest", dest.toString(), config.toString());
        assertThat(update.exitCode()).as(update.output()).isZero();
        assertThat(dest.resolve("nb/b.ipynb")).hasContent("{\"b\": 1}");
        assertThat(update.output().split("start:", -1)).as(update.output()).hasSize(2);
        assertThat(update.output()).contains("1 added, 0 updated, 0 removed");
        Processes.Result bad = run(cache, "--bogus");
        assertThat(bad.exitCode()).isEqualTo(2);
    }
}
