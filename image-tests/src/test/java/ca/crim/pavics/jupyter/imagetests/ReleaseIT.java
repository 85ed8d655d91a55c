package ca.crim.pavics.jupyter.imagetests;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.RepositoryCopy;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Releases images of a copy of this repository with the real maven-release-plugin commands, from a fresh
 * clone of a local bare remote, with a local Maven repository that has never seen this project (third-party
 * artifacts come read-only from ~/.m2 as a tail repository).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseIT {
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private Path work;
    private Path remote;
    private RepositoryCopy clone;
    private LocalRegistry registry;
    private String baseImage;
    private Map<String, String> mavenEnv;
    private String start;

    @BeforeAll
    void createRemoteAndClone() throws IOException {
        for (String[] tool : new String[][] {{"git", "git"}, {"skopeo", "skopeo"}, {"docker-registry", "docker-registry"},
                {"busybox", "busybox-static"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("release-it");
        RepositoryCopy source = RepositoryCopy.create(work.resolve("source"));
        remote = work.resolve("remote.git");
        Path pom = source.root().resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("scm:git:https://github.com/crim-ca/pavics-jupyter-images.git",
                "scm:git:" + remote.toUri()));
        source.git("commit", "-q", "-am", "scm: the local remote of this test");
        source.git("clone", "-q", "--bare", source.root().toString(), remote.toString());
        clone = RepositoryCopy.cloneOf(remote.toUri().toString(), work.resolve("clone"));
        // the release plugin commits with the git command line: give the clone an identity of its own
        clone.git("config", "user.name", "Release Test");
        clone.git("config", "user.email", "release-test@example.org");
        start = clone.git("rev-parse", "HEAD");
        Path head = Files.createDirectories(work.resolve("m2"));
        mavenEnv = Map.of("MAVEN_OPTS", "-Dmaven.repo.local=" + head + " -Dmaven.repo.local.tail="
                + Path.of(System.getProperty("user.home"), ".m2", "repository"));
        registry = LocalRegistry.start(work);
        baseImage = SyntheticBaseImage.pushTo(registry, work);
    }

    @AfterAll
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private Processes.Result mvn(String... args) {
        return clone.maven(LIMIT, mavenEnv, args);
    }

    private String show(String rev, String path) {
        return clone.git("show", rev + ":" + path);
    }

    private List<String> remoteTags() {
        return clone.git("ls-remote", "--tags", remote.toUri().toString()).lines()
                .map(l -> l.replaceAll(".*refs/tags/", "")).filter(t -> !t.endsWith("^{}")).sorted().toList();
    }

    private List<String> localTags() {
        String out = clone.git("tag", "--list");
        return out.isEmpty() ? List.of() : out.lines().sorted().toList();
    }

    private void assertUntouchedAfterRefusal(Processes.Result result, String reason, String head) {
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("refused: " + reason);
        assertThat(clone.git("rev-parse", "HEAD")).isEqualTo(head);
        assertThat(clone.git("status", "--porcelain")).isEmpty();
        assertThat(clone.root().resolve("eo/release.properties")).doesNotExist();
        assertThat(clone.root().resolve("eo/pom.xml.releaseBackup")).doesNotExist();
    }

    @Test
    @Order(1)
    void prepareReleasesOnlyTheModuleWithItsChangelogAndPushes() {
        String unreleased = show("HEAD", "eo/CHANGELOG.md");
        Processes.Result result = mvn("-pl", "eo", "release:prepare", "-DreleaseVersion=0.5.0",
                "-DdevelopmentVersion=0.5.1-SNAPSHOT");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).as("the fork builds the tooling of this commit")
                .contains("Building jupyter-image-maven-plugin 1", "Building release-extension 1");

        assertThat(remoteTags()).containsExactly("eo-0.5.0");
        assertThat(clone.git("rev-list", "--count", start + "..HEAD")).isEqualTo("2");
        assertThat(clone.git("ls-remote", remote.toUri().toString(), "refs/heads/main"))
                .startsWith(clone.git("rev-parse", "HEAD"));
        assertThat(clone.git("diff", "--name-only", start, "eo-0.5.0").lines())
                .containsExactlyInAnyOrder("eo/CHANGELOG.md", "eo/pom.xml");
        assertThat(clone.git("diff", "--name-only", start, "HEAD").lines())
                .containsExactlyInAnyOrder("eo/CHANGELOG.md", "eo/pom.xml");
        assertThat(show("eo-0.5.0", "eo/pom.xml")).contains("<version>0.5.0</version>");
        assertThat(show("HEAD", "eo/pom.xml")).contains("<version>0.5.1-SNAPSHOT</version>");
        for (String pom : List.of("pom.xml", "base-config/pom.xml", "nlp/pom.xml")) {
            assertThat(show("eo-0.5.0", pom)).as(pom).isEqualTo(show(start, pom));
        }
        String released = show("eo-0.5.0", "eo/CHANGELOG.md");
        String section = "## 0.5.0 (" + LocalDate.now() + ")";
        assertThat(released).contains("## Unreleased (latest)\n\nChanges:\n- n/a\n\nFixes:\n- n/a\n\n" + section + "\n\nChanges:\n"
                + "- The image is built by the Maven monorepo with Jib");
        assertThat(released.indexOf(section)).isLessThan(released.indexOf("## 0.4.0 (2024-03-08)"));
        assertThat(released.replace("## Unreleased (latest)\n\nChanges:\n- n/a\n\nFixes:\n- n/a\n\n" + section,
                "## Unreleased (latest)")).isEqualTo(unreleased);
        assertThat(show("HEAD", "eo/CHANGELOG.md")).isEqualTo(released);
        assertThat(show("HEAD", "nlp/CHANGELOG.md")).isEqualTo(show(start, "nlp/CHANGELOG.md"));
    }

    @Test
    @Order(2)
    void performPublishesTheVersionAndLatest() throws IOException {
        Processes.Result result = mvn("-pl", "eo", "release:perform", "-Darguments=-Dimage.registry=" + registry.address()
                + " -Djib.allowInsecureRegistries=true -Dbase.image=" + baseImage);
        assertThat(result.exitCode()).as(result.output()).isZero();
        String repository = "docker://" + registry.address() + "/pavics/crim-jupyter-eo";
        assertThat(Skopeo.listTags(repository)).containsExactlyInAnyOrder("0.5.0", "latest");
        assertThat(Skopeo.inspectConfig(repository + ":latest").path("config").path("Labels")
                .path("org.opencontainers.image.version").asText()).isEqualTo("0.5.0");

        Processes.Result clean = mvn("-pl", "eo", "release:clean");
        assertThat(clean.exitCode()).as(clean.output()).isZero();
        assertThat(clone.root().resolve("eo/release.properties")).doesNotExist();
        assertThat(clone.root().resolve("eo/pom.xml.releaseBackup")).doesNotExist();
        assertThat(clone.git("status", "--porcelain")).isEmpty();
    }

    @Test
    @Order(3)
    void aSecondPrepareWithoutNewEntriesIsRefused() {
        String head = clone.git("rev-parse", "HEAD");
        Processes.Result result = mvn("-pl", "eo", "release:prepare");
        assertUntouchedAfterRefusal(result,
                "eo/CHANGELOG.md: its 'Unreleased (latest)' section has no entry (only n/a): write what changed first", head);
        assertThat(remoteTags()).containsExactly("eo-0.5.0");
        assertThat(show("HEAD", "eo/pom.xml")).contains("<version>0.5.1-SNAPSHOT</version>");
    }

    @Test
    @Order(4)
    void aDryRunChangesNothing() throws IOException {
        addChangelogEntry("- Tutorial notebook on Sentinel-2 tiles.");
        String head = clone.git("rev-parse", "HEAD");
        String changelog = Files.readString(clone.root().resolve("eo/CHANGELOG.md"));
        Processes.Result result = mvn("-pl", "eo", "release:prepare", "-DdryRun");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Dry run: CHANGELOG.md would get 1 entries under 0.5.1 (");
        assertThat(clone.git("rev-parse", "HEAD")).isEqualTo(head);
        assertThat(Files.readString(clone.root().resolve("eo/CHANGELOG.md"))).isEqualTo(changelog);
        assertThat(clone.git("status", "--porcelain")).isEmpty();
        assertThat(remoteTags()).containsExactly("eo-0.5.0");
        assertThat(localTags()).containsExactly("eo-0.5.0");

        assertThat(mvn("-pl", "eo", "release:clean").exitCode()).isZero();
        assertThat(clone.git("status", "--porcelain", "--ignored", "eo").lines().filter(l -> !l.contains("target/")))
                .as("release:clean leaves nothing behind").isEmpty();
    }

    @Test
    @Order(5)
    void aDirtyWorkingTreeAnywhereInTheRepositoryIsRefused() throws IOException {
        String head = clone.git("rev-parse", "HEAD");
        Path readme = clone.root().resolve("nlp/README.md");
        Files.writeString(readme, "local edit\n", java.nio.file.StandardOpenOption.APPEND);
        try {
            Processes.Result result = mvn("-pl", "eo", "release:prepare");
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("refused: the working tree of the repository is not clean (nlp/README.md)");
            assertThat(clone.git("status", "--porcelain")).isEqualTo("M nlp/README.md");
            assertThat(clone.git("rev-parse", "HEAD")).isEqualTo(head);
            assertThat(clone.root().resolve("eo/release.properties")).doesNotExist();
        } finally {
            clone.git("checkout", "--", "nlp/README.md");
        }
    }

    @Test
    @Order(6)
    void anExistingTagIsRefused() {
        String head = clone.git("rev-parse", "HEAD");
        clone.git("push", "-q", "origin", "HEAD:refs/tags/eo-0.5.1");
        try {
            assertUntouchedAfterRefusal(mvn("-pl", "eo", "release:prepare"),
                    "tag eo-0.5.1 already exists on " + remote.toUri().toString().replaceAll("/$", ""), head);
        } finally {
            clone.git("push", "-q", "origin", ":refs/tags/eo-0.5.1");
        }
        clone.git("tag", "eo-0.5.1");
        try {
            assertUntouchedAfterRefusal(mvn("-pl", "eo", "release:prepare"), "tag eo-0.5.1 already exists in this clone", head);
        } finally {
            clone.git("tag", "-d", "eo-0.5.1");
        }
    }

    @Test
    @Order(7)
    void rollbackLeavesTheRepositoryAsBefore() {
        String before = clone.git("rev-parse", "HEAD");
        Processes.Result prepare = mvn("-pl", "eo", "release:prepare");
        assertThat(prepare.exitCode()).as(prepare.output()).isZero();
        assertThat(remoteTags()).containsExactly("eo-0.5.0", "eo-0.5.1");
        assertThat(show("HEAD", "eo/pom.xml")).contains("<version>0.5.2-SNAPSHOT</version>");

        Processes.Result rollback = mvn("-pl", "eo", "release:rollback");
        assertThat(rollback.exitCode()).as(rollback.output()).isZero();
        assertThat(clone.git("diff", before, "HEAD")).as("versions and CHANGELOG restored").isEmpty();
        assertThat(remoteTags()).containsExactly("eo-0.5.0");
        assertThat(localTags()).containsExactly("eo-0.5.0");
        assertThat(clone.git("ls-remote", remote.toUri().toString(), "refs/heads/main"))
                .startsWith(clone.git("rev-parse", "HEAD"));
        assertThat(clone.git("status", "--porcelain")).isEmpty();
        assertThat(mvn("-pl", "eo", "release:clean").exitCode()).isZero();
    }

    @Test
    @Order(8)
    void nlpIsReleasedIndependentlyAndTheTagsCoexist() {
        String before = clone.git("rev-parse", "HEAD");
        Processes.Result result = mvn("-pl", "nlp", "release:prepare");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(remoteTags()).containsExactly("eo-0.5.0", "nlp-0.6.0");
        assertThat(clone.git("diff", "--name-only", before, "HEAD").lines()).containsExactlyInAnyOrder("nlp/CHANGELOG.md", "nlp/pom.xml");
        assertThat(show("nlp-0.6.0", "nlp/pom.xml")).contains("<version>0.6.0</version>");
        assertThat(show("HEAD", "nlp/pom.xml")).contains("<version>0.6.1-SNAPSHOT</version>");
    }

    private void addChangelogEntry(String entry) throws IOException {
        Path file = clone.root().resolve("eo/CHANGELOG.md");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replaceFirst("## Unreleased \\(latest\\)\n\nChanges:\n- n/a\n",
                "## Unreleased (latest)\n\nChanges:\n" + entry + "\n"));
        clone.git("commit", "-q", "-am", "eo: changelog entry");
        clone.git("push", "-q", "origin", "HEAD");
    }

}
