package ca.crim.pavics.jupyter.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LayerTar;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.OciLayout;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import ca.crim.pavics.jupyter.testsupport.TokenServer;
import ca.crim.pavics.jupyter.testsupport.Umoci;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Snapshots a multi-layer base in a real {@code docker-registry} — a package installed then upgraded in a later
 * layer, a record removed by a whiteout, an opaque dist-info folder, a dist-info folder whited out, pip dist-infos,
 * a glibc behind a symbolic link, a second conda installation off the PATH — and compares the snapshot with what
 * {@code umoci unpack} shows of the same image, read here independently of the snapshot's code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotMakerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "opt/conda/envs/birdy";
    private static final String SITE = ENV + "/lib/python3.11/site-packages";
    private Path work;
    private LocalRegistry registry;
    private String layered;

    @BeforeAll
    void start() throws IOException {
        for (String[] tool : new String[][] {{"skopeo", "skopeo"}, {"umoci", "umoci"}, {"busybox", "busybox-static"},
                {"docker-registry", "docker-registry"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("snapshot-it");
        registry = LocalRegistry.start(work);
        Path layout = work.resolve("layered");
        OciLayout.writeImage(layout, "1", layeredImage("amd64"));
        layered = registry.address() + "/layered/base:1";
        Skopeo.copy("oci:" + layout + ":1", "docker://" + layered);
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
        Processes.run(Path.of("."), Duration.ofMinutes(1), List.of("rm", "-rf", work.toString()));
    }

    private static String record(String name, String version, String build, String... files) {
        StringBuilder f = new StringBuilder();
        for (String file : files) {
            f.append(f.length() == 0 ? "" : ", ").append('"').append(file).append('"');
        }
        return "{\"name\": \"" + name + "\", \"version\": \"" + version + "\", \"build\": \"" + build
                + "\", \"build_number\": 0, \"channel\": \"https://conda.anaconda.org/conda-forge\", \"subdir\": \"linux-64\","
                + " \"depends\": [\"python >=3.11\"], \"noarch\": {\"type\": \"python\"}, \"files\": [" + f + "],"
                + " \"paths_data\": {\"paths_version\": 1, \"paths\": []}}\n";
    }

    static OciLayout.Image layeredImage(String architecture) throws IOException {
        LayerTar first = SyntheticBaseImage.rootfs()
                .file(ENV + "/conda-meta/pkga-1.0-0.json", record("pkga", "1.0", "0", "lib/pkga/v1.txt"), 0666)
                .file(ENV + "/conda-meta/pkgb-1.0-0.json", record("pkgb", "1.0", "0", "lib/pkgb.txt"), 0666)
                .file(SITE + "/oldpip-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: oldpip\nVersion: 1.0\n", 0644)
                .file(SITE + "/oldpip-1.0.dist-info/INSTALLER", "pip\n", 0644)
                .file(SITE + "/oldpip-1.0.dist-info/RECORD", "oldpip/__init__.py,sha256=x,1\n", 0644)
                .file(SITE + "/gone-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: gone\nVersion: 1.0\n", 0644)
                .file(SITE + "/gone-1.0.dist-info/RECORD", "gone.py,,\n", 0644);
        LayerTar second = new LayerTar()
                .file(ENV + "/conda-meta/.wh.pkga-1.0-0.json", "", 0644)
                .file(ENV + "/conda-meta/pkga-2.0-0.json", record("pkga", "2.0", "0", "lib/pkga/v2.txt"), 0666)
                .file(ENV + "/conda-meta/.wh.pkgb-1.0-0.json", "", 0644)
                .file(ENV + "/conda-meta/pinned", "# pins\nnumpy 1.26.*\n", 0644)
                .file(SITE + "/newpip-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: NewPip\nVersion: 2.0\n"
                        + "Requires-Dist: requests (>=2.0)\nRequires-Dist: idna ; extra ==\n  'idna'\n\nDescription body\nName: nope\n", 0644)
                .file(SITE + "/newpip-2.0.dist-info/INSTALLER", "pip\n", 0644)
                .file(SITE + "/newpip-2.0.dist-info/RECORD", "newpip/__init__.py,sha256=y,2\n../../../bin/newpip,,\n"
                        + "\"odd,name.py\",,\n", 0644)
                .file(SITE + "/newpip-2.0.dist-info/direct_url.json", "{\"url\": \"https://example.org/newpip-2.0.whl\"}\n", 0644)
                .file(SITE + "/gone-1.0.dist-info/.wh..wh..opq", "", 0644)
                .file(SITE + "/gone-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: gone\nVersion: 1.0.post1\n", 0644);
        LayerTar third = new LayerTar()
                .file(ENV + "/conda-meta/history", "==> 2024-01-01 00:00:00 <==\n# synthetic base\n==> 2024-02-01 <==\n"
                        + "+conda-forge/noarch::pkga-2.0-0\n", 0666)
                .file(SITE + "/.wh.oldpip-1.0.dist-info", "", 0644);
        return new OciLayout.Image(architecture, List.of(SyntheticBaseImage.PATH_ENV), SyntheticBaseImage.CMD, "jenkins",
                Map.of(), List.of(first.tar(), second.tar(), third.tar()));
    }

    private static RegistrySettings local() {
        return RegistrySettings.defaults(Map.of()).withAllowInsecure(true).withCredentials(DockerCredentials.none());
    }

    @Test
    void theSnapshotIsWhatUmociUnpackShows() throws Exception {
        BaseSnapshot s = new SnapshotMaker().make(new SnapshotMaker.Request(layered, local(), Optional.empty(), 2));
        Path rootfs = Umoci.unpack("docker://" + layered, work, "layered");
        Path prefix = rootfs.resolve(ENV);

        assertThat(s.prefix()).as("the environment on the PATH, not the root installation").isEqualTo("/" + ENV);
        Map<String, String> expectedConda = new TreeMap<>();
        try (Stream<Path> files = Files.list(prefix.resolve("conda-meta"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode r = JSON.readTree(f.toFile());
                expectedConda.put(r.path("name").asText(), r.path("version").asText() + " " + r.path("build").asText()
                        + " " + r.path("files"));
            }
        }
        Map<String, String> actualConda = new TreeMap<>();
        s.conda().forEach(c -> actualConda.put(c.name(), c.version() + " " + c.build() + " "
                + JSON.valueToTree(c.files())));
        assertThat(actualConda).isEqualTo(expectedConda).containsKeys("pkga", "python").doesNotContainKey("pkgb");
        assertThat(s.conda("pkga").orElseThrow().noarchPython()).isTrue();
        assertThat(s.conda("pkga").orElseThrow().record().depends()).containsExactly("python >=3.11");
        assertThat(s.history()).isEqualTo(Files.readString(prefix.resolve("conda-meta/history")));
        assertThat(s.pinned()).containsExactly("numpy 1.26.*");

        Map<String, String> expectedPip = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(prefix.resolve("lib/python3.11/site-packages"))) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().endsWith(".dist-info")).toList()) {
                String metadata = Files.readString(d.resolve("METADATA")).split("\n\n")[0];
                expectedPip.put(header(metadata, "Name"), header(metadata, "Version"));
            }
        }
        Map<String, String> actualPip = new TreeMap<>();
        s.pip().forEach(p -> actualPip.put(p.name(), p.version()));
        assertThat(actualPip).isEqualTo(expectedPip).containsEntry("gone", "1.0.post1").doesNotContainKey("oldpip");
        BaseSnapshot.BasePip newpip = s.pip().stream().filter(p -> p.name().equals("NewPip")).findFirst().orElseThrow();
        assertThat(newpip.requiresDist()).containsExactly("requests (>=2.0)", "idna ; extra == 'idna'");
        assertThat(newpip.installer()).isEqualTo("pip");
        assertThat(newpip.directUrl()).hasValue("{\"url\": \"https://example.org/newpip-2.0.whl\"}");
        assertThat(newpip.files()).containsExactly("lib/python3.11/site-packages/newpip/__init__.py", "bin/newpip",
                "lib/python3.11/site-packages/odd,name.py");
        BaseSnapshot.BasePip gone = s.pip().stream().filter(p -> p.name().equals("gone")).findFirst().orElseThrow();
        assertThat(gone.files()).as("the opaque folder hid the lower RECORD")
                .isEqualTo(Files.exists(prefix.resolve("lib/python3.11/site-packages/gone-1.0.dist-info/RECORD"))
                        ? List.of("lib/python3.11/site-packages/gone.py") : List.of());

        Path libc = rootfs.resolve("lib/x86_64-linux-gnu/libc.so.6").toRealPath();
        Matcher banner = Pattern.compile("release version (\\d+\\.\\d+)").matcher(Files.readString(libc, StandardCharsets.ISO_8859_1));
        assertThat(banner.find()).isTrue();
        assertThat(s.system().glibc()).hasValue(banner.group(1));
        assertThat(s.system().architecture()).isEqualTo("x86_64");
        assertThat(s.system().python()).hasValue("3.11.9");
        String digest = Digests.sha256(Skopeo.rawManifest("docker://" + layered));
        assertThat(s.image()).hasValueSatisfying(i -> {
            assertThat(i.digest()).isEqualTo(digest);
            assertThat(i.indexDigest()).isEmpty();
            assertThat(i.reference()).isEqualTo(layered);
        });

        // deterministic, and read back as written
        byte[] json = s.toJson();
        assertThat(new SnapshotMaker().make(new SnapshotMaker.Request(layered, local(), Optional.empty(), 1)).toJson())
                .isEqualTo(json);
        assertThat(BaseSnapshot.parse(Path.of("x.json"), json).toJson()).isEqualTo(json);
    }

    private static String header(String metadata, String name) {
        for (String line : metadata.split("\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2);
            }
        }
        return "";
    }

    @Test
    void aMultiPlatformIndexIsReadForLinuxAmd64() throws Exception {
        Path layout = work.resolve("multi");
        OciLayout.writeIndex(layout, "2", List.of(layeredImage("arm64"), layeredImage("amd64")));
        String ref = registry.address() + "/layered/multi:2";
        Skopeo.copy("oci:" + layout + ":2", "docker://" + ref, "--all");
        byte[] index = Skopeo.rawManifest("docker://" + ref);
        JsonNode amd64 = null;
        for (JsonNode m : JSON.readTree(index).path("manifests")) {
            if (m.path("platform").path("architecture").asText().equals("amd64")) {
                amd64 = m;
            }
        }
        BaseSnapshot s = new SnapshotMaker().make(new SnapshotMaker.Request(ref, local(), Optional.empty(), 2));
        String amd64Digest = amd64.path("digest").asText();
        assertThat(s.image()).hasValueSatisfying(i -> {
            assertThat(i.indexDigest()).hasValue(Digests.sha256(index));
            assertThat(i.digest()).isEqualTo(amd64Digest);
            assertThat(i.platform()).isEqualTo("linux/amd64");
        });
    }

    @Test
    void aRegistryThatWantsABearerTokenWithCredentials() throws Exception {
        try (TokenServer tokens = TokenServer.start(work.resolve("tokens"));
                LocalRegistry secured = LocalRegistry.startWithTokenAuth(work.resolve("secured"), tokens)) {
            String ref = secured.address() + "/layered/base:1";
            Skopeo.copy("docker://" + layered, "docker://" + ref, "--dest-creds", TokenServer.USER + ":" + TokenServer.PASSWORD);
            Path config = Files.createDirectories(work.resolve("docker-config"));
            Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + secured.address() + "\":{\"auth\":\""
                    + java.util.Base64.getEncoder().encodeToString((TokenServer.USER + ":" + TokenServer.PASSWORD)
                            .getBytes(StandardCharsets.UTF_8)) + "\"}}}");
            RegistrySettings settings = local().withCredentials(DockerCredentials.fromEnvironment(
                    Map.of("DOCKER_CONFIG", config.toString()))).withSendCredentialsOverHttp(true);
            BaseSnapshot s = new SnapshotMaker().make(new SnapshotMaker.Request(ref, settings, Optional.empty(), 2));
            assertThat(s.conda()).extracting(BaseSnapshot.BaseConda::name).contains("pkga", "python");
            assertThat(tokens.issued()).isPositive();
            assertThatThrownBy(() -> new SnapshotMaker().make(new SnapshotMaker.Request(ref, local(), Optional.empty(), 2)))
                    .hasMessageContaining("refused anonymous access");
        }
    }

    @Test
    void badRequestsAreOneLine() {
        assertThatThrownBy(() -> new SnapshotMaker().make(new SnapshotMaker.Request(layered, local(),
                Optional.of("/opt/nowhere"), 1)))
                .isInstanceOf(SnapshotException.class)
                .hasMessage(layered + " has no conda environment at /opt/nowhere (it has /opt/conda, /" + ENV + ")");
        assertThatThrownBy(() -> new SnapshotMaker().make(new SnapshotMaker.Request("Not A Ref", local(), Optional.empty(), 1)))
                .isInstanceOf(SnapshotException.class).hasMessageStartingWith("invalid base image reference Not A Ref");
        assertThatThrownBy(() -> new SnapshotMaker().make(new SnapshotMaker.Request(registry.address() + "/none/such:1",
                local(), Optional.empty(), 1))).hasMessageContaining("not found");
    }

    @Test
    void theDigestCheckPassesForTheSnapshottedImageAndFailsWhenTheTagMoved() throws Exception {
        String ref = registry.address() + "/layered/moving:1";
        Skopeo.copy("docker://" + layered, "docker://" + ref);
        BaseSnapshot s = new SnapshotMaker().make(new SnapshotMaker.Request(ref, local(), Optional.empty(), 2));
        String before = s.image().orElseThrow().digest();
        assertThat(SnapshotCheck.requireSameImage(s, Path.of("base-environment.json"), ref, before)).isTrue();
        Path other = work.resolve("other");
        SyntheticBaseImage.writeLayout(other, "1");
        Skopeo.copy("oci:" + other + ":1", "docker://" + ref);
        String after = Digests.sha256(Skopeo.rawManifest("docker://" + ref));
        assertThat(after).isNotEqualTo(before);
        assertThatThrownBy(() -> SnapshotCheck.requireSameImage(s, Path.of("base-environment.json"), ref, after))
                .isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("base image " + ref + " is " + after + ", but base-environment.json describes " + before + " ("
                        + ref + "): the snapshot is of another image (the tag moved?); make the snapshot again for " + ref);
    }
}
