package ca.crim.pavics.jupyter.lock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code env-lock solve} as other tools call it: channels over HTTP on 127.0.0.1, JSON out, exit codes 0/1/2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SolveCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private StaticHttpServer server;
    private Path root;

    @TempDir
    Path work;

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    void serve(@TempDir Path dir) throws IOException {
        root = dir;
        Path geo = TestData.resolver().resolve("conda/cf-geo-union");
        for (String subdir : List.of("linux-64", "noarch")) {
            Files.createDirectories(dir.resolve("cf/" + subdir));
            Files.copy(geo.resolve(subdir + "/repodata.json"), dir.resolve("cf/" + subdir + "/repodata.json"));
        }
        Files.createDirectories(dir.resolve("corrupt/noarch"));
        Files.writeString(dir.resolve("corrupt/noarch/repodata.json"), "{\"packages\": {\"a-1-0.tar.bz2\": {\"name\": ");
        Files.createDirectories(dir.resolve("notjson/linux-64"));
        Files.writeString(dir.resolve("notjson/linux-64/repodata.json"), "<html>proxy login</html>");
        Files.createDirectories(dir.resolve("truncated/linux-64"));
        byte[] zst = Files.readAllBytes(compress(geo.resolve("noarch/repodata.json")));
        Files.write(dir.resolve("truncated/linux-64/repodata.json.zst"), java.util.Arrays.copyOf(zst, zst.length / 2));
        server = StaticHttpServer.serve(dir).failWith("/broken/", 500);
    }

    private Path compress(Path json) throws IOException {
        Path out = Files.createTempFile("repodata", ".zst");
        try (var z = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(out))) {
            Files.copy(json, z);
        }
        return out;
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("solve", "--cache-dir", work.resolve("cache").toString(), "-q"));
        all.addAll(List.of(args));
        int code = EnvLockCommand.run(new PrintWriter(out), new PrintWriter(err), false, all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private String cf() {
        return server.url() + "/cf";
    }

    @Test
    void solvedPrintsTheWholeEnvironmentAsJson() throws Exception {
        Run r = run("--channel", cf(), "--spec", "rasterio", "--spec", "python 3.12.*", "--json");
        assertThat(r.code()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("solved").asBoolean()).isTrue();
        JsonNode first = json.path("records").get(0);
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("subdir", "fn", "name", "version", "build", "channel");
        List<String> names = new ArrayList<>();
        json.path("records").forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).contains("rasterio", "python", "libgdal-core").isSorted();
        json.path("records").forEach(n -> {
            if (n.path("name").asText().equals("python")) {
                assertThat(n.path("version").asText()).startsWith("3.12.");
                assertThat(n.path("channel").asText()).isEqualTo(cf());
                assertThat(n.path("fn").asText()).endsWith(".conda").startsWith("python-3.12.");
            }
        });
        assertThat(r.err()).isEmpty();
    }

    @Test
    void installedAndPreferredRecordsAreTextFilesOfSubdirAndFile() throws Exception {
        Path installed = work.resolve("installed.txt");
        Files.writeString(installed, "# the base\nlinux-64/python-3.11.0-he550d4f_1_cpython.conda\n");
        Run r = run("--channel", cf(), "--spec", "numpy", "--installed", installed.toString(), "--json");
        assertThat(r.code()).isZero();
        JsonNode python = find(r.json(), "python");
        assertThat(python.path("fn").asText()).isEqualTo("python-3.11.0-he550d4f_1_cpython.conda");
        Path prefer = work.resolve("prefer.txt");
        Files.writeString(prefer, "noarch/affine-2.4.0-pyhd8ed1ab_0.conda\n");
        Run p = run("--channel", cf(), "--spec", "affine", "--spec", "python 3.11.*", "--prefer", prefer.toString(), "--json");
        assertThat(find(p.json(), "affine").path("fn").asText()).isEqualTo("affine-2.4.0-pyhd8ed1ab_0.conda");
    }

    private static JsonNode find(JsonNode json, String name) {
        for (JsonNode n : json.path("records")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + json);
    }

    @Test
    void aSnapshotGivesTheInstalledStateAndTheSystem() throws Exception {
        Path snapshot = work.resolve("base-environment.json");
        JsonNode repodata = JSON.readTree(root.resolve("cf/linux-64/repodata.json").toFile());
        JsonNode python = repodata.path("packages.conda").path("python-3.11.0-he550d4f_1_cpython.conda");
        var record = ((com.fasterxml.jackson.databind.node.ObjectNode) python.deepCopy())
                .put("fn", "python-3.11.0-he550d4f_1_cpython.conda").put("channel", cf())
                .put("url", cf() + "/linux-64/python-3.11.0-he550d4f_1_cpython.conda");
        var root = JSON.createObjectNode().put("version", 1).put("prefix", "/opt/conda").put("history", "");
        root.putObject("system").put("glibc", "2.12").put("architecture", "x86_64");
        root.putArray("conda").add(record);
        root.putArray("pip");
        Files.writeString(snapshot, JSON.writeValueAsString(root));
        Run r = run("--channel", cf(), "--spec", "python", "--installed", snapshot.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(find(r.json(), "python").path("version").asText()).isEqualTo("3.11.0");
        // libgcc 15 requires __glibc >=2.17: the snapshot's system (glibc 2.12) cannot have it, --virtual can
        Run old = run("--channel", cf(), "--spec", "libgcc 15.*", "--installed", snapshot.toString());
        assertThat(old.code()).isEqualTo(1);
        assertThat(old.out()).contains("__glibc");
        Run overridden = run("--channel", cf(), "--spec", "libgcc 15.*", "--installed", snapshot.toString(),
                "--virtual", "__glibc=2.28");
        assertThat(overridden.code()).isZero();
    }

    @Test
    void pipRequirementsResolveOnTopOfTheCondaSolution() throws Exception {
        Path idx = work.resolve("pypi");
        ca.crim.pavics.jupyter.testsupport.SimpleIndexWriter w = new ca.crim.pavics.jupyter.testsupport.SimpleIndexWriter(idx);
        // rioxarray needs rasterio (conda's, met) and xarray (not in the conda solution: a wheel)
        w.add(new ca.crim.pavics.jupyter.testsupport.WheelBuilder("rioxarray", "0.17.0")
                .metadata("Requires-Python: >=3.10\nRequires-Dist: rasterio>=1.3\nRequires-Dist: xarray>=2024.7.0\n"), "rioxarray", ">=3.10", false);
        w.add(new ca.crim.pavics.jupyter.testsupport.WheelBuilder("xarray", "2024.9.0"), "xarray", ">=3.10", false);
        w.write();
        try (StaticHttpServer pypi = StaticHttpServer.serve(idx)) {
            Run r = run("--channel", cf(), "--spec", "rasterio", "--spec", "python 3.12.*", "--pip", "rioxarray",
                    "--pypi-index", pypi.url() + "/simple/");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("\\+ rioxarray +0\\.17\\.0 +" + pypi.url() + "/files/rioxarray-0.17.0-py3-none-any.whl")
                    .containsPattern("\\+ xarray +2024\\.9\\.0").doesNotContainPattern("\\+ rasterio +[0-9.]+ +http");
            Run conflict = run("--channel", cf(), "--spec", "rasterio", "--spec", "python 3.12.*", "--pip", "rasterio>=2",
                    "--pypi-index", pypi.url() + "/simple/");
            assertThat(conflict.code()).isEqualTo(1);
            assertThat(conflict.out()).containsPattern("rasterio [0-9.]+ is installed by conda package rasterio [0-9.]+ of the conda solution"
                    + " and cannot change, but rasterio>=2 \\(required by the environment's pip requirements\\)");
            Run json = run("--channel", cf(), "--spec", "rasterio", "--spec", "python 3.12.*", "--pip", "rioxarray",
                    "--pypi-index", pypi.url() + "/simple/", "--json");
            assertThat(json.code()).isZero();
            assertThat(json.json().path("pip").findValuesAsText("name")).containsExactly("rioxarray", "xarray");
            assertThat(json.json().path("pip").get(0).path("sha256").asText()).hasSize(64);
            Run jsonConflict = run("--channel", cf(), "--spec", "rasterio", "--spec", "python 3.12.*", "--pip", "rasterio>=2",
                    "--pypi-index", pypi.url() + "/simple/", "--json");
            assertThat(jsonConflict.code()).isEqualTo(1);
            assertThat(jsonConflict.json().path("explanation").asText()).contains("rasterio>=2");
            // bad pip input: exit 2, one line on stderr, before any solving
            assertBad(run("--channel", cf(), "--spec", "no-such-conda-package", "--pip", "foo>>1"), "--pip: 'foo>>1'");
            assertBad(run("--channel", cf(), "--spec", "rasterio", "--pip", "weaver@git+https://github.com/crim-ca/weaver.git@4.30.0"),
                    "is a VCS reference");
            assertBad(run("--channel", cf(), "--spec", "rasterio", "--pip", "python>=3"), "python is not a pip requirement");
            assertBad(run("--channel", cf(), "--spec", "rasterio", "--pip", "x", "--pypi-index", "notaurl"),
                    "--pypi-index: 'notaurl' is not an http(s) URL");
        }
    }

    @Test
    void aChannelThatIsDownIsReadFromTheCacheEvenWithoutShards() throws Exception {
        String url;
        try (StaticHttpServer own = StaticHttpServer.serve(root)) {
            url = own.url() + "/cf";
            assertThat(run("--channel", url, "--spec", "affine").code()).isZero();
        }
        Run offline = run("--channel", url, "--spec", "affine");
        assertThat(offline.code()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("affine");
    }

    @Test
    void unsatisfiableIsExitOneWithTheExplanation() throws Exception {
        Run r = run("--channel", cf(), "--spec", "gdal 3.8.*", "--spec", "libgdal-core 3.9.*", "--json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.json().path("solved").asBoolean()).isFalse();
        assertThat(r.json().path("explanation").asText()).contains("libgdal", "'gdal 3.8.*' (requested)");
        Run text = run("--channel", cf(), "--spec", "gdal 3.8.*", "--spec", "libgdal-core 3.9.*");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).startsWith("cannot solve");
    }

    @Test
    void badInputIsExitTwoWithOneLine() throws Exception {
        assertBad(run("--channel", cf(), "--spec", "gdal >=>3"), "--spec: invalid match spec 'gdal >=>3'");
        assertBad(run("--channel", cf(), "--spec", "*"), "--spec");
        assertBad(run("--channel", server.url() + "/nowhere", "--spec", "gdal"), "no linux-64 or noarch repodata");
        assertBad(run("--channel", server.url() + "/broken", "--spec", "gdal"), "500");
        assertBad(run("--channel", server.url() + "/corrupt", "--spec", "a"), "/corrupt/noarch");
        assertBad(run("--channel", server.url() + "/notjson", "--spec", "a"), "/notjson/linux-64");
        assertBad(run("--channel", server.url() + "/truncated", "--spec", "a"), "/truncated/linux-64");
        assertBad(run("--channel", cf(), "--spec", "gdal", "--virtual", "glibc=2.28"), "--virtual");
        assertBad(run("--channel", cf(), "--spec", "gdal", "--installed", work.resolve("missing.txt").toString()),
                "--installed");
        Path bad = work.resolve("bad.txt");
        Files.writeString(bad, "linux-64/python-3.11.0-he550d4f_1_cpython.conda\nnot a record\n");
        assertBad(run("--channel", cf(), "--spec", "gdal", "--installed", bad.toString()), bad + ":2:");
        Files.writeString(bad, "linux-64/python-9.9-h0.conda\n");
        assertBad(run("--channel", cf(), "--spec", "gdal", "--installed", bad.toString()), bad + ":1:");
        assertBad(run("--channel", cf(), "--spec", "gdal", "--timeout", "-1"), "--timeout: -1 is not a number of seconds above 0");
        assertBad(run("--channel", "ht tp://x", "--spec", "gdal"), "--channel 'ht tp://x': not a channel URL or name");
        Path binary = Files.write(work.resolve("binary.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80});
        assertBad(run("--channel", cf(), "--spec", "gdal", "--installed", binary.toString()), "--installed " + binary
                + ": not a text file");
        Run usage = run("--spec", "gdal");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--channel");
    }

    private static void assertBad(Run r, String expected) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("env-lock: ").contains(expected).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void versionAndHelp() {
        StringWriter out = new StringWriter();
        assertThat(EnvLockCommand.run(new PrintWriter(out), new PrintWriter(new StringWriter()), false, "--version")).isZero();
        assertThat(out.toString()).startsWith("env-lock ").contains("solver");
        StringWriter help = new StringWriter();
        EnvLockCommand.run(new PrintWriter(help), new PrintWriter(new StringWriter()), false, "solve", "--help");
        assertThat(help.toString()).contains("--channel=URL", "--installed=FILE", "--prefer=FILE", "--virtual", "--json",
                "Exit codes:");
    }
}
