package ca.crim.pavics.jupyter.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.deploy.DeployLock;
import ca.crim.pavics.jupyter.testsupport.GitFixture;
import ca.crim.pavics.jupyter.testsupport.GitHttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployerCliTest {
    @TempDir
    Path tmp;

    Path dest;
    Path cache;
    GitFixture repo;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        dest = Files.createDirectories(tmp.resolve("dest"));
        cache = tmp.resolve("cache");
        repo = GitFixture.create(tmp.resolve("git"), "notebooks");
        repo.write("README.md", "not deployed\n")
                .write("eo/notebooks/intro.ipynb", "{\"cells\": []}\n")
                .write("eo/notebooks/data/table.csv", "a,b\n1,2\n")
                .write("eo/notebooks/run.sh", "#!/bin/sh\necho hi\n").executable("eo/notebooks/run.sh");
        repo.commit("first");
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NotebookDeployerCommand.run(env, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run deploy(String configYaml, String... extra) throws IOException {
        Path config = Files.writeString(tmp.resolve("notebook_config.yml"), configYaml);
        String[] args = Stream.concat(Stream.of("--dest", dest.toString(), "--cache-dir", cache.toString(), config.toString()),
                Stream.of(extra)).toArray(String[]::new);
        return run(Map.of(), args);
    }

    private String entry(String url, String branch, String source, String destSub) {
        return "- repo_url: " + url + "\n  branch: " + branch + "\n  source_dir: " + source + "\n  dest_sub_dir: " + destSub + "\n";
    }

    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        Path real = root.toRealPath();
        try (Stream<Path> walk = Files.walk(real)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(real.relativize(p).toString(), new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
                } else if (Files.isSymbolicLink(p)) {
                    files.put(real.relativize(p).toString(), "-> " + Files.readSymbolicLink(p));
                }
            }
        }
        return files;
    }

    @Test
    void deploysUpdatesAndDeletesLikeRsyncKeepingUnchangedFiles() throws Exception {
        Run first = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("eo: " + repo.fileUrl() + " main:eo/notebooks at ", "3 added, 0 updated, 0 removed");
        assertThat(tree(dest.resolve("eo"))).containsOnlyKeys("intro.ipynb", "data/table.csv", "run.sh");
        assertThat(Files.isSymbolicLink(dest.resolve("eo"))).as("swapped in through a link").isTrue();
        assertThat(Files.isExecutable(dest.resolve("eo/run.sh"))).isTrue();
        Path intro = dest.resolve("eo/intro.ipynb");
        Files.setLastModifiedTime(intro, FileTime.fromMillis(1_000_000_000L));
        Object inode = Files.getAttribute(intro, "unix:ino");

        repo.write("eo/notebooks/data/table.csv", "a,b\n3,4\n").delete("eo/notebooks/run.sh").write("eo/notebooks/new.md", "x\n");
        repo.commit("second");
        Files.writeString(dest.resolve("eo/extraneous.txt"), "made by a user\n");
        Run second = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("1 added, 1 updated, 2 removed");
        assertThat(tree(dest.resolve("eo"))).isEqualTo(Map.of("intro.ipynb", "{\"cells\": []}\n",
                "data/table.csv", "a,b\n3,4\n", "new.md", "x\n"));
        assertThat(Files.getLastModifiedTime(dest.resolve("eo/intro.ipynb")).toMillis()).isEqualTo(1_000_000_000L);
        assertThat(Files.getAttribute(dest.resolve("eo/intro.ipynb"), "unix:ino")).isEqualTo(inode);

        Run third = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(third.out()).contains("0 added, 0 updated, 0 removed, 0 bytes written (up to date)");
        try (Stream<Path> versions = Files.list(dest.resolve(".eo.versions"))) {
            assertThat(versions.map(p -> p.getFileName().toString()).sorted().toList()).as("old versions are removed")
                    .hasSize(2).satisfies(l -> assertThat(l.get(1)).isEqualTo(l.get(0) + ".manifest"));
        }
    }

    @Test
    void localChangesAreUndoneEvenWhenTheCommitIsTheSame() throws Exception {
        repo.write("eo/notebooks/tab\tand\nnewline.md", "odd name\n").commit("odd name");
        Run first = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, String> deployed = tree(dest.resolve("eo"));
        assertThat(deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo")).out()).contains("(up to date)");

        // an edit that keeps the size and puts the time back: only ctime tells
        Path table = dest.resolve("eo/data/table.csv");
        FileTime time = Files.getLastModifiedTime(table);
        Files.writeString(table, "a,b\n9,9\n");
        Files.setLastModifiedTime(table, time);
        Run edited = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(edited.out()).contains("0 added, 1 updated, 0 removed");
        assertThat(tree(dest.resolve("eo"))).isEqualTo(deployed);

        Files.writeString(dest.resolve("eo/data/extra.csv"), "x\n");
        Files.delete(dest.resolve("eo/intro.ipynb"));
        Files.setPosixFilePermissions(dest.resolve("eo/run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run messy = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(messy.out()).contains("1 added, 1 updated, 1 removed");
        assertThat(tree(dest.resolve("eo"))).isEqualTo(deployed);
        assertThat(Files.isExecutable(dest.resolve("eo/run.sh"))).isTrue();
        assertThat(deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo")).out()).contains("0 added, 0 updated, 0 removed",
                "(up to date)");

        // deployed from the commit the remote advertises, untouched: known without the cache
        ca.crim.pavics.jupyter.image.FileTrees.delete(cache);
        Run fromTheCommitAlone = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(fromTheCommitAlone.out()).contains("(up to date)");
        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left).as("no repository opened").isEmpty();
        }
    }

    @Test
    void aHandOffCheckStopsSilentlyBeforeFetchingAndOtherwiseDeploysAsUsual() throws Exception {
        Path config = Files.writeString(tmp.resolve("notebook_config.yml"), entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        String[] args = {"--dest", dest.toString(), "--cache-dir", cache.toString(), config.toString()};
        Map<String, String> check = Map.of("NOTEBOOK_DEPLOYER_HANDOFF", "1");
        Run first = run(check, args);
        assertThat(first.code()).as(first.err()).isEqualTo(75);
        assertThat(first.out() + first.err()).as("nothing printed").isEmpty();
        assertThat(dest.resolve("eo")).as("nothing deployed").doesNotExist();

        assertThat(run(Map.of(), args).code()).isZero();
        Run unchanged = run(check, args);
        assertThat(unchanged.code()).isZero();
        assertThat(unchanged.out()).contains("start:", "(up to date)", "end: 1 of 1 entries deployed");

        repo.write("eo/notebooks/new.md", "new\n").commit("new");
        Map<String, String> before = tree(dest.resolve("eo"));
        Run changed = run(check, args);
        assertThat(changed.code()).isEqualTo(75);
        assertThat(changed.out() + changed.err()).isEmpty();
        assertThat(tree(dest.resolve("eo"))).isEqualTo(before);
        assertThat(run(Map.of(), args).out()).contains("1 added, 0 updated, 0 removed");
    }

    @Test
    void aCommitThatLeavesTheFolderAloneChangesNothing() throws Exception {
        deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        Object inode = Files.getAttribute(dest.resolve("eo/intro.ipynb"), "unix:ino");
        repo.write("README.md", "changed outside the deployed folder\n").commit("readme");
        Run run = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(run.out()).contains("0 added, 0 updated, 0 removed", "(up to date)");
        assertThat(Files.getAttribute(dest.resolve("eo/intro.ipynb"), "unix:ino")).isEqualTo(inode);
    }

    @Test
    void tagsAndCommitsPinTheContent() throws Exception {
        repo.tag("v1");
        String first = repo.commit("empty");
        repo.write("eo/notebooks/intro.ipynb", "{\"cells\": [1]}\n").commit("moved on");
        Run run = deploy(entry(repo.fileUrl(), "v1", "eo/notebooks", "tagged")
                + entry(repo.fileUrl(), first.substring(0, 10), "eo/notebooks", "commit")
                + entry(repo.fileUrl(), "main", "eo/notebooks", "branch"));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(tree(dest.resolve("tagged")).get("intro.ipynb")).isEqualTo("{\"cells\": []}\n");
        assertThat(tree(dest.resolve("commit")).get("intro.ipynb")).isEqualTo("{\"cells\": []}\n");
        assertThat(tree(dest.resolve("branch")).get("intro.ipynb")).isEqualTo("{\"cells\": [1]}\n");
    }

    @Test
    void overHttpSeveralEntriesOfOneRepositoryAreFetchedOnce() throws Exception {
        try (GitHttpServer server = GitHttpServer.start(tmp.resolve("git"))) {
            String url = server.url("notebooks.git");
            Run run = deploy(entry(url, "main", "eo/notebooks", "eo") + entry(url, "main", "eo/notebooks/data", "data"));
            assertThat(run.code()).as(run.err() + run.out()).isZero();
            assertThat(tree(dest.resolve("data"))).containsOnlyKeys("table.csv");
            assertThat(server.uploadPackRequests()).as("one fetch for both entries").isEqualTo(1);
            repo.write("eo/notebooks/more.md", "more\n").commit("more");
            Run again = deploy(entry(url, "main", "eo/notebooks", "eo"));
            assertThat(again.out()).contains("1 added, 0 updated, 0 removed");
        }
    }

    @Test
    void aFailingEntryKeepsItsOldTreeAndTheOthersAreDeployed() throws Exception {
        deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        Map<String, String> before = tree(dest.resolve("eo"));
        Run run = deploy(entry(repo.fileUrl(), "no-such-branch", "eo/notebooks", "eo")
                + entry(repo.fileUrl(), "main", "eo/notebooks/data", "data")
                + entry(tmp.resolve("missing.git").toUri().toString(), "main", "x", "gone"));
        assertThat(run.code()).isEqualTo(4);
        assertThat(run.err()).contains("eo: FAILED, old tree kept: no branch, tag or commit 'no-such-branch' in " + repo.fileUrl(),
                "gone: FAILED, old tree kept: cannot reach");
        assertThat(tree(dest.resolve("eo"))).isEqualTo(before);
        assertThat(tree(dest.resolve("data"))).containsOnlyKeys("table.csv");
        Run missingFolder = deploy(entry(repo.fileUrl(), "main", "not/there", "eo"));
        assertThat(missingFolder.code()).isEqualTo(4);
        assertThat(missingFolder.err()).contains("no folder 'not/there'");
        assertThat(tree(dest.resolve("eo"))).isEqualTo(before);
    }

    @Test
    void attackCorpusNeverTouchesAnythingOutsideTheDestination() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "keep\n");
        repo.symlink("eo/notebooks/passwd", "/etc/passwd")
                .symlink("eo/notebooks/up", "../../README.md")
                .symlink("eo/notebooks/inside", "data/table.csv");
        repo.commit("links");
        Run links = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(links.code()).as(links.err()).isZero();
        assertThat(links.err()).contains("skipped link passwd -> /etc/passwd", "skipped link up -> ../../README.md");
        assertThat(tree(dest.resolve("eo"))).containsEntry("inside", "-> data/table.csv").doesNotContainKeys("passwd", "up");

        for (String bad : new String[] {"../outside", "/tmp", "a/../../outside"}) {
            Run refused = deploy(entry(repo.fileUrl(), "main", bad, "x"));
            assertThat(refused.code()).as(bad).isEqualTo(1);
            Run refusedDest = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", bad));
            assertThat(refusedDest.code()).as(bad).isEqualTo(1);
            assertThat(refusedDest.err()).contains("notebook_config.yml:4:");
        }
        Files.createSymbolicLink(dest.resolve("linked"), outside);
        Run viaLink = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "linked"));
        assertThat(viaLink.code()).isEqualTo(4);
        assertThat(viaLink.err()).contains("linked is a link to " + outside + " that this tool did not make: refused");
        Files.createSymbolicLink(dest.resolve("parent"), outside);
        Run viaParent = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "parent/sub"));
        assertThat(viaParent.code()).isEqualTo(4);
        assertThat(viaParent.err()).contains("parent is not a folder (a link or a file): refused");
        Files.writeString(dest.resolve("wasfile"), "a file where a folder goes\n");
        Run fileWasThere = deploy(entry(repo.fileUrl(), "main", "eo/notebooks/data", "wasfile"));
        assertThat(fileWasThere.code()).as(fileWasThere.err()).isZero();
        assertThat(tree(dest.resolve("wasfile"))).containsOnlyKeys("table.csv");
        assertThat(tree(outside)).isEqualTo(Map.of("secret.txt", "keep\n"));
    }

    @Test
    void contractOfTheOldScript() throws Exception {
        Path config = Files.writeString(tmp.resolve("notebook_config.yml"), entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
        assertThat(run(Map.of(), config.toString()).code()).as("no destination").isEqualTo(2);
        assertThat(run(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString())).code()).as("no config").isEqualTo(2);
        Path empty = Files.writeString(tmp.resolve("empty.yml"), "# nothing\n");
        Run emptyRun = run(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString()), empty.toString());
        assertThat(emptyRun.code()).isEqualTo(1);
        assertThat(emptyRun.err()).contains(empty + ": empty config");
        Path log = tmp.resolve("deploy.log");
        Map<String, String> env = new HashMap<>(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString(),
                "DEPLOY_DATA_LOGFILE", log.toString(), "DEPLOY_DATA_CHECKOUT_CACHE", cache.toString()));
        Files.writeString(log, "earlier line\n");
        Run ok = run(env, config.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        String logged = Files.readString(log);
        assertThat(logged).startsWith("earlier line\n").contains("notebook-deployer: start: ", "notebook-deployer: end: 1 of 1 entries deployed");
        assertThat(Files.list(cache).count()).as("persistent cache used").isEqualTo(1);
    }

    @Test
    void dryRunListsChangesAndChangesNothing() throws Exception {
        Run run = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"), "--dry-run");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("eo: would + intro.ipynb", "(dry run: nothing changed)");
        assertThat(dest.resolve("eo")).doesNotExist();
    }

    @Test
    void aSecondRunOnTheSameDestinationIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        try (DeployLock held = DeployLock.tryAcquire(dest).orElseThrow()) {
            Run run = deploy(entry(repo.fileUrl(), "main", "eo/notebooks", "eo"));
            assertThat(run.code()).isEqualTo(3);
            assertThat(run.err()).contains("another notebook-deployer run holds");
        }
    }
}
