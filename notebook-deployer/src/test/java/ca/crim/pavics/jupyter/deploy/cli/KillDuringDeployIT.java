package ca.crim.pavics.jupyter.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.GitFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at random moments during large deploys (a child JVM running the real CLI): after each kill the
 * destination is exactly the old tree or the new one, and the next run still works.
 */
class KillDuringDeployIT {
    private static final int RUNS = 20;

    @TempDir
    Path tmp;

    @Test
    void aKilledDeployLeavesTheOldTreeOrTheNewTree() throws Exception {
        GitFixture repo = GitFixture.create(tmp.resolve("git"), "big");
        Random content = new Random(7);
        for (int i = 0; i < 2000; i++) {
            int size = i % 200 == 0 ? 1 << 20 : 200 + content.nextInt(8000);
            byte[] bytes = new byte[size];
            content.nextBytes(bytes);
            repo.write("nb/d" + (i % 40) + "/f" + i + ".bin", bytes);
        }
        repo.commit("old");
        repo.tag("old");
        for (int i = 0; i < 2000; i += 10) {
            byte[] bytes = new byte[300];
            content.nextBytes(bytes);
            repo.write("nb/d" + (i % 40) + "/f" + i + ".bin", bytes);
        }
        repo.delete("nb/d1").write("nb/added/new.txt", "new\n");
        repo.commit("new");
        repo.tag("new");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Path cache = tmp.resolve("cache");
        Map<String, String> oldTree = expected(dest, cache, "old");
        Map<String, String> newTree = expected(dest, cache, "new");
        assertThat(oldTree).isNotEqualTo(newTree);

        Random random = new Random(Long.getLong("kill.seed", 20261124L));
        long fullRun = timed(dest, cache, "old");
        int killedMidway = 0;
        for (int run = 0; run < RUNS; run++) {
            String from = run % 2 == 0 ? "old" : "new";
            String to = run % 2 == 0 ? "new" : "old";
            assertThat(deployFully(dest, cache, from)).isZero();
            Process child = start(dest, cache, to);
            long delay = (long) (random.nextDouble() * fullRun * 1.2);
            boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor();
                killedMidway++;
            }
            Map<String, String> now = DeployerCliTest.tree(dest.resolve("eo"));
            assertThat(now.equals(oldTree) || now.equals(newTree))
                    .as("run %d (%s -> %s), killed after %d ms: the destination is the old or the new tree", run, from, to, delay)
                    .isTrue();
        }
        assertThat(deployFully(dest, cache, "new")).isZero();
        assertThat(DeployerCliTest.tree(dest.resolve("eo"))).isEqualTo(newTree);
        try (var stale = Files.list(dest)) {
            assertThat(stale.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("eo", ".eo.versions",
                    ".notebook-deployer.lock");
        }
        System.out.println("kill test: " + killedMidway + " of " + RUNS + " runs killed midway (full run " + fullRun + " ms)");
        assertThat(killedMidway).as("most runs must really be killed midway").isGreaterThan(RUNS / 3);
    }

    private Map<String, String> expected(Path dest, Path cache, String tag) throws Exception {
        assertThat(deployFully(dest, cache, tag)).isZero();
        return DeployerCliTest.tree(dest.resolve("eo"));
    }

    private long timed(Path dest, Path cache, String tag) throws Exception {
        deployFully(dest, cache, tag.equals("old") ? "new" : "old");
        long start = System.nanoTime();
        assertThat(deployFully(dest, cache, tag)).isZero();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private int deployFully(Path dest, Path cache, String tag) throws Exception {
        Process p = start(dest, cache, tag);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("deploy did not finish");
        }
        return p.exitValue();
    }

    private Process start(Path dest, Path cache, String tag) throws Exception {
        Path config = tmp.resolve("config-" + tag + ".yml");
        if (!Files.exists(config)) {
            Files.writeString(config, "- repo_url: " + tmp.resolve("git/big.git").toUri() + "\n  branch: " + tag
                    + "\n  source_dir: nb\n  dest_sub_dir: eo\n");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NotebookDeployerCommand.class.getName(),
                "--dest", dest.toString(), "--cache-dir", cache.toString(), config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    }
}
