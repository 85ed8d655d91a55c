package ca.crim.pavics.jupyter.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.LockedEnvironmentFixture;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import ca.crim.pavics.jupyter.testsupport.Umoci;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Builds an environment image from a lock served by a local conda channel over HTTP, over the synthetic base in a
 * local docker-registry, and checks the pushed image with skopeo, umoci and chroot — not with our own reader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvironmentBuildIT {
    private Path real;
    private static final String PREFIX = "opt/conda/envs/birdy";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Local plain-HTTP registries, no credentials. */
    static final RegistrySettings LOCAL = RegistrySettings.defaults(java.util.Map.of()).withAllowInsecure(true)
            .withCredentials(DockerCredentials.none());

    private Path work;
    private LocalRegistry registry;
    private StaticHttpServer channelServer;
    private String baseImage;
    private LockedEnvironmentFixture.Files_ fixture;
    private EnvironmentBuild.Result first;
    private Path rootfs;

    @BeforeAll
    void start() throws IOException {
        real = ca.crim.pavics.jupyter.testsupport.TestData.condaReal();
        for (String[] tool : new String[][] {{"skopeo", "skopeo"}, {"umoci", "umoci"}, {"busybox", "busybox-static"},
                {"docker-registry", "docker-registry"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("env-build-it");
        registry = LocalRegistry.start(work);
        baseImage = SyntheticBaseImage.pushTo(registry, work);
        Path served = Files.createDirectories(work.resolve("served"));
        channelServer = StaticHttpServer.serve(served);
        fixture = LockedEnvironmentFixture.write(served.resolve("good"), channelServer.url() + "/good", real);
    }

    @AfterAll
    void stop() throws IOException {
        if (channelServer != null) {
            channelServer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            Processes.run(Path.of("."), Duration.ofMinutes(1), List.of("rm", "-rf", work.toString()));
        }
    }

    private EnvironmentBuild.Request request(LockedEnvironmentFixture.Files_ f, String repository, String workName) {
        return new EnvironmentBuild.Request(f.lockFile(), f.environmentFile(), f.snapshotFile(), baseImage,
                Optional.of(registry.address() + "/" + repository), work.resolve(workName), work.resolve("cache-" + workName),
                LOCAL, false, 6, 2);
    }

    @Test
    @Order(1)
    void buildsAndPushesTheEnvironmentImage() throws Exception {
        first = new EnvironmentBuild().build(request(fixture, "pavics/env-test", "build1"));
        assertThat(first.reused()).isFalse();
        assertThat(first.fromImage()).startsWith(registry.address() + "/pavics/env-test@sha256:");
        JsonNode inspect = Skopeo.inspect("docker://" + first.fromImage());
        assertThat(inspect.path("Layers").size()).as("base layer + at most 16 package layers + wheels + conda-meta")
                .isBetween(3, 19);
        JsonNode labels = Skopeo.inspectConfig("docker://" + first.fromImage()).path("config").path("Labels");
        assertThat(labels.path(EnvironmentBuild.LABEL_PACKAGES).asText())
                .contains("conda genlib 1.0 h0_0 " + channelServer.url())
                .contains("conda python 3.11.9 h932a869_0_cpython base")
                .contains("pip genwheel 1.0 sha256:");
        assertThat(labels.path(EnvironmentBuild.LABEL_ENVIRONMENT).asText()).startsWith("installed from conda-lock.yml sha256:");
        JsonNode config = Skopeo.inspectConfig("docker://" + first.fromImage());
        assertThat(config.path("config").path("User").asText()).as("base config kept").isEqualTo("jenkins");
        assertThat(config.path("rootfs").path("diff_ids").size()).isEqualTo(inspect.path("Layers").size());
        rootfs = Umoci.unpack("docker://" + first.fromImage(), work, "env");
    }

    private Path prefix(String rel) {
        return rootfs.resolve(PREFIX).resolve(rel);
    }

    @Test
    @Order(2)
    void symlinksPlaceholdersAndUnmodifiedFiles() throws Exception {
        assertThat(Files.readSymbolicLink(prefix("lib/libgen.so"))).isEqualTo(Path.of("libgen.so.1"));
        assertThat(Files.readSymbolicLink(prefix("share/genlib-current"))).as("folder link").isEqualTo(Path.of("genlib-1.0"));
        assertThat(prefix("share/genlib-current/data.txt")).hasContent("genlib data, unmodified");
        assertThat(prefix("etc/genlib.conf")).hasContent("prefix=/opt/conda/envs/birdy\nlibdir=/opt/conda/envs/birdy/lib");

        byte[] binary = Files.readAllBytes(prefix("lib/libgen.so.1.0"));
        assertThat(binary).hasSize(4096);
        String expected = "/opt/conda/envs/birdy/lib:/opt/conda/envs/birdy/lib64";
        String region = new String(binary, 1000, LockedEnvironmentFixture.BINARY_PLACEHOLDER.length() * 2 + 12, StandardCharsets.ISO_8859_1);
        assertThat(region).startsWith(expected + "\0\0\0").doesNotContain("placehold");
        assertThat(region.substring(expected.length())).matches("\0+");
        assertThat(Files.getPosixFilePermissions(prefix("lib/libgen.so.1.0"))).contains(PosixFilePermission.OTHERS_EXECUTE);

        // real zlib: the text placeholder replaced, every other file identical to its paths.json sha256
        assertThat(prefix("lib/pkgconfig/zlib.pc")).content().contains("prefix=/opt/conda/envs/birdy").doesNotContain("anaconda1anaconda2");
        JsonNode paths = JSON.readTree(infoFile(fixture.packages().get("zlib"), "paths.json"));
        int checked = 0;
        for (JsonNode p : paths.path("paths")) {
            if (p.has("prefix_placeholder") || !"hardlink".equals(p.path("path_type").asText("hardlink"))) {
                continue;
            }
            assertThat(LockedEnvironmentFixture.hex("SHA-256", Files.readAllBytes(prefix(p.path("_path").asText()))))
                    .as(p.path("_path").asText()).isEqualTo(p.path("sha256").asText());
            checked++;
        }
        assertThat(checked).isPositive();
        // real cph_test_data: links to files, to folders, and a dangling one, all kept as links
        try (var s = Files.walk(rootfs.resolve(PREFIX))) {
            assertThat(s.filter(Files::isSymbolicLink).filter(l -> !Files.exists(l)).count()).as("dangling link kept").isPositive();
        }
    }

    @Test
    @Order(2)
    void replacedBasePackageIsHiddenByWhiteouts() throws IOException {
        assertThat(prefix("lib/basepkg/old_only.txt")).doesNotExist();
        assertThat(prefix("lib/basepkg/old_module.py")).doesNotExist();
        assertThat(prefix("lib/basepkg/__pycache__")).as("orphaned bytecode of the old version hidden").doesNotExist();
        assertThat(prefix("lib/basepkg/common.txt")).hasContent("common, new version");
        assertThat(prefix("lib/basepkg/new_only.txt")).exists();
        assertThat(prefix("conda-meta/" + SyntheticBaseImage.BASEPKG_RECORD)).doesNotExist();
        assertThat(prefix("conda-meta/basepkg-2.0-0.json")).exists();
        assertThat(prefix("conda-meta/" + SyntheticBaseImage.PYTHON_RECORD)).as("base records kept").exists();
    }

    @Test
    @Order(2)
    void noarchPythonEntryPointsAndCondaMetaRecords() throws IOException {
        assertThat(prefix("lib/python3.11/site-packages/genpy/cli.py")).exists();
        assertThat(prefix("bin/genpy-script")).content().startsWith("#!/opt/conda/envs/birdy/bin/python\n");
        assertThat(prefix("bin/genpy-cli")).content()
                .startsWith("#!/opt/conda/envs/birdy/bin/python3.11\n")
                .contains("from genpy.cli import main")
                .contains("sys.exit(main())");
        assertThat(Files.getPosixFilePermissions(prefix("bin/genpy-cli"))).contains(PosixFilePermission.OTHERS_EXECUTE);
        JsonNode webserver = JSON.readTree(prefix("conda-meta/my-webserver-0.1.0-pyh4616a5c_0.json").toFile());
        assertThat(webserver.path("files").size()).isPositive();
        for (JsonNode f : webserver.path("files")) {
            assertThat(f.asText()).as("real noarch package relocated").doesNotStartWith("site-packages/");
            assertThat(prefix(f.asText())).exists();
        }

        JsonNode record = JSON.readTree(prefix("conda-meta/genpy-1.0-pyh0_0.json").toFile());
        for (String field : List.of("name", "version", "build", "build_number", "channel", "subdir", "fn", "url", "md5",
                "sha256", "size", "timestamp", "license", "noarch", "depends", "constrains", "files", "paths_data", "link",
                "requested_spec")) {
            assertThat(record.has(field)).as("conda-meta field " + field).isTrue();
        }
        assertThat(record.path("channel").asText()).isEqualTo(channelServer.url() + "/good/channel");
        assertThat(record.path("subdir").asText()).isEqualTo("noarch");
        assertThat(record.path("noarch").asText()).isEqualTo("python");
        assertThat(record.path("depends").toString()).contains("genlib >=1.0");
        List<String> files = JSON.convertValue(record.path("files"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(files).contains("lib/python3.11/site-packages/genpy/__init__.py", "bin/genpy-cli", "bin/genpy-script");
        for (String f : files) {
            assertThat(Files.exists(prefix(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("record lists " + f).isTrue();
        }
        assertThat(record.path("paths_data").path("paths").toString()).contains("unix_python_entry_point");
        assertThat(record.path("link").path("type").asInt()).isEqualTo(3);

        String history = Files.readString(prefix("conda-meta/history"));
        assertThat(history).startsWith("==> 2024-01-01 00:00:00 <==\n# synthetic base\n")
                .contains("+" + channelServer.url() + "/good/channel/noarch::genpy-1.0-pyh0_0")
                .contains("-" + channelServer.url() + "/good/channel/linux-64::basepkg-1.0-0");
        assertThat(rootfs.resolve(EnvironmentInstaller.PACKAGE_LIST)).content().contains("conda zlib 1.2.11 h7b6447c_3");
    }

    @Test
    @Order(2)
    void wheelsInstalledAsPipWould() throws IOException {
        String sp = "lib/python3.11/site-packages/";
        assertThat(prefix(sp + "genwheel/__init__.py")).exists();
        assertThat(prefix(sp + "genwheel-1.0.dist-info/INSTALLER")).hasContent("pavics-jupyter-env-installer");
        assertThat(prefix("bin/genwheel-run")).content().startsWith("#!/opt/conda/envs/birdy/bin/python3.11\nimport genwheel");
        assertThat(prefix("share/genwheel/readme.txt")).hasContent("genwheel data");
        assertThat(prefix("bin/genwheel")).content().contains("from genwheel import main");
        assertThat(prefix(sp + "genwheel-1.0.dist-info/RECORD")).content()
                .contains("../../../bin/genwheel-run,sha256=")
                .contains("genwheel/__init__.py,sha256=")
                .contains("genwheel-1.0.dist-info/RECORD,,");
        assertThat(prefix(sp + "small_python_package-1.0.0.dist-info/RECORD")).exists();
    }

    @Test
    @Order(3)
    void shellCheckInsideTheUnpackedRootfs() {
        ExternalTools.requireRoot("chroot into the unpacked image");
        Processes.Result result = Processes.run(work, Duration.ofMinutes(1), List.of("chroot", rootfs.toString(), "/bin/sh", "-c",
                "cd /opt/conda/envs/birdy && test -L lib/libgen.so && cat share/genlib-current/data.txt"
                        + " && test -x bin/genpy-cli && test ! -e lib/basepkg/old_only.txt && ls conda-meta"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("genlib data, unmodified", "genpy-1.0-pyh0_0.json", "history");
    }

    @Test
    @Order(4)
    void anUnchangedLockIsNeitherRebuiltNorPushed() throws Exception {
        int requests = channelServer.requests();
        long start = System.nanoTime();
        EnvironmentBuild.Result again = new EnvironmentBuild().build(request(fixture, "pavics/env-test", "build1"));
        assertThat(again.reused()).isTrue();
        assertThat(again.fromImage()).isEqualTo(first.fromImage());
        assertThat(channelServer.requests()).as("no download").isEqualTo(requests);
        System.out.printf("rebuild with an unchanged lock: %.2f s%n", (System.nanoTime() - start) / 1e9);
    }

    @Test
    @Order(4)
    void twoCleanBuildsGiveTheSameDigest() throws Exception {
        EnvironmentBuild.Result other = new EnvironmentBuild().build(request(fixture, "pavics/env-test-again", "build2"));
        assertThat(other.reused()).isFalse();
        assertThat(other.fromImage().substring(other.fromImage().indexOf('@')))
                .isEqualTo(first.fromImage().substring(first.fromImage().indexOf('@')));
    }

    @Test
    @Order(4)
    void baseLayersAreCopiedRegistryToRegistryWhenTheTargetIsAnotherRegistry() throws Exception {
        try (LocalRegistry other = LocalRegistry.start(work.resolve("other-registry"))) {
            EnvironmentBuild.Request r = request(fixture, "x", "build3");
            EnvironmentBuild.Request elsewhere = new EnvironmentBuild.Request(r.lockFile(), r.environmentFile(), r.snapshotFile(),
                    r.baseImage(), Optional.of(other.address() + "/pavics/env-test"), r.workDir(), r.cacheDir(), LOCAL, false,
                    6, 2);
            EnvironmentBuild.Result copied = new EnvironmentBuild().build(elsewhere);
            assertThat(copied.fromImage()).startsWith(other.address() + "/pavics/env-test@sha256:");
            assertThat(copied.fromImage().substring(copied.fromImage().indexOf('@')))
                    .isEqualTo(first.fromImage().substring(first.fromImage().indexOf('@')));
            Path copy = Files.createDirectories(work.resolve("copy-check"));
            Skopeo.copy("docker://" + copied.fromImage(), "oci:" + copy + ":env");
            assertThat(Skopeo.inspect("oci:" + copy + ":env").path("Layers").size())
                    .isEqualTo(Skopeo.inspect("docker://" + first.fromImage()).path("Layers").size());
        }
    }

    private void assertRefused(String name, Consumer<LockedEnvironmentFixture.Files_> breakIt, String... messageParts)
            throws IOException {
        LockedEnvironmentFixture.Files_ bad = LockedEnvironmentFixture.write(work.resolve("served").resolve(name),
                channelServer.url() + "/" + name, real);
        breakIt.accept(bad);
        assertThatThrownBy(() -> new EnvironmentBuild().build(request(bad, "bad/" + name, "work-" + name)))
                .isInstanceOf(EnvironmentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(messageParts));
        HttpResponse<String> tags = httpGet("http://" + registry.address() + "/v2/bad/" + name + "/tags/list");
        assertThat(tags.statusCode()).as("nothing pushed for " + name).isEqualTo(404);
    }

    @Test
    @Order(5)
    void badInputsGiveOneLineErrorsAndPushNothing() throws IOException {
        assertRefused("hash", f -> edit(f.lockFile(), s -> s.replaceFirst("    sha256: [0-9a-f]{64}", "    sha256: " + "a".repeat(64))),
                "hash mismatch", "genlib-1.0-h0_0.conda");
        assertRefused("corrupt", f -> {
            corrupt(f.packages().get("genpy"));
            relock(f);
        }, "genpy-1.0-pyh0_0.conda", "corrupt");
        assertRefused("version", f -> edit(f.lockFile(), s -> s.replace("\nversion: 1\n", "\nversion: 9\n")), "conda-lock.yml", "version");
        assertRefused("stale", f -> edit(f.environmentFile(), s -> s + "  - extra\n"), "environment.yml changed since conda-lock.yml");
        assertRefused("nolock", f -> f.lockFile().toFile().delete(), "conda-lock.yml not found: lock environment.yml for linux-64");
        assertRefused("spec", f -> {
            edit(f.environmentFile(), s -> s.replace("  - zlib\n", "  - zlib\n  - missingpkg>=1\n"));
            relock(f);
        }, "environment.yml:", "'missingpkg>=1' has no package in conda-lock.yml");
        assertRefused("vcs", f -> {
            edit(f.environmentFile(), s -> s + "    - weaver @ git+https://github.com/crim-ca/weaver.git@4.30.0\n");
            relock(f);
        }, "direct VCS reference", "wheel");
        assertRefused("linkscripts", f -> {
            try {
                Path pkg = Files.copy(real.resolve("packages/link-scripts-0.1.0-h4616a5c_0.conda"),
                        f.channel().resolve("linux-64/link-scripts-0.1.0-h4616a5c_0.conda"));
                f.packages().put("link-scripts", pkg);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            relock(f);
        }, "link-scripts-0.1.0-h4616a5c_0", "link scripts", "post-link");
        assertRefused("prefix", f -> edit(f.snapshotFile(), s -> s.replace("/opt/conda/envs/birdy", "/opt/" + "x".repeat(150))),
                "genlib-1.0-h0_0", "lib/libgen.so.1.0", "longer than the binary placeholder");
        String other = "sha256:" + "e".repeat(64);
        assertRefused("moved", f -> edit(f.snapshotFile(), s -> s.replaceFirst("\\{", "{\"image\": {\"reference\": \"b:1\","
                + " \"digest\": \"" + other + "\"},")), "base image " + baseImage + " is sha256:", "describes " + other,
                "make the snapshot again for " + baseImage);
    }

    private void relock(LockedEnvironmentFixture.Files_ f) {
        try {
            String base = Files.readString(f.lockFile()).lines().filter(l -> l.startsWith("  - url: ")).findFirst().orElseThrow()
                    .substring("  - url: ".length()).replaceAll("/channel$", "");
            LockedEnvironmentFixture.writeLock(f.lockFile(), f.environmentFile(), base, f.root(), f.packages());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void corrupt(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            for (int i = b.length / 3; i < b.length / 3 + 64; i++) {
                b[i] ^= 0x5a;
            }
            Files.write(file, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void edit(Path file, java.util.function.UnaryOperator<String> change) {
        try {
            Files.writeString(file, change.apply(Files.readString(file)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> httpGet(String url) throws IOException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A file of a .conda package's info tar, read with commons-compress (test input, not the image). */
    private static byte[] infoFile(Path conda, String name) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(conda).get()) {
            var entry = java.util.Collections.list(zip.getEntries()).stream()
                    .filter(e -> e.getName().startsWith("info-")).findFirst().orElseThrow();
            try (InputStream in = new ZstdCompressorInputStream(zip.getInputStream(entry));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry t;
                while ((t = tar.getNextEntry()) != null) {
                    if (t.getName().equals("info/" + name)) {
                        return tar.readAllBytes();
                    }
                }
            }
        }
        throw new IOException(name + " not in " + conda);
    }
}
