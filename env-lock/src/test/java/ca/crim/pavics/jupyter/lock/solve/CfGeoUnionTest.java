package ca.crim.pavics.jupyter.lock.solve;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.lock.repodata.ChannelLocator;
import ca.crim.pavics.jupyter.lock.repodata.ChannelSet;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real conda-forge records and the 46 dated lock scenarios of 2024 of a real project (cf-geo-union, read its README):
 * each scenario's channel is the records first seen by its date, served over HTTP on 127.0.0.1 and read through the
 * repodata cache; its specs are solved with pixi's linux-64 virtual packages; manual re-locks prefer the previous
 * lock's records. Every solution is checked by {@link SolutionChecker}; the answers are compared with pixi's locks.
 */
class CfGeoUnionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DATA = Path.of("conda/cf-geo-union");
    private static final List<VirtualPackage> PIXI_LINUX_64 = VirtualPackages.linux64("2.28", "4.18", "x86_64",
            Optional.empty());

    @TempDir
    Path served;

    @TempDir
    Path cache;

    /** A record as pixi's tie-break may differ from ours: name, version and build number. */
    private static String tie(String subdirFn, CfGeoUnionData data) {
        JsonNode r = data.record(subdirFn);
        return r.path("name").asText() + " " + r.path("version").asText() + " " + r.path("build_number").asLong();
    }

    @Test
    void everyScenarioMatchesPixi() throws Exception {
        Path root = TestData.resolver().resolve(DATA);
        CfGeoUnionData data = new CfGeoUnionData(root);
        JsonNode scenarios = data.scenarios();
        Map<String, Set<String>> byCommit = new HashMap<>();
        List<String> failures = new ArrayList<>();
        double exactSum = 0;
        double tieSum = 0;
        int relocks = 0;
        int fresh = 0;
        int relockKept = 0;
        int relockKeptByPixi = 0;
        List<Long> times = new ArrayList<>();
        try (StaticHttpServer server = StaticHttpServer.serve(served)) {
            int n = 0;
            for (JsonNode s : scenarios) {
                n++;
                String date = s.path("date_utc").asText();
                Set<String> expected = new HashSet<>();
                s.path("expected").forEach(e -> expected.add(e.asText()));
                byCommit.put(s.path("commit").asText(), expected);
                Path dir = served.resolve("s" + n);
                int indexed = data.writeChannel(dir, date);
                assertThat(indexed).as("records first seen by " + date).isEqualTo(s.path("index_records_first_seen_by_date").asInt());
                Channel channel = new Channel("conda-forge", server.url() + "/s" + n);
                ChannelLocator locator = new ChannelLocator(Channel.DEFAULT_ALIAS, Map.of("conda-forge", channel.baseUrl()));
                List<MatchSpec> specs = new ArrayList<>();
                for (JsonNode spec : s.path("specs")) {
                    specs.add(locator.locate(MatchSpec.parse(spec.asText()), List.of(channel)));
                }
                Set<String> previous = s.path("kind").asText().equals("manual-relock")
                        ? byCommit.getOrDefault(s.path("previous_commit").asText(), Set.of()) : Set.of();
                Set<String> preferred = new HashSet<>();
                previous.forEach(p -> preferred.add(p.substring(p.indexOf('/') + 1).replaceAll("\\.(conda|tar\\.bz2)$", "")));
                long start = System.nanoTime();
                Solver.Solution solution;
                try (ChannelSet set = ChannelSet.open(List.of(channel), new RepodataCache(cache, Duration.ofSeconds(10), l -> { }), true)) {
                    solution = Solver.solve(new Solver.Request(specs, List.of(), preferred, PIXI_LINUX_64, List.of()), set);
                } catch (UnsatisfiableException e) {
                    failures.add(date + ": unsatisfiable: " + e.getMessage());
                    continue;
                }
                times.add((System.nanoTime() - start) / 1_000_000);
                List<String> violations = SolutionChecker.violations(solution.records(), specs, List.of(), PIXI_LINUX_64, List.of());
                if (!violations.isEmpty()) {
                    failures.add(date + ": invalid solution: " + violations);
                }
                Set<String> ours = new HashSet<>();
                Set<String> oursTies = new HashSet<>();
                for (PackageRecord r : solution.records().values()) {
                    ours.add(r.subdir() + "/" + r.fileName());
                    oursTies.add(r.name() + " " + r.version() + " " + r.buildNumber());
                }
                long exact = expected.stream().filter(ours::contains).count();
                long ties = expected.stream().filter(e -> oursTies.contains(tie(e, data))).count();
                if (previous.isEmpty()) {
                    fresh++;
                    exactSum += (double) exact / expected.size();
                    tieSum += (double) ties / expected.size();
                } else {
                    relocks++;
                    Set<String> keptByPixi = new HashSet<>(previous);
                    keptByPixi.retainAll(expected);
                    relockKeptByPixi += keptByPixi.size();
                    relockKept += (int) keptByPixi.stream().filter(ours::contains).count();
                }
                System.out.printf("%s %-13s %3d records, %3d exact, %3d same version and build number as pixi; %4d ms%n",
                        date.substring(0, 10), s.path("kind").asText(), expected.size(), exact, ties, times.get(times.size() - 1));
            }
        }
        times.sort(Long::compare);
        System.out.printf("cf-geo-union: %d scenarios; fresh solves (%d) matched pixi's records exactly %.2f%%, up to ties"
                + " %.2f%% on average; re-locks (%d) kept %d of the %d previous records pixi kept; solve median %d ms,"
                + " max %d ms%n", scenarios.size(), fresh, 100 * exactSum / fresh, 100 * tieSum / fresh, relocks,
                relockKept, relockKeptByPixi, times.get(times.size() / 2), times.get(times.size() - 1));
        assertThat(failures).isEmpty();
        assertThat(fresh + relocks).isEqualTo(scenarios.size());
        assertThat(tieSum / fresh).isGreaterThanOrEqualTo(0.98);
        assertThat(relockKept).isEqualTo(relockKeptByPixi);
    }
}
