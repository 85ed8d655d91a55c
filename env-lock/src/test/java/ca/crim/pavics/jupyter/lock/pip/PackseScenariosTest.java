package ca.crim.pavics.jupyter.lock.pip;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.pypi.Marker;
import ca.crim.pavics.jupyter.pypi.Pep440Version;
import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.pypi.WheelTags;
import ca.crim.pavics.jupyter.testsupport.SimpleIndexWriter;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import ca.crim.pavics.jupyter.testsupport.WheelBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packse's resolver scenarios (astral-sh/packse, testdata/resolver/pypi/packse): each scenario's packages built as
 * real wheels (and placeholder sdists) into a PEP 691 index with PEP 658 metadata files, served on 127.0.0.1, resolved
 * for a CPython on manylinux x86_64, and compared with the scenario's expected packages or expected failure.
 *
 * <p>Not applicable, and counted apart: universal ("fork") resolution for several platforms at once (we lock one
 * image), and scenarios whose expected result needs a source build (we lock wheels only: those must fail here, and
 * do).
 */
class PackseScenariosTest {
    private static final TomlMapper TOML = new TomlMapper();

    /**
     * Scenarios whose expectation is uv's policy where the issue asks for pip's, with pip's answer derived by hand
     * from pip's documented rules ("" = unsatisfiable): pre-releases are admitted when a clause names one or when no
     * final release matches a requirement (uv admits them only when a package has no final release at all or the user
     * names one), and Requires-Python upper bounds are honoured (uv ignores them).
     */
    private static final Map<String, String> PIP_POLICY = Map.of(
            "package-only-prereleases-in-range", "a=1.0.0a1", // a>0.1.0: no final release matches, so 1.0.0a1
            "transitive-package-only-prereleases-in-range", "a=0.1.0 b=1.0.0a1", // b>0.1: the same, one level down
            "transitive-prerelease-and-stable-dependency", "a=1.0.0 b=1.0.0 c=2.0.0b1", // c==2.0.0b1 names it
            "transitive-prerelease-and-stable-dependency-many-versions", "a=1.0.0 b=1.0.0 c=2.0.0b9", // c>=2.0.0b1 names one
            "transitive-prerelease-and-stable-dependency-many-versions-holes", "a=1.0.0 b=1.0.0 c=2.0.0b4", // <2.0.0b5, holes
            "python-less-than-current", ""); // Requires-Python <=3.8 on 3.9: refused

    @TempDir
    Path work;

    record Outcome(String scenario, String verdict, String detail) {
    }

