package ca.crim.pavics.jupyter.imagetests;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.LockedEnvironmentFixture;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.RepositoryCopy;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.SimpleIndexWriter;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.WheelBuilder;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import ca.crim.pavics.jupyter.testsupport.Umoci;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Builds the real eo and nlp modules with Maven, as a user would, against a synthetic base image in a local
 * registry, then checks the images with skopeo, umoci and chroot — never with our own code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageModulesIT {
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(10);
    private static final String LABEL_NOTEBOOK_CONFIG = "ca.crim.pavics.jupyter.notebook-config";

    private Path work;
    private LocalRegistry registry;
    private String baseImage;
    private RepositoryCopy repo;
    private final Map<String, String> firstDigests = new java.util.HashMap<>();

    @BeforeAll
    void startRegistryAndCopyRepository() throws IOException {
        for (String[] tool : new String[][] {{"skopeo", "skopeo"}, {"umoci", "umoci"}, {"busybox", "busybox-static"},
                {"docker-registry", "docker-registry"}, {"git", "git"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("image-modules-it");
        registry = LocalRegistry.start(work);
        baseImage = SyntheticBaseImage.pushTo(registry, work);
        repo = RepositoryCopy.create(work.resolve("repo"));
    }

    @AfterAll
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private Processes.Result build(String... args) {
        List<String> all = new ArrayList<>(List.of("-DskipTests", "-Dmaven.install.skip=true",
                "-Djib.allowInsecureRegistries=true", "-Dbase.image=" + baseImage));
        all.addAll(List.of(args));
        return repo.maven(BUILD_LIMIT, all.toArray(String[]::new));
    }

    /**
     * Writes the locked-environment fixture under {@code served} (served by {@code channel}), installs the tooling
     * (a goal run on its own needs it in the local repository) and snapshots the base into base-config.
     */
    private LockedEnvironmentFixture.Files_ fixtureAndSnapshot(Path served, StaticHttpServer channel) throws IOException {
        LockedEnvironmentFixture.Files_ fixture = LockedEnvironmentFixture.write(served.resolve("eo"), channel.url() + "/eo",
                ca.crim.pavics.jupyter.testsupport.TestData.condaReal());
        Processes.Result tooling = repo.maven(BUILD_LIMIT, "-q", "install", "-DskipTests", "-pl",
                "jupyter-image-maven-plugin", "-am");
        assertThat(tooling.exitCode()).as(tooling.output()).isZero();
        Processes.Result snap = repo.maven(BUILD_LIMIT, "-pl", "base-config", "jupyter-image:snapshot",
                "-Dbase.image=" + baseImage, "-Djib.allowInsecureRegistries=true");
        assertThat(snap.exitCode()).as(snap.output()).isZero();
        return fixture;
    }

    private String imageRef(String module, String version) {
        return registry.address() + "/pavics/crim-jupyter-" + module + ":" + version;
    }

    private String version(String module) {
        return module.equals("eo") ? "0.5.0-SNAPSHOT" : "0.6.0-SNAPSHOT";
    }

    @Test
    @Order(1)
    void installWithARegistryPushesEveryImage() {
        Processes.Result result = build("-pl", "eo,nlp", "-am", "install", "-Dimage.registry=" + registry.address());
        assertThat(result.exitCode()).as(result.output()).isZero();
        for (String module : List.of("eo", "nlp")) {
            Path digest = repo.root().resolve(module + "/target/jib-image.digest");
            assertThat(digest).exists();
            assertThat(repo.root().resolve(module + "/target/jib-image.json")).exists();
            firstDigests.put(module, readString(digest).trim());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"eo, CPL_ZIP_ENCODING=UTF-8, eo-crim", "nlp, LANG=C.UTF-8, nlp-crim"})
    @Order(2)
    void imageConfigHasUserEnvLabelsAndTheBaseCommand(String module, String env, String selectionName) throws IOException {
        String ref = "docker://" + imageRef(module, version(module));
        JsonNode config = Skopeo.inspectConfig(ref).path("config");
        assertThat(config.path("User").asText()).isEqualTo("jenkins");
        List<String> envs = new ArrayList<>();
        config.path("Env").forEach(e -> envs.add(e.asText()));
        assertThat(envs).contains(SyntheticBaseImage.PATH_ENV, env);
        List<String> cmd = new ArrayList<>();
        config.path("Cmd").forEach(c -> cmd.add(c.asText()));
        assertThat(cmd).as("CMD inherited from the base").isEqualTo(SyntheticBaseImage.CMD);
        assertThat(config.path("Entrypoint").isMissingNode() || config.path("Entrypoint").isNull()
                || config.path("Entrypoint").isEmpty()).as("no entrypoint of Jib's own").isTrue();

        JsonNode labels = config.path("Labels");
        assertThat(labels.path(LABEL_NOTEBOOK_CONFIG).asText())
                .isEqualTo(readString(repo.root().resolve(module + "/notebook_config.yml")));
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("crim-jupyter-" + module);
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(version(module));
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(repo.git("rev-parse", "HEAD"));
        assertThat(labels.path("org.opencontainers.image.source").asText()).isEqualTo("https://github.com/crim-ca/pavics-jupyter-images");
        assertThat(labels.path("org.opencontainers.image.description").asText()).isNotBlank().doesNotContain("${");
        assertThat(labels.path("ca.crim.pavics.jupyter.selection-name").asText()).isEqualTo(selectionName);

        assertThat(Skopeo.inspect(ref).path("Digest").asText())
                .as("target/jib-image.digest is the pushed image")
                .isEqualTo(readString(repo.root().resolve(module + "/target/jib-image.digest")).trim());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"eo", "nlp"})
    @Order(3)
    void unpackedImageHasTheModuleFilesAtTheRootAndNoJavaApp(String module) throws IOException {
        Path rootfs = Umoci.unpack("docker://" + imageRef(module, version(module)), work, module);
        for (String file : List.of("environment.yml", "notebook_config.yml")) {
            assertThat(rootfs.resolve(file)).hasSameBinaryContentAs(repo.root().resolve(module).resolve(file));
        }
        assertThat(rootfs.resolve("app")).doesNotExist();
        assertThat(rootfs.resolve("opt/conda/envs/birdy/conda-meta/" + SyntheticBaseImage.PYTHON_RECORD))
                .as("base layers kept").exists();
        assertThat(Files.isSymbolicLink(rootfs.resolve("bin/sh"))).isTrue();

        ExternalTools.requireRoot("chroot into the unpacked image");
        Processes.Result cat = Processes.run(work, Duration.ofMinutes(1),
                List.of("chroot", rootfs.toString(), "/bin/sh", "-c", "cat /notebook_config.yml"));
        assertThat(cat.exitCode()).as(cat.output()).isZero();
        assertThat(cat.output()).isEqualTo(readString(repo.root().resolve(module + "/notebook_config.yml")));
    }

    @Test
    @Order(4)
    void twoCleanBuildsGiveTheSameDigest() {
        assertThat(firstDigests).containsKey("eo");
        Processes.Result result = build("-pl", "eo", "-am", "clean", "install", "-Dimage.registry=" + registry.address());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(readString(repo.root().resolve("eo/target/jib-image.digest")).trim()).isEqualTo(firstDigests.get("eo"));
    }

    @Test
    @Order(5)
    void installWithoutARegistryWritesADockerLoadableTarball() throws IOException {
        Processes.Result result = build("-pl", "eo", "-am", "install");
        assertThat(result.exitCode()).as(result.output()).isZero();
        Path tar = repo.root().resolve("eo/target/jib-image.tar");
        assertThat(tar).exists();
        assertThat(repo.root().resolve("eo/target/jib-image.digest")).exists();
        JsonNode config = Skopeo.inspectConfig("docker-archive:" + tar).path("config");
        assertThat(config.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo("0.5.0-SNAPSHOT");
        assertThat(config.path("User").asText()).isEqualTo("jenkins");
        List<String> entries = Processes.runOk(work, Duration.ofMinutes(1), List.of("tar", "-tf", tar.toString()))
                .output().lines().toList();
        assertThat(entries).as("docker save layout").contains("manifest.json", "config.json");
    }

    @Test
    @Order(5)
    void deployPublishesToTheConfiguredRegistryAndNamespace() throws IOException {
        Processes.Result result = build("-pl", "eo", "-am", "deploy",
                "-Dimage.deploy.registry=" + registry.address(), "-Dimage.namespace=published");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Skopeo.listTags("docker://" + registry.address() + "/published/crim-jupyter-eo"))
                .containsExactly("0.5.0-SNAPSHOT");
    }

    @Test
    @Order(6)
    void unreachableBaseRegistryFailsFastNamingTheBaseImageAndTheFix() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "127.0.0.1:" + closedPort + "/birdhouse/pavics-jupyter-base:0.5.0";
        Processes.Result result = repo.maven(BUILD_LIMIT, "-DskipTests", "-Dmaven.install.skip=true",
                "-Dbase.image=" + unreachable, "-pl", "eo", "-am", "install");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("Cannot reach the registry of base image " + unreachable)
                .contains("-Dbase.image=")
                .doesNotContain("Containerizing")
                .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
    }

    @Test
    @Order(7)
    void badImageFilesFailTheBuildWithFileLineAndColumn() throws IOException {
        Path eoConfig = repo.root().resolve("eo/notebook_config.yml");
        Path nlpChangelog = repo.root().resolve("nlp/CHANGELOG.md");
        String saved = readString(eoConfig);
        byte[] changelog = Files.readAllBytes(nlpChangelog);
        try {
            Files.writeString(eoConfig, "- repo_url: https://example.org/r.git\n  branch: main\n  source_dir: ../../etc\n");
            Files.delete(nlpChangelog);
            Processes.Result result = repo.maven(BUILD_LIMIT, "-DskipTests", "--fail-at-end", "-pl", "eo,nlp", "-am", "verify");
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output())
                    .contains(eoConfig + ":3:15: source_dir must not contain '..': '../../etc'")
                    .contains("An image module needs environment.yml, notebook_config.yml and CHANGELOG.md")
                    .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
        } finally {
            Files.writeString(eoConfig, saved);
            Files.write(nlpChangelog, changelog);
        }
    }

    @Test
    @Order(8)
    void theNotebookDeployerImageRunsTheCliAsAnUnprivilegedUser() throws IOException {
        Processes.Result result = build("-pl", "notebook-deployer", "-am", "install", "-Dimage.registry=" + registry.address(),
                "-Ddeployer.base.image=" + baseImage);
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode config = Skopeo.inspectConfig("docker://" + registry.address() + "/pavics/crim-jupyter-notebook-deployer:1")
                .path("config");
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).containsExactly("/bin/sh", "/app/bin/notebook-deployer");
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("JAVA_OPTS=-XX:MaxRAMPercentage=75");
        assertThat(config.path("User").asText()).isEqualTo("1000:1000");
        assertThat(config.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("crim-jupyter-notebook-deployer");
        Path rootfs = Umoci.unpack("docker://" + registry.address() + "/pavics/crim-jupyter-notebook-deployer:1", work, "deployer");
        assertThat(rootfs.resolve("app/bin/notebook-deployer")).hasSameTextualContentAs(repo.root().resolve("notebook-deployer/bin/notebook-deployer"));
        assertThat(Files.isExecutable(rootfs.resolve("app/bin/notebook-deployer"))).isTrue();
        assertThat(rootfs.resolve("app/bin/notebook-deployer-1-cli.jar")).as("the jar the launcher runs, beside it")
                .hasSameBinaryContentAs(repo.root().resolve("notebook-deployer/target/notebook-deployer-1-cli.jar"));
    }

    @Test
    @Order(9)
    void aLockMadeElsewhereIsAdoptedOverASnapshotOfTheBaseAndBuilt() throws IOException {
        Path served = Files.createDirectories(work.resolve("served"));
        Path eo = repo.root().resolve("eo");
        Path snapshot = repo.root().resolve("base-config/base-environment.json");
        try (StaticHttpServer channel = StaticHttpServer.serve(served)) {
            LockedEnvironmentFixture.Files_ fixture = fixtureAndSnapshot(served, channel);
            JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper().readTree(snapshot.toFile());
            String digest = Skopeo.inspect("docker://" + baseImage).path("Digest").asText();
            assertThat(written.path("image").path("digest").asText()).isEqualTo(digest);
            assertThat(written.path("system").path("glibc").asText()).isEqualTo(SyntheticBaseImage.GLIBC);
            assertThat(readString(repo.root().resolve("base-config/pom.xml")))
                    .contains("<base.image>" + baseImage + "@" + digest + "</base.image>");

            Files.copy(fixture.environmentFile(), eo.resolve("environment.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String lockText = readString(fixture.lockFile());
            Files.writeString(eo.resolve("conda-lock.yml"), lockText.replaceFirst("# environment.yml sha256: [0-9a-f]+\\n", ""));
            Processes.Result adopted = build("-pl", "eo", "jupyter-image:adopt-lock");
            assertThat(adopted.exitCode()).as(adopted.output()).isZero();
            assertThat(adopted.output()).contains("every spec of environment.yml is met; recorded '# environment.yml sha256: ");
            assertThat(readString(eo.resolve("conda-lock.yml"))).isEqualTo(lockText);

            Processes.Result result = build("-pl", "eo", "-am", "install", "-Dimage.registry=" + registry.address(),
                    "-Dimage.env.skip=false");
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("Environment image: " + registry.address() + "/pavics/crim-jupyter-eo-environment@sha256:");
            String ref = "docker://" + imageRef("eo", "0.5.0-SNAPSHOT");
            JsonNode labels = Skopeo.inspectConfig(ref).path("config").path("Labels");
            assertThat(labels.path("ca.crim.pavics.jupyter.environment").asText()).startsWith("installed from conda-lock.yml");
            assertThat(labels.path("ca.crim.pavics.jupyter.packages").asText()).as("inherited from the environment image")
                    .contains("conda genlib 1.0 h0_0").contains("pip genwheel 1.0");
            assertThat(labels.path(LABEL_NOTEBOOK_CONFIG).asText()).isNotEmpty();

            Path rootfs = Umoci.unpack(ref, work, "eo-locked");
            assertThat(rootfs.resolve("conda-lock.yml")).as("the lock beside /environment.yml").hasSameBinaryContentAs(eo.resolve("conda-lock.yml"));
            assertThat(rootfs.resolve("environment.yml")).hasSameBinaryContentAs(eo.resolve("environment.yml"));
            Path prefix = rootfs.resolve("opt/conda/envs/birdy");
            assertThat(prefix.resolve("etc/genlib.conf")).content().contains("prefix=/opt/conda/envs/birdy");
            assertThat(Files.isSymbolicLink(prefix.resolve("lib/libgen.so"))).isTrue();
            assertThat(prefix.resolve("lib/basepkg/old_only.txt")).as("the base's basepkg 1.0, replaced").doesNotExist();
            assertThat(prefix.resolve("conda-meta/genpy-1.0-pyh0_0.json")).exists();
            assertThat(rootfs.resolve("app")).doesNotExist();
            assertThat(Files.getAttribute(rootfs.resolve("opt/conda/pkgs/cache"), "unix:uid")).as("as the old Dockerfile made it")
                    .isEqualTo(1000);
            ExternalTools.requireRoot("chroot into the unpacked image");
            Processes.Result shell = Processes.run(work, Duration.ofMinutes(1), List.of("chroot", rootfs.toString(), "/bin/sh",
                    "-c", "cd /opt/conda/envs/birdy && cat etc/genlib.conf && test -x bin/genpy-cli && ls conda-meta"));
            assertThat(shell.exitCode()).as(shell.output()).isZero();
            assertThat(shell.output()).contains("prefix=/opt/conda/envs/birdy", "genlib-1.0-h0_0.json", "history");

            Processes.Result again = build("-pl", "eo", "-am", "install", "-Dimage.registry=" + registry.address(),
                    "-Dimage.env.skip=false");
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output()).contains("(unchanged, reused)");

            Processes.Result tarball = build("-pl", "eo", "-am", "install", "-Dimage.env.skip=false");
            assertThat(tarball.exitCode()).as(tarball.output()).isZero();
            JsonNode tarLabels = Skopeo.inspectConfig("docker-archive:" + eo.resolve("target/jib-image.tar")).path("config").path("Labels");
            assertThat(tarLabels.path("ca.crim.pavics.jupyter.packages").asText()).contains("conda genlib 1.0 h0_0");

            // a spec the lock does not meet: refused, the lock left as it was
            Files.writeString(eo.resolve("environment.yml"), readString(eo.resolve("environment.yml")).replace("genpy=1.0", "genpy>=2"));
            Processes.Result refused = build("-pl", "eo", "jupyter-image:adopt-lock");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output()).contains(eo.resolve("environment.yml") + ":").contains("'genpy>=2' is not met by genpy 1.0")
                    .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            assertThat(readString(eo.resolve("conda-lock.yml"))).isEqualTo(lockText);
        } finally {
            repo.git("checkout", "--", "eo/environment.yml", "base-config/pom.xml");
            Files.deleteIfExists(eo.resolve("conda-lock.yml"));
            Files.deleteIfExists(snapshot);
        }
    }

    @Test
    @Order(10)
    void eoIsLockedByOurSolverOverALocalChannelAndBuiltFromThatLock() throws IOException {
        Path served = Files.createDirectories(work.resolve("served-lock"));
        Path eo = repo.root().resolve("eo");
        Path snapshot = repo.root().resolve("base-config/base-environment.json");
        try (StaticHttpServer channel = StaticHttpServer.serve(served)) {
            LockedEnvironmentFixture.Files_ fixture = fixtureAndSnapshot(served, channel);
            ca.crim.pavics.jupyter.testsupport.ChannelIndexer.index(fixture.channel());
            String digest = Skopeo.inspect("docker://" + baseImage).path("Digest").asText();
            String channelUrl = channel.url() + "/eo/channel";
            Files.writeString(eo.resolve("environment.yml"), """
                    name: birdy
                    channels:
                      - %s
                    dependencies:
                      - genlib
                      - basepkg>=2
                      - genpy=1.0
                      - cph_test_data
                      - ca-certificates
                    """.formatted(channelUrl));
            String cache = "-Dlock.cacheDir=" + work.resolve("repodata-cache");

            Processes.Result locked = build("-pl", "eo", "jupyter-image:lock", cache);
            assertThat(locked.exitCode()).as(locked.output()).isZero();
            assertThat(locked.output()).contains("4 added, 1 replaced (basepkg 1.0 -> 2.0)", "kept from the base",
                    "Wrote " + eo.resolve("conda-lock.yml"));
            String lock = readString(eo.resolve("conda-lock.yml"));
            assertThat(lock).contains("# environment.yml sha256: " + LockedEnvironmentFixture.hex("SHA-256",
                    Files.readAllBytes(eo.resolve("environment.yml"))), "@" + digest, "url: " + channelUrl + "/linux-64/genlib-1.0-h0_0.conda",
                    "category: base").doesNotContain("name: python");
            // the base's basepkg 1.0, which 2.0 replaces, is in the lock for review, in category base
            assertThat(lock.substring(lock.indexOf("category: base") - 400)).contains("name: basepkg", "version: \"1.0\"",
                    "url: linux-64/basepkg-1.0-0.conda");
            Processes.Result check = build("-pl", "eo", "jupyter-image:lock", cache, "-Dlock.check=true");
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).contains("conda-lock.yml is up to date");

            Processes.Result result = build("-pl", "eo", "-am", "install", "-Dimage.registry=" + registry.address(),
                    "-Dimage.env.skip=false");
            assertThat(result.exitCode()).as(result.output()).isZero();
            String ref = "docker://" + imageRef("eo", "0.5.0-SNAPSHOT");
            JsonNode labels = Skopeo.inspectConfig(ref).path("config").path("Labels");
            assertThat(labels.path("ca.crim.pavics.jupyter.packages").asText()).contains("conda genlib 1.0 h0_0",
                    "conda basepkg 2.0 0", "conda cph_test_data 0.0.1 0");
            Path rootfs = Umoci.unpack(ref, work, "eo-solved");
            Path prefix = rootfs.resolve("opt/conda/envs/birdy");
            assertThat(prefix.resolve("etc/genlib.conf")).content().contains("prefix=/opt/conda/envs/birdy");
            assertThat(prefix.resolve("lib/basepkg/new_only.txt")).exists();
            assertThat(prefix.resolve("lib/basepkg/old_only.txt")).doesNotExist();
            assertThat(prefix.resolve("conda-meta/python-3.11.9-h932a869_0_cpython.json")).as("the base's python, kept").exists();
            ExternalTools.requireRoot("chroot into the unpacked image");
            Processes.Result shell = Processes.run(work, Duration.ofMinutes(1), List.of("chroot", rootfs.toString(), "/bin/sh",
                    "-c", "cd /opt/conda/envs/birdy && test -x bin/genpy-cli && cat lib/basepkg/common.txt && ls conda-meta"));
            assertThat(shell.exitCode()).as(shell.output()).isZero();
            assertThat(shell.output()).contains("common, new version", "genpy-1.0-pyh0_0.json", "basepkg-2.0-0.json");

            // environment.yml changes: the build refuses the stale lock in one line naming the lock command
            Files.writeString(eo.resolve("environment.yml"), readString(eo.resolve("environment.yml")) + "  - my-webserver\n");
            Processes.Result stale = build("-pl", "eo", "-am", "install", "-Dimage.registry=" + registry.address(),
                    "-Dimage.env.skip=false");
            assertThat(stale.exitCode()).isNotZero();
            assertThat(stale.output()).contains("changed since conda-lock.yml was made")
                    .contains("./mvnw -pl eo jupyter-image:lock").doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            Processes.Result notCurrent = build("-pl", "eo", "jupyter-image:lock", cache, "-Dlock.check=true");
            assertThat(notCurrent.exitCode()).isNotZero();
            // my-webserver needs python >=3.12: the base's python 3.11.9 blocks it, and the explanation says so
            Processes.Result unsat = build("-pl", "eo", "jupyter-image:lock", cache);
            assertThat(unsat.exitCode()).isNotZero();
            assertThat(unsat.output()).contains("'python >=3.12'", "the base image has 3.11.9")
                    .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            assertThat(readString(eo.resolve("conda-lock.yml"))).as("left as it was").isEqualTo(lock);

            // a pip section: resolved over a local index on top of the conda solution, locked, built
            SimpleIndexWriter pypi = new SimpleIndexWriter(served.resolve("pypi"));
            pypi.add(new WheelBuilder("genwheel", "1.0").metadata("Requires-Dist: helperwheel>=1\nRequires-Dist: genpy\n")
                    .file("genwheel/__init__.py", "def main():\n    print('genwheel')\n", 0644)
                    .consoleScripts("genwheel-cli = genwheel:main"), "genwheel", ">=3.8", false);
            pypi.add(new WheelBuilder("helperwheel", "1.2").file("helperwheel/__init__.py", "", 0644), "helperwheel", "", false);
            pypi.add(new WheelBuilder("helperwheel", "2.0").file("helperwheel/__init__.py", "", 0644), "helperwheel", ">=3.12", false);
            pypi.write();
            String index = "-Dlock.pypiIndex=" + channel.url() + "/pypi/simple/";
            String pypiCache = "-Dlock.pypiCacheDir=" + work.resolve("pypi-cache");
            Files.writeString(eo.resolve("environment.yml"), readString(eo.resolve("environment.yml"))
                    .replace("  - my-webserver\n", "  - pip:\n    - genwheel==1.0\n    - genpy\n"));
            Processes.Result pip = build("-pl", "eo", "jupyter-image:lock", cache, index, pypiCache);
            assertThat(pip.exitCode()).as(pip.output()).isZero();
            assertThat(pip.output()).contains("pip: 2 wheels for CPython 3.11.9");
            String pipLock = readString(eo.resolve("conda-lock.yml"));
            assertThat(pipLock).contains("manager: pip", "name: genwheel", "url: " + channel.url() + "/pypi/files/genwheel-1.0-py3-none-any.whl",
                    "name: helperwheel", "version: \"1.2\"", "# pip: 2 wheels from " + channel.url() + "/pypi/simple/")
                    .as("helperwheel 2.0 needs python >=3.12; genpy is conda's").doesNotContain("version: \"2.0\"\n  manager: pip");
            assertThat(pipLock.split("manager: pip", -1)).as("two pip entries: genpy comes from conda").hasSize(3);
            Processes.Result pipCheck = build("-pl", "eo", "jupyter-image:lock", cache, index, pypiCache, "-Dlock.check=true");
            assertThat(pipCheck.exitCode()).as(pipCheck.output()).isZero();
            Processes.Result pipBuild = build("-pl", "eo", "-am", "install", "-Dimage.registry=" + registry.address(),
                    "-Dimage.env.skip=false");
            assertThat(pipBuild.exitCode()).as(pipBuild.output()).isZero();
            Path pipRoot = Umoci.unpack(ref, work, "eo-pip");
            Path site = pipRoot.resolve("opt/conda/envs/birdy/lib/python3.11/site-packages");
            assertThat(site.resolve("genwheel/__init__.py")).exists();
            assertThat(site.resolve("genwheel-1.0.dist-info/RECORD")).exists();
            assertThat(site.resolve("helperwheel-1.2.dist-info/METADATA")).exists();
            assertThat(pipRoot.resolve("opt/conda/envs/birdy/bin/genwheel-cli")).content().contains("genwheel");
            Processes.Result pipShell = Processes.run(work, Duration.ofMinutes(1), List.of("chroot", pipRoot.toString(), "/bin/sh",
                    "-c", "head -1 /opt/conda/envs/birdy/bin/genwheel-cli"));
            assertThat(pipShell.exitCode()).as(pipShell.output()).isZero();
            assertThat(pipShell.output()).contains("#!/opt/conda/envs/birdy/bin/python");

            // a VCS reference: refused in one line naming it, the lock left as it was
            Files.writeString(eo.resolve("environment.yml"), readString(eo.resolve("environment.yml"))
                    .replace("    - genpy\n", "    - weaver@git+https://github.com/crim-ca/weaver.git@4.30.0\n"));
            Processes.Result vcs = build("-pl", "eo", "jupyter-image:lock", cache, index, pypiCache);
            assertThat(vcs.exitCode()).isNotZero();
            assertThat(vcs.output()).contains("is a VCS reference").contains("published wheel")
                    .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            assertThat(readString(eo.resolve("conda-lock.yml"))).isEqualTo(pipLock);
        } finally {
            repo.git("checkout", "--", "eo/environment.yml", "base-config/pom.xml");
            Files.deleteIfExists(eo.resolve("conda-lock.yml"));
            Files.deleteIfExists(snapshot);
        }
    }

    @Test
    @Order(9)
    void anUnlockedModuleSaysInItsLabelThatItLacksItsPackages() throws IOException {
        JsonNode labels = Skopeo.inspectConfig("docker://" + imageRef("nlp", version("nlp"))).path("config").path("Labels");
        assertThat(labels.path("ca.crim.pavics.jupyter.environment").asText()).startsWith("NOT INSTALLED");
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
