package ca.crim.pavics.jupyter.lock;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.lock.repodata.ChannelSet;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.lock.solve.BenchBaseline;
import ca.crim.pavics.jupyter.lock.solve.CfGeoUnionData;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * bench/resolve.sh: (1) the cf-geo-union scenarios, (2) a generated index of 500,000+ records (deep dependency
 * chains, python ABI builds, caps that force older versions) for an eo-like request of ~25 specs over a base of
 * ~500 installed records, cold (download, scan) and warm (cached index), with the peak heap, (3) libmamba's sudoku
 * channel. Each figure is printed beside the same solve by {@link BenchBaseline} (plain backtracking).
 */
public final class ResolveBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<VirtualPackage> LINUX = VirtualPackages.linux64("2.28", "4.18", "x86_64", Optional.empty());

    private ResolveBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path testdata = Path.of(args[1]);
        int records = Integer.parseInt(args[2]);
        Duration baselineLimit = Duration.ofSeconds(Long.parseLong(args[3]));
        String parts = args.length > 4 ? args[4] : "123";
        if (parts.contains("1")) {
            cfGeoUnion(work.resolve("cf"), testdata.resolve("resolver/conda/cf-geo-union"), baselineLimit);
        }
        if (parts.contains("2")) {
            generated(work.resolve("gen"), records, baselineLimit);
        }
        if (parts.contains("3")) {
            sudoku(work.resolve("sudoku"), testdata.resolve("resolver/conda/libmamba/libmamba/tests/data/repodata/sudoku.json"),
                    baselineLimit);
        }
        if (parts.contains("4")) {
            ca.crim.pavics.jupyter.lock.pip.PipResolveBench.run(work.resolve("pip"), Math.max(20_000, records / 25));
        }
    }

    // ---- (1) cf-geo-union ---------------------------------------------------------------------------------------

    private static void cfGeoUnion(Path dir, Path data, Duration limit) throws Exception {
        CfGeoUnionData cf = new CfGeoUnionData(data);
        JsonNode scenarios = cf.scenarios();
        List<Double> ours = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        int baselineGaveUp = 0;
        try (StaticHttpServer server = StaticHttpServer.serve(Files.createDirectories(dir))) {
            int n = 0;
            for (JsonNode s : scenarios) {
                n++;
                String date = s.path("date_utc").asText();
                cf.writeChannel(dir.resolve("s" + n), date);
                Channel channel = new Channel("conda-forge", server.url() + "/s" + n);
                List<MatchSpec> specs = new ArrayList<>();
                for (JsonNode spec : s.path("specs")) {
                    MatchSpec m = MatchSpec.parse(spec.asText());
                    specs.add(m.channel().isPresent() ? m.withChannel(channel) : m);
                }
                try (ChannelSet set = ChannelSet.open(List.of(channel), new RepodataCache(dir.resolve("cache"),
                        Duration.ofSeconds(10), l -> { }), true)) {
                    long t0 = System.nanoTime();
                    try {
                        CondaLocker.solve(new LockRequest(List.of(channel), specs, List.of(), List.of(), LINUX, Set.of()),
                                set, Duration.ZERO);
                    } catch (UnsatisfiableException e) {
                        System.out.println("  cf-geo-union " + date + ": unsatisfiable?!");
                    }
                    ours.add((System.nanoTime() - t0) / 1e9);
                    BenchBaseline.Run b = BenchBaseline.solve(specs, LINUX, set, limit);
                    baseline.add(b.seconds());
                    baselineGaveUp += b.gaveUp() ? 1 : 0;
                }
            }
        }
        System.out.printf("(1) cf-geo-union, %d scenarios (index as of each date, solve only, repodata read):%n", ours.size());
        System.out.printf("    ours:     median %.3f s, max %.3f s   (goals: median <= 2 s, worst <= 5 s)%n",
                median(ours), Collections.max(ours));
        System.out.printf("    baseline: median %.3f s, max %.3f s%s   ratio of medians ours/baseline: %.2f%n",
                median(baseline), Collections.max(baseline),
                baselineGaveUp > 0 ? " (gave up on " + baselineGaveUp + " after " + limit.toSeconds() + " s)" : "",
                median(ours) / median(baseline));
    }

    // ---- (2) a generated index of conda-forge's size -------------------------------------------------------------

    private static void generated(Path dir, int target, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        Generated g = Generated.write(dir.resolve("channel"), target, new Random(20261129));
        System.out.printf("(2) generated channel: %,d records (%,d linux-64, %,d noarch), %,d names, %.0f MB of repodata"
                + " (written in %.1f s)%n", g.linux + g.noarch, g.linux, g.noarch, g.names,
                (Files.size(dir.resolve("channel/linux-64/repodata.json")) + Files.size(dir.resolve("channel/noarch/repodata.json"))) / 1e6,
                (System.nanoTime() - t0) / 1e9);
        try (StaticHttpServer server = StaticHttpServer.serve(dir)) {
            Channel channel = new Channel("gen", server.url() + "/channel");
            Path cache = dir.resolve("cache");
            // the base: what a fresh solve of the base's ~40 top-level names gives (~500 records)
            LockResult base;
            try (ChannelSet set = ChannelSet.open(List.of(channel), new RepodataCache(cache, Duration.ofSeconds(60), l -> { }), true)) {
                base = CondaLocker.solve(new LockRequest(List.of(channel), g.baseSpecs, List.of(), List.of(), LINUX, Set.of()),
                        set, Duration.ZERO);
            }
            List<PackageRecord> installed = new ArrayList<>(base.environment().values());
            LockRequest request = new LockRequest(List.of(channel), g.requestSpecs, installed, List.of(), LINUX, Set.of());
            deleteRecursively(cache);
            Measured cold = measure(() -> new CondaLocker(new RepodataCache(cache, Duration.ofSeconds(60), l -> { })).lock(request));
            Measured warm = measure(() -> new CondaLocker(new RepodataCache(cache, Duration.ofSeconds(60), l -> { })).lock(request));
            LockResult r = warm.result;
            System.out.printf("    base: %d installed records; request: %d specs -> %s%n", installed.size(),
                    g.requestSpecs.size(), r.summary());
            System.out.printf("    ours cold (download + scan + solve): %.2f s, peak heap %.0f MB   (goals: <= 10 s, <= 1 GB)%n",
                    cold.seconds, cold.peakHeapMb);
            System.out.printf("    ours warm (cached index + solve):    %.2f s, solve %.2f s (%,d decisions, %,d conflicts),"
                    + " peak heap %.0f MB   (goal: <= 3 s)%n", warm.seconds, r.solveTime().toNanos() / 1e9, r.decisions(),
                    r.conflicts(), warm.peakHeapMb);
            try (ChannelSet set = ChannelSet.open(List.of(channel), new RepodataCache(cache, Duration.ofSeconds(60), l -> { }), true)) {
                List<MatchSpec> all = new ArrayList<>(g.requestSpecs);
                for (PackageRecord i : installed) {
                    all.add(MatchSpec.parse(i.name()));
                }
                BenchBaseline.Run b = BenchBaseline.solve(all, LINUX, set, limit);
                System.out.printf("    baseline warm solve: %s   ratio ours/baseline: %s%n", b.describe(limit),
                        b.gaveUp() ? "< " + String.format("%.3f", (r.solveTime().toNanos() / 1e9) / b.seconds())
                                : String.format("%.3f", (r.solveTime().toNanos() / 1e9) / b.seconds()));
            }
        }
    }

    /**
     * A channel shaped like conda-forge: a core of popular libraries everything depends on, and families of names
     * depending on earlier names of their family (deep chains), with version ranges, caps that force older versions,
     * and python ABI builds for four pythons.
     */
    static final class Generated {
        int linux;
        int noarch;
        int names;
        final List<MatchSpec> baseSpecs = new ArrayList<>();
        final List<MatchSpec> requestSpecs = new ArrayList<>();

        private static final int FAMILY = 40;
        private static final int CORE = 300;

        static Generated write(Path channel, int target, Random rnd) throws Exception {
            Generated g = new Generated();
            int names = Math.max(200, target / 25);
            g.names = names;
            int[] versions = new int[names];
            boolean[] isNoarch = new boolean[names];
            boolean[] isPython = new boolean[names];
            for (int n = 0; n < names; n++) {
                versions[n] = 3 + rnd.nextInt(18);
                isNoarch[n] = rnd.nextInt(100) < 30;
                isPython[n] = n > CORE && rnd.nextInt(100) < 35;
            }
            String[] pythons = {"3.10", "3.11", "3.12", "3.13"};
            Files.createDirectories(channel.resolve("linux-64"));
            Files.createDirectories(channel.resolve("noarch"));
            try (BufferedWriter linux = Files.newBufferedWriter(channel.resolve("linux-64/repodata.json"), StandardCharsets.UTF_8);
                    BufferedWriter na = Files.newBufferedWriter(channel.resolve("noarch/repodata.json"), StandardCharsets.UTF_8)) {
                linux.write("{\"info\":{\"subdir\":\"linux-64\"},\"packages\":{},\"packages.conda\":{");
                na.write("{\"info\":{\"subdir\":\"noarch\"},\"packages\":{},\"packages.conda\":{");
                boolean firstLinux = true;
                boolean firstNoarch = true;
                for (int p = 0; p < pythons.length; p++) {
                    String rec = record("python", pythons[p] + ".0", "h0_cpython", 0, List.of("libc-base >=1"), "linux-64");
                    linux.write((firstLinux ? "" : ",") + "\"python-" + pythons[p] + ".0-h0_cpython.conda\":" + rec);
                    firstLinux = false;
                    g.linux++;
                }
                linux.write(",\"libc-base-1.0-h0.conda\":" + record("libc-base", "1.0", "h0", 0, List.of("__glibc >=2.17"), "linux-64"));
                g.linux++;
                for (int n = 0; n < names && g.linux + g.noarch < target; n++) {
                    for (int v = 1; v <= versions[n]; v++) {
                        String version = (v / 4 + 1) + "." + (v % 4) + "." + rnd.nextInt(3);
                        int builds = isPython[n] && !isNoarch[n] ? pythons.length : 1 + rnd.nextInt(2);
                        for (int b = 0; b < builds; b++) {
                            List<String> deps = new ArrayList<>();
                            if (n > 0) {
                                // a few popular core libraries (as zlib, libgcc) and earlier names of the same family
                                // (as gdal -> libgdal -> proj): deep chains, closures of a few hundred records
                                int family = n / FAMILY * FAMILY;
                                int count = 1 + rnd.nextInt(4);
                                for (int d = 0; d < count; d++) {
                                    double r = rnd.nextDouble();
                                    int dep = rnd.nextInt(100) < 50 || n == family
                                            ? (int) (Math.min(CORE, n) * r * r * r)
                                            : family + rnd.nextInt(n - family);
                                    if (dep == n || deps.stream().anyMatch(x -> x.startsWith("n" + dep + " ") || x.equals("n" + dep))) {
                                        continue;
                                    }
                                    int roll = rnd.nextInt(100);
                                    deps.add("n" + dep + (roll < 50 ? "" : roll < 85 ? " >=1." + rnd.nextInt(3)
                                            : roll < 95 ? " >=1,<" + (1 + versions[dep] / 4) : " <" + (2 + rnd.nextInt(3))));
                                }
                            } else {
                                deps.add("libc-base >=1");
                            }
                            String build;
                            if (isPython[n] && !isNoarch[n]) {
                                String py = pythons[b];
                                deps.add("python >=" + py + ",<" + py.substring(0, 2) + (Integer.parseInt(py.substring(2)) + 1) + ".0a0");
                                build = "py" + py.replace(".", "") + "h" + Integer.toHexString(rnd.nextInt(1 << 20)) + "_" + b;
                            } else {
                                if (isPython[n]) {
                                    deps.add("python >=3.10");
                                }
                                build = (isNoarch[n] ? "pyhd8ed1ab_" : "h" + Integer.toHexString(rnd.nextInt(1 << 20)) + "_") + b;
                            }
                            String subdir = isNoarch[n] ? "noarch" : "linux-64";
                            String rec = record("n" + n, version, build, b, deps, subdir);
                            String fn = "n" + n + "-" + version + "-" + build + ".conda";
                            if (isNoarch[n]) {
                                na.write((firstNoarch ? "" : ",") + "\"" + fn + "\":" + rec);
                                firstNoarch = false;
                                g.noarch++;
                            } else {
                                linux.write(",\"" + fn + "\":" + rec);
                                g.linux++;
                            }
                        }
                    }
                }
                linux.write("}}");
                na.write("}}");
            }
            // the base: python 3.11 and ~30 names of the first half; the request: ~25 names of the second half
            g.baseSpecs.add(MatchSpec.parse("python 3.11.*"));
            Set<Integer> used = new HashSet<>();
            List<Integer> capped = new ArrayList<>();
            while (g.baseSpecs.size() < 45) {
                int n = CORE + rnd.nextInt(names / 2 - CORE);
                if (used.add(n)) {
                    // a few base packages are older than the channel's newest: the request upgrades three of them
                    boolean cap = capped.size() < 5 && versions[n] >= 8;
                    g.baseSpecs.add(MatchSpec.parse("n" + n + (cap ? " <2" : "")));
                    if (cap) {
                        capped.add(n);
                    }
                }
            }
            for (int i = 0; i < Math.min(3, capped.size()); i++) {
                g.requestSpecs.add(MatchSpec.parse("n" + capped.get(i) + " >=2"));
            }
            while (g.requestSpecs.size() < 25) {
                int n = names / 2 + rnd.nextInt(names / 2 - 1);
                if (used.add(n)) {
                    g.requestSpecs.add(MatchSpec.parse("n" + n + (g.requestSpecs.size() % 5 == 0 ? " >=1.1" : "")));
                }
            }
            return g;
        }

        private static String record(String name, String version, String build, int buildNumber, List<String> deps,
                String subdir) throws IOException {
            ObjectNode o = JSON.createObjectNode();
            o.put("name", name).put("version", version).put("build", build).put("build_number", buildNumber);
            o.putArray("depends").addAll(deps.stream().map(com.fasterxml.jackson.databind.node.TextNode::new).toList());
            o.put("subdir", subdir).put("timestamp", 1700000000000L + buildNumber).put("size", 1_000_000)
                    .put("md5", "0123456789abcdef0123456789abcdef")
                    .put("sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").put("license", "MIT");
            if (subdir.equals("noarch")) {
                o.put("noarch", name.startsWith("n") ? "python" : "generic");
            }
            return JSON.writeValueAsString(o);
        }
    }

    // ---- (3) sudoku ---------------------------------------------------------------------------------------------

    private static void sudoku(Path dir, Path sudoku, Duration limit) throws Exception {
        Path noarch = Files.createDirectories(dir.resolve("sudoku/noarch"));
        Files.copy(sudoku, noarch.resolve("repodata.json"));
        try (StaticHttpServer server = StaticHttpServer.serve(dir)) {
            Channel channel = new Channel("sudoku", server.url() + "/sudoku");
            List<MatchSpec> specs = List.of(MatchSpec.parse("sudoku_0_0"));
            try (ChannelSet set = ChannelSet.open(List.of(channel), new RepodataCache(dir.resolve("cache"),
                    Duration.ofSeconds(10), l -> { }), true)) {
                long t0 = System.nanoTime();
                String outcome = "solved?!";
                try {
                    CondaLocker.solve(new LockRequest(List.of(channel), specs, List.of(), List.of(), LINUX, Set.of()), set,
                            Duration.ZERO);
                } catch (UnsatisfiableException e) {
                    outcome = "proved unsatisfiable";
                }
                double ours = (System.nanoTime() - t0) / 1e9;
                BenchBaseline.Run b = BenchBaseline.solve(specs, LINUX, set, limit);
                System.out.printf("(3) sudoku channel (729 records; no request on it can be met):%n");
                System.out.printf("    ours: %s in %.2f s;  baseline: %s   ratio ours/baseline: %s%.3f%n", outcome, ours,
                        b.describe(limit), b.gaveUp() ? "< " : "", ours / b.seconds());
            }
        }
    }

    // ---- measuring ----------------------------------------------------------------------------------------------

    private interface Work {
        LockResult run() throws Exception;
    }

    private record Measured(LockResult result, double seconds, double peakHeapMb) {
    }

    private static Measured measure(Work work) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        LockResult r = work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Measured(r, seconds, peak / 1e6);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
