package ca.crim.pavics.jupyter.lock.pip;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.pypi.Marker;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.pypi.WheelTags;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PyPI pages and metadata files (poetry's test fixtures, testdata/resolver/pypi/poetry-pypi-fixtures): PEP 691
 * JSON pages served as a local index (file URLs pointed at the local server), PEP 658 metadata files beside them,
 * PEP 503 HTML pages read as they are.
 */
class PoetryFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = TestData.resolver().resolve("pypi/poetry-pypi-fixtures");

    @TempDir
    Path work;

    static PipResolver.Target cpython312() {
        return new PipResolver.Target(Marker.linuxCPython("3.12.4", "x86_64"), new WheelTags(12, 2, 28, "x86_64"),
                Pep440Version.parse("3.12.4"), false, "CPython 3.12 on manylinux_2_28_x86_64");
    }

    /** simple/NAME/index.json for every JSON page, files/ with the metadata files. */
    private Path localIndex() throws Exception {
        Path root = work.resolve("index");
        Path files = Files.createDirectories(root.resolve("files"));
        try (Stream<Path> pages = Files.list(FIXTURES.resolve("pypi.org/json"))) {
            for (Path p : pages.filter(f -> f.toString().endsWith(".json")).toList()) {
                ObjectNode page = (ObjectNode) JSON.readTree(p.toFile());
                for (JsonNode f : page.path("files")) {
                    ((ObjectNode) f).put("url", "../../files/" + f.path("filename").asText());
                }
                Path dir = Files.createDirectories(root.resolve("simple").resolve(page.path("name").asText().toLowerCase()));
                JSON.writeValue(dir.resolve("index.json").toFile(), page);
            }
        }
        try (Stream<Path> metas = Files.list(FIXTURES.resolve("pypi.org/metadata"))) {
            for (Path m : metas.filter(Files::isRegularFile).toList()) {
                Files.copy(m, files.resolve(m.getFileName()));
            }
        }
        return root;
    }

    @Test
    void pytest350ResolvesFromRealPagesReadingOnlyTheMetadataOfWhatItTries() throws Exception {
        Path root = localIndex();
        try (StaticHttpServer server = StaticHttpServer.serve(root)) {
            Map<String, String> first;
            try (SimpleIndex index = new SimpleIndex(List.of(server.url() + "/simple"), work.resolve("cache"), Duration.ofSeconds(10),
                    Netrc.none(), l -> { })) {
                first = versions(new PipResolver(index, cpython312(), Map.of()).resolve(List.of(Requirement.parse("pytest==3.5.0"))));
                // pytest 3.5.0's Requires-Dist, read by hand: py>=1.5.0, six>=1.10.0, setuptools, attrs>=17.4.0,
                // more-itertools>=4.0.0, pluggy<0.7,>=0.5; funcsigs only below python 3, colorama only on win32.
                // Newest of each on the pages; setuptools 67.6.1 requires python >=3.7, which 3.12 is.
                assertThat(first).isEqualTo(new TreeMap<>(Map.of("pytest", "3.5.0", "py", "1.5.3", "six", "1.11.0",
                        "setuptools", "67.6.1", "attrs", "17.4.0", "more-itertools", "4.1.0", "pluggy", "0.6.0")));
                assertThat(index.metadataFetched()).as("one metadata file per version tried").isEqualTo(7);
            }
            int before = server.requests();
            try (SimpleIndex warm = new SimpleIndex(List.of(server.url() + "/simple"), work.resolve("cache"), Duration.ofSeconds(10),
                    Netrc.none(), l -> { })) {
                assertThat(versions(new PipResolver(warm, cpython312(), Map.of()).resolve(List.of(Requirement.parse("pytest==3.5.0")))))
                        .isEqualTo(first);
                assertThat(warm.metadataFetched()).isZero();
                assertThat(warm.pagesFetched()).as("pages revalidated (304), not downloaded").isZero();
                assertThat(server.requests() - before).as("one revalidation per page").isEqualTo(7);
            }
        }
    }

    static Map<String, String> versions(Map<String, PipPin> pins) {
        Map<String, String> out = new TreeMap<>();
        pins.forEach((k, v) -> out.put(k, v.version().toString()));
        return out;
    }

    @Test
    void pep503HtmlPagesAreReadWithTheirAttributes() throws Exception {
        List<DistributionFile> black = SimpleIndex.parseHtml("https://example.org/simple/black/",
                Files.readAllBytes(FIXTURES.resolve("legacy/black.html")));
        DistributionFile wheel = black.stream().filter(f -> f.filename().equals("black-19.10b0-py36-none-any.whl")).findFirst().orElseThrow();
        assertThat(wheel.requiresPython()).isEqualTo(">=3.6");
        assertThat(wheel.sha256()).hasValue("13001c5b7dbc81137164b43137320a1785e95ce84e4db849279786877ac6d7f6");
        assertThat(wheel.url()).startsWith("https://files.pythonhosted.org/").doesNotContain("#");
        DistributionFile sdist = black.stream().filter(f -> f.filename().equals("black-19.10b0.tar.gz")).findFirst().orElseThrow();
        assertThat(sdist.requiresPython()).as("&gt; unescaped").isEqualTo(">=3.6");
        List<DistributionFile> futures = SimpleIndex.parseHtml("https://example.org/simple/futures/",
                Files.readAllBytes(FIXTURES.resolve("legacy/futures-partial-yank.html")));
        assertThat(futures).anyMatch(DistributionFile::yanked).anyMatch(f -> !f.yanked());
        List<DistributionFile> relative = SimpleIndex.parseHtml("https://example.org/simple/relative/",
                Files.readAllBytes(FIXTURES.resolve("legacy/relative.html")));
        assertThat(relative).isNotEmpty().allMatch(f -> f.url().startsWith("https://example.org/"));
    }
}
