package ca.crim.pavics.jupyter.lock.pip;

import ca.crim.pavics.jupyter.pypi.Requirement;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Part (4) of bench/resolve.sh: pip's resolver over a generated PEP 691 index of VERSIONS versions (projects of 20
 * versions, each version's metadata as a PEP 658 file; dependencies with version ranges on later projects, some
 * pinned by conda's packages) and a request of 15 requirements: cold (pages and metadata downloaded) and warm (pages
 * revalidated, metadata cached) times, metadata files fetched; the baseline reads every version's metadata of each
 * project the resolution reaches (what a resolver without lazy metadata would do).
 */
public final class PipResolveBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipResolveBench() {
    }

    public static void run(Path dir, int versions) throws Exception {
        int perProject = 20;
        int projects = versions / perProject;
        Random random = new Random(42);
        Path simple = Files.createDirectories(dir.resolve("index/simple"));
        Path files = Files.createDirectories(dir.resolve("index/files"));
        for (int p = 0; p < projects; p++) {
            String name = "proj" + p;
            ObjectNode page = JSON.createObjectNode();
            page.putObject("meta").put("api-version", "1.1");
            page.put("name", name);
            ArrayNode list = page.putArray("files");
            for (int v = 0; v < perProject; v++) {
                String version = (v / 5 + 1) + "." + (v % 5) + ".0";
                StringBuilder meta = new StringBuilder("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version
                        + "\nRequires-Python: >=3.9\n");
                int deps = p + 1 < projects ? 1 + random.nextInt(3) : 0;
                for (int d = 0; d < deps; d++) {
                    int target = Math.min(projects - 1, p + 1 + random.nextInt(Math.max(1, Math.min(200, projects - p - 1))));
                    int low = 1 + random.nextInt(3);
                    meta.append("Requires-Dist: proj").append(target).append(">=").append(low).append(".0,<").append(low + 2).append(".0\n");
                }
                if (p % 50 == 7) {
                    meta.append("Requires-Dist: numpy>=1.22\n");
                }
                String fn = name + "-" + version + "-py3-none-any.whl";
                byte[] m = meta.toString().getBytes(StandardCharsets.UTF_8);
                Files.write(files.resolve(fn + ".metadata"), m);
                ObjectNode f = list.addObject().put("filename", fn).put("url", "../../files/" + fn);
                f.putObject("hashes").put("sha256", sha256((fn + "-content").getBytes(StandardCharsets.UTF_8)));
                f.put("requires-python", ">=3.9");
                f.putObject("core-metadata").put("sha256", sha256(m));
            }
            Path d = Files.createDirectories(simple.resolve(name));
            JSON.writeValue(d.resolve("index.json").toFile(), page);
        }
        List<Requirement> request = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            request.add(Requirement.parse("proj" + (i * Math.max(1, projects / 40)) + ">=1.0"));
        }
        Map<String, InstalledDistribution> conda = Map.of("numpy",
                new InstalledDistribution("numpy", "1.26.4", "conda package numpy 1.26.4 of the lock", false));
        System.out.printf("(4) pip: %,d versions of %,d projects, PEP 658 metadata, a request of %d requirements%n",
                projects * perProject, projects, request.size());
        try (StaticHttpServer server = StaticHttpServer.serve(dir.resolve("index"))) {
            for (String pass : List.of("cold", "warm")) {
                try (SimpleIndex index = new SimpleIndex(List.of(server.url() + "/simple/"), dir.resolve("cache"), Duration.ofSeconds(30),
                        Netrc.none(), l -> { })) {
                    long start = System.nanoTime();
                    PipResolver resolver = new PipResolver(index, PoetryFixturesTest.cpython312(), conda);
                    Map<String, PipPin> pins = resolver.resolve(request);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("    %s: %.2f s, %d packages, %d candidates tried, %d metadata files fetched, %d pages downloaded%n",
                            pass, seconds, pins.size(), resolver.tries(), index.metadataFetched(), index.pagesFetched());
                    if (pass.equals("warm")) {
                        long b = System.nanoTime();
                        int all = 0;
                        for (String name : pins.keySet()) {
                            for (DistributionFile f : index.files(name)) {
                                index.metadata(f);
                                all++;
                            }
                        }
                        double baseline = (System.nanoTime() - b) / 1e9 + seconds;
                        System.out.printf("    baseline (eager: every version's metadata of the %d projects reached, %d files,"
                                + " warm): %.2f s; ours/baseline %.2f%n", pins.size(), all, baseline, seconds / baseline);
                    }
                }
            }
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
