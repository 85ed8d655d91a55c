package ca.crim.pavics.jupyter.lock.pip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.testsupport.SimpleIndexWriter;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.WheelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver over a local index built from real wheels: conda packages as installed state, bad inputs, range reads. */
class PipResolverTest {
    @TempDir
    Path work;

    private SimpleIndexWriter index;

    @BeforeEach
    void index() throws Exception {
        index = new SimpleIndexWriter(work.resolve("index"));
        add("torchmetrics", "1.4.0", "Requires-Dist: numpy>1.20.0\nRequires-Dist: torch>=1.10.0\n");
        add("needs-new-numpy", "1.0", "Requires-Dist: numpy>=2\n");
        add("numpy", "2.1.0", "");
        add("torch", "2.4.0", "");
        add("rich", "13.0", "Provides-Extra: jupyter\nRequires-Dist: ipywidgets>=7 ; extra == 'jupyter'\n");
        add("ipywidgets", "8.1.0", "");
        index.addSdist("sdistonly", "1.0", "", false);
        index.addEmpty("empty");
    }

    private void add(String name, String version, String headers) throws Exception {
        index.add(new WheelBuilder(name.replace('-', '_'), version).metadata(headers).file(name.replace('-', '_') + "/__init__.py", "", 0644),
                name, "", false);
    }

    private Map<String, PipPin> resolve(StaticHttpServer server, Map<String, InstalledDistribution> installed, String... reqs)
            throws Exception {
        try (SimpleIndex client = new SimpleIndex(List.of(server.url() + "/simple/"), work.resolve("cache"), Duration.ofSeconds(10),
                Netrc.none(), l -> { })) {
            return new PipResolver(client, PoetryFixturesTest.cpython312(), installed)
                    .resolve(Requirement.parseAll(List.of(reqs)));
        }
    }

    private static final Map<String, InstalledDistribution> CONDA = Map.of(
            "numpy", new InstalledDistribution("numpy", "1.26.4", "conda package numpy 1.26.4 of the solution", false),
            "torch", new InstalledDistribution("torch", "2.3.1", "conda package pytorch 2.3.1 of the solution", false));