    @Test
    void packseScenarios() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(TestData.resolver().resolve("pypi/packse/scenarios"))) {
            files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
        }
        List<Outcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Path f : files) {
            outcomes.add(run(f, work.resolve("s" + i++)));
        }
        Map<String, List<String>> byVerdict = new TreeMap<>();
        for (Outcome o : outcomes) {
            byVerdict.computeIfAbsent(o.verdict(), k -> new ArrayList<>()).add(o.scenario() + (o.detail().isEmpty() ? "" : ": " + o.detail()));
        }
        StringBuilder report = new StringBuilder();
        byVerdict.forEach((k, v) -> report.append(k).append(": ").append(v.size()).append('\n'));
        System.out.println("packse scenarios (" + files.size() + "):\n" + report);
        byVerdict.getOrDefault("FAIL", List.of()).forEach(System.out::println);
        assertThat(byVerdict.getOrDefault("FAIL", List.of())).as(report.toString()).isEmpty();
        assertThat(byVerdict.get("pass")).hasSizeGreaterThanOrEqualTo(80);
    }

    private Outcome run(Path file, Path dir) throws IOException {
        JsonNode s = TOML.readTree(file.toFile());
        String name = s.path("name").asText();
        JsonNode options = s.path("resolver_options");
        if (options.path("universal").asBoolean(false) || options.has("required_environments")) {
            return new Outcome(name, "not applicable (universal resolution)", "");
        }
        if (options.has("no_binary") || options.has("no_build") && !s.path("expected").path("satisfiable").asBoolean()) {
            return new Outcome(name, "not applicable (build options)", "");
        }
        String python = options.path("python").asText(s.path("environment").path("python").asText("3.12"));
        String[] pv = python.split("\\.");
        String full = pv.length >= 3 ? python : python + ".0";
        int glibcMinor = options.path("python_platform").asText("").contains("manylinux2014") ? 17 : 28;
        PipResolver.Target target = new PipResolver.Target(Marker.linuxCPython(full, "x86_64"),
                new WheelTags(Integer.parseInt(pv[1]), 2, glibcMinor, "x86_64"), Pep440Version.parse(full),
                options.path("prereleases").asBoolean(false), "CPython " + python + " on manylinux_2_" + glibcMinor + "_x86_64");

        SimpleIndexWriter index = new SimpleIndexWriter(dir);
        for (var p = s.path("packages").fields(); p.hasNext();) {
            var pkg = p.next();
            index.addEmpty(pkg.getKey());
            for (var v = pkg.getValue().path("versions").fields(); v.hasNext();) {
                var ver = v.next();
                JsonNode meta = ver.getValue();
                StringBuilder headers = new StringBuilder();
                String rp = meta.path("requires_python").asText("");
                if (!rp.isEmpty()) {
                    headers.append("Requires-Python: ").append(rp).append('\n');
                }
                for (JsonNode r : meta.path("requires")) {
                    headers.append("Requires-Dist: ").append(r.asText()).append('\n');
                }
                for (var e = meta.path("extras").fields(); e.hasNext();) {
                    var extra = e.next();
                    headers.append("Provides-Extra: ").append(extra.getKey()).append('\n');
                    for (JsonNode r : extra.getValue()) {
                        String req = r.asText();
                        headers.append("Requires-Dist: ").append(req).append(req.contains(";") ? " and " : " ; ")
                                .append("extra == '").append(extra.getKey()).append("'\n");
                    }
                }
                boolean yanked = meta.path("yanked").asBoolean(false);
                List<String> tags = new ArrayList<>();
                meta.path("wheel_tags").forEach(t -> tags.add(t.asText()));
                if (tags.isEmpty()) {
                    tags.add("py3-none-any");
                }
                String escaped = pkg.getKey().replaceAll("[-_.]+", "_");
                if (meta.path("wheel").asBoolean(true)) {
                    for (String tag : tags) {
                        index.add(new WheelBuilder(escaped, ver.getKey()).tag(tag).metadata(headers.toString())
                                .file(escaped + "/__init__.py", "", 0644), pkg.getKey(), rp, yanked);
                    }
                }
                if (meta.path("sdist").asBoolean(true)) {
                    index.addSdist(pkg.getKey(), ver.getKey(), rp, yanked);
                }
            }
        }
        index.write();
        boolean expectOk = s.path("expected").path("satisfiable").asBoolean();
        Map<String, String> expected = new TreeMap<>();
        s.path("expected").path("packages").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asText()));
        List<Requirement> requirements = new ArrayList<>();
        for (JsonNode r : s.path("root").path("requires")) {
            requirements.add(Requirement.parse(r.asText()));
        }
        try (StaticHttpServer server = StaticHttpServer.serve(dir);
                SimpleIndex client = new SimpleIndex(List.of(server.url() + "/simple/"), dir.resolve("cache"), Duration.ofSeconds(10),
                        Netrc.none(), l -> { })) {
            Map<String, PipPin> pins = new PipResolver(client, target, Map.of()).resolve(requirements);
            Map<String, String> got = new TreeMap<>();
            pins.forEach((k, v) -> got.put(k, v.version().toString()));
            if (PIP_POLICY.containsKey(name)) {
                String want = PIP_POLICY.get(name);
                String have = String.join(" ", got.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                return want.equals(have) ? new Outcome(name, "pip's policy (uv expects otherwise)", "")
                        : new Outcome(name, "FAIL", "pip's policy gives " + want + ", resolved " + have);
            }
            if (!expectOk) {
                return new Outcome(name, "FAIL", "expected unsatisfiable, resolved " + got);
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String have = got.get(e.getKey());
                if (have == null || !Pep440Version.parse(have).equals(Pep440Version.parse(e.getValue()))) {
                    return new Outcome(name, "FAIL", "expected " + expected + ", resolved " + got);
                }
            }
            return new Outcome(name, "pass", "");
        } catch (PipResolutionException e) {
            if (PIP_POLICY.containsKey(name)) {
                return PIP_POLICY.get(name).isEmpty() ? new Outcome(name, "pip's policy (uv expects otherwise)", "")
                        : new Outcome(name, "FAIL", "pip's policy gives " + PIP_POLICY.get(name) + ", refused: " + e.getMessage());
            }
            if (!expectOk) {
                assertThat(e.getMessage()).as(name).doesNotContain("Exception");
                return new Outcome(name, "pass", "");
            }
            if (e.getMessage().contains("source distributions")) {
                return new Outcome(name, "refused: needs an sdist (wheels only)", "");
            }
            return new Outcome(name, "FAIL", "expected " + expected + ", refused: " + e.getMessage());
        } catch (PypiException e) {
            return new Outcome(name, "FAIL", "index error: " + e.getMessage());
        }
    }

}