    @Test
    void requirementsMetByCondaPackagesAreNotInstalledAgain() throws Exception {
        index.write();
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            Map<String, PipPin> pins = resolve(server, CONDA, "torchmetrics", "numpy");
            assertThat(pins).containsOnlyKeys("torchmetrics");
            assertThat(pins.get("torchmetrics").file()).isPresent();
            // without conda's packages, pip installs them
            assertThat(resolve(server, Map.of(), "torchmetrics")).containsOnlyKeys("torchmetrics", "numpy", "torch");
        }
    }

    @Test
    void aPipPackageNeedingANewerCondaPackageIsRefusedNamingIt() throws Exception {
        index.write();
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            assertThatThrownBy(() -> resolve(server, CONDA, "needs-new-numpy"))
                    .isInstanceOf(PipResolutionException.class)
                    .hasMessageContaining("numpy 1.26.4 is installed by conda package numpy 1.26.4 of the solution and cannot change")
                    .hasMessageContaining("numpy>=2 (required by needs-new-numpy 1.0)");
        }
    }

    @Test
    void aBaseImagesPipDistributionIsKeptOrReplaced() throws Exception {
        index.write();
        Map<String, InstalledDistribution> base = Map.of("numpy",
                new InstalledDistribution("numpy", "1.26.4", "pip distribution numpy 1.26.4 of the base image", true));
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            Map<String, PipPin> kept = resolve(server, base, "numpy");
            assertThat(kept.get("numpy").installs()).as("what the base has satisfies 'numpy': kept").isFalse();
            Map<String, PipPin> replaced = resolve(server, base, "needs-new-numpy");
            assertThat(replaced.get("numpy").installs()).isTrue();
            assertThat(replaced.get("numpy").version()).hasToString("2.1.0");
            assertThat(replaced.get("numpy").installed()).isPresent();
        }
    }

    @Test
    void extrasAndMarkersApply() throws Exception {
        index.write();
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            assertThat(resolve(server, Map.of(), "rich")).containsOnlyKeys("rich");
            assertThat(resolve(server, Map.of(), "rich[jupyter]")).containsOnlyKeys("rich", "ipywidgets");
            assertThat(resolve(server, Map.of(), "rich ; sys_platform == 'win32'")).isEmpty();
            assertThat(resolve(server, Map.of(), "rich[jupyter] ; python_version >= '3.10'")).containsOnlyKeys("rich", "ipywidgets");
        }
    }

    @Test
    void badInputsAreOneLineEach() throws Exception {
        index.write();
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            assertThatThrownBy(() -> resolve(server, Map.of(), "nosuchproject")).isInstanceOf(PipResolutionException.class)
                    .hasMessageContaining("no project named 'nosuchproject'").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> resolve(server, Map.of(), "sdistonly")).isInstanceOf(PipResolutionException.class)
                    .hasMessageContaining("only source distributions").hasMessageContaining(".whl URL with its sha256");
            assertThatThrownBy(() -> resolve(server, Map.of(), "weaver@git+https://github.com/crim-ca/weaver.git@4.30.0"))
                    .isInstanceOf(PipResolutionException.class).hasMessageContaining("is a VCS reference")
                    .hasMessageContaining("published wheel").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> resolve(server, Map.of(), "numpy>=3")).isInstanceOf(PipResolutionException.class)
                    .hasMessageContaining("no version of numpy satisfies numpy>=3").hasMessageContaining("2.1.0");
            String url = server.url() + "/files/numpy-2.1.0-py3-none-any.whl";
            assertThatThrownBy(() -> resolve(server, Map.of(), "numpy @ " + url + "#sha256=" + "0".repeat(64)))
                    .isInstanceOf(PipResolutionException.class).hasMessageContaining("the wheel's sha256 is");
            Map<String, PipPin> direct = resolve(server, Map.of(), "numpy @ " + url);
            assertThat(direct.get("numpy").file().orElseThrow().sha256()).get().asString().hasSize(64);
            assertThat(server.rangeBytes()).as("a direct wheel, downloaded whole to hash it, is not read again for its metadata").isZero();
            server.failWith("/simple/torch/", 500);
            assertThatThrownBy(() -> resolve(server, Map.of(), "torch")).isInstanceOf(PypiException.class)
                    .hasMessageContaining("/simple/torch/: HTTP 500").hasMessageNotContaining("\n");
        }
        Files.writeString(work.resolve("index/files/numpy-2.1.0-py3-none-any.whl.metadata"), "Name: numpy\nVersion: 2.1.0\nRequires-Dist: evil\n");
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            assertThatThrownBy(() -> resolve(server, Map.of(), "numpy")).isInstanceOf(PypiException.class)
                    .hasMessageContaining("does not match the sha256").hasMessageNotContaining("\n");
        }
    }

    @Test
    void withoutMetadataFilesTheWheelIsReadWithRangeRequests() throws Exception {
        SimpleIndexWriter bare = new SimpleIndexWriter(work.resolve("bare")).withoutMetadataFiles();
        byte[] noise = new byte[3_000_000];
        new Random(1).nextBytes(noise);
        Path wheel = bare.add(new WheelBuilder("big", "1.0").metadata("Requires-Dist: small\n")
                .file("big/data.txt", java.util.Base64.getEncoder().encodeToString(noise), 0644), "big", "", false);
        bare.add(new WheelBuilder("small", "1.0").file("small/__init__.py", "", 0644), "small", "", false);
        bare.write();
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("bare"))) {
            assertThat(resolve(server, Map.of(), "big")).containsOnlyKeys("big", "small");
            assertThat(server.rangeBytes()).as("the central directory and METADATA, not the whole %d bytes", Files.size(wheel))
                    .isLessThan(Files.size(wheel) / 10);
        }
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("bare")).withoutRanges()) {
            java.nio.file.Files.walk(work.resolve("cache")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            assertThat(resolve(server, Map.of(), "big")).as("a server without ranges: the whole wheel").containsOnlyKeys("big", "small");
        }
    }

    @Test
    void theIndexIsCheckedAndExplanationsNameTheCause() throws Exception {
        add("numpy", "1.5", "");
        add("zzz", "1.0", "Requires-Dist: numpy>=2\n");
        index.add(new WheelBuilder("needs313", "1.0").file("needs313/__init__.py", "", 0644), "needs313", ">=3.13", false);
        index.add(new WheelBuilder("yanked", "1.0").file("yanked/__init__.py", "", 0644), "yanked", "", true);
        index.add(new WheelBuilder("liar", "2.0").metadata("").file("liar/__init__.py", "", 0644), "liar", "", false);
        index.write();
        // the metadata of liar says version 2.0; make its PEP 658 file (and hash) say another project
        java.nio.file.Path meta = work.resolve("index/files/liar-2.0-py3-none-any.whl.metadata");
        Files.writeString(meta, "Metadata-Version: 2.1\nName: other\nVersion: 2.0\n");
        String page = Files.readString(work.resolve("index/simple/liar/index.json"));
        String sha = ca.crim.pavics.jupyter.registry.Digests.sha256Hex(Files.readAllBytes(meta));
        Files.writeString(work.resolve("index/simple/liar/index.json"),
                page.replaceAll("(\"core-metadata\" : \\{\\s*\"sha256\" : \")[0-9a-f]{64}", "$1" + sha));
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("index"))) {
            assertThatThrownBy(() -> resolve(server, Map.of(), "needs313")).hasMessageContaining("Requires-Python >=3.13");
            assertThatThrownBy(() -> resolve(server, Map.of(), "yanked")).hasMessageContaining("1.0 (yanked)")
                    .hasMessageContaining("pins it with ==");
            assertThat(resolve(server, Map.of(), "yanked==1.0")).containsOnlyKeys("yanked");
            assertThatThrownBy(() -> resolve(server, Map.of(), "liar")).isInstanceOf(PypiException.class)
                    .hasMessageContaining("its metadata says other 2.0, not liar 2.0");
            assertThatThrownBy(() -> resolve(server, Map.of(), "python")).hasMessageContaining("python is not a pip requirement");
            // numpy is decided first (by name among equals), then zzz needs another: the message says what chose numpy
            assertThatThrownBy(() -> resolve(server, Map.of(), "numpy<2", "zzz"))
                    .hasMessageContaining("zzz 1.0 requires numpy>=2, but numpy 1.5 was chosen for numpy<2 (required by the"
                            + " environment's pip requirements)").hasMessageNotContaining("\n");
        }
    }

    @Test
    void aWheelThatIsNotTheHashItsIndexGivesIsRefusedWhenReadWhole() throws Exception {
        SimpleIndexWriter bare = new SimpleIndexWriter(work.resolve("bare")).withoutMetadataFiles();
        Path wheel = bare.add(new WheelBuilder("swapped", "1.0").file("swapped/__init__.py", "", 0644), "swapped", "", false);
        bare.write();
        Path other = new WheelBuilder("swapped", "1.0").file("swapped/__init__.py", "evil = 1\n", 0644).write(work.resolve("other"));
        Files.copy(other, wheel, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // not what the index's sha256 says
        try (StaticHttpServer server = StaticHttpServer.serve(work.resolve("bare")).withoutRanges()) {
            assertThatThrownBy(() -> resolve(server, Map.of(), "swapped")).isInstanceOf(PypiException.class)
                    .hasMessageContaining("does not match the sha256 the index gives");
        }
    }
}
