package ca.crim.pavics.jupyter.snapshot;

import ca.crim.pavics.jupyter.registry.DockerCredentials;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Benchmark of bench/snapshot.sh: a synthetic base of RECORDS conda records and FILES files in 10 gzip'd layers of
 * about TOTAL_MB (the last layer upgrades, removes and adds records, with whiteouts and an opaque folder), pushed to a
 * local docker-registry; then the time and peak memory (RSS, from /usr/bin/time) of a snapshot, in a JVM of its own
 * with a small heap, against {@code skopeo copy} to an OCI layout followed by {@code umoci unpack} of the same image
 * (the floor: reading the layers once). A second, quarter-size image shows that memory does not follow layer size.
 * Args: WORK_DIR TOTAL_MB RECORDS FILES.
 */
public final class SnapshotBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "opt/conda/envs/birdy";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        long totalMb = Long.parseLong(args[1]);
        int records = Integer.parseInt(args[2]);
        int files = Integer.parseInt(args[3]);
        Files.createDirectories(work);
        try (LocalRegistry registry = LocalRegistry.start(work)) {
            String full = push(registry, work, "full", totalMb, records, files);
            String quarter = push(registry, work, "quarter", totalMb / 4, records, files / 4);
            Measured floor = measure(work, List.of("sh", "-c", "skopeo copy --insecure-policy --src-tls-verify=false docker://"
                    + full + " oci:" + work.resolve("floor") + ":1 >/dev/null && umoci unpack --rootless --image "
                    + work.resolve("floor") + ":1 " + work.resolve("bundle") + " >/dev/null"));
            Measured ours = measure(work, snapshotCommand(full, work.resolve("full.json")));
            Measured small = measure(work, snapshotCommand(quarter, work.resolve("quarter.json")));
            System.out.printf("floor (skopeo copy + umoci unpack of %d MB): %.1f s, peak RSS %d MB%n", totalMb, floor.seconds(),
                    floor.rssMb());
            System.out.printf("snapshot (java -Xmx256m):                    %.1f s, peak RSS %d MB -> ratio %.2fx of the floor"
                    + " (goal <= 1.0x)%n", ours.seconds(), ours.rssMb(), ours.seconds() / floor.seconds());
            System.out.printf("snapshot of the quarter-size image:          %.1f s, peak RSS %d MB (memory %s with layer size)%n",
                    small.seconds(), small.rssMb(), Math.abs(ours.rssMb() - small.rssMb()) < 0.25 * small.rssMb()
                            ? "does not grow" : "GROWS");
            BaseSnapshot s = BaseSnapshot.read(work.resolve("full.json"));
            System.out.printf("snapshot: %d conda records, %d pip distributions, glibc %s%n", s.conda().size(),
                    s.pip().size(), s.system().glibc().orElse("?"));
        }
    }

    private record Measured(double seconds, long rssMb) {
    }

    private static List<String> snapshotCommand(String ref, Path out) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Run.class.getName(), ref, out.toString());
    }

    /** Runs a snapshot in a JVM of its own (for its time and memory). Args: REF OUT. */
    public static final class Run {
        public static void main(String[] args) throws Exception {
            RegistrySettings local = RegistrySettings.defaults(Map.of()).withAllowInsecure(true)
                    .withCredentials(DockerCredentials.none());
            BaseSnapshot s = new SnapshotMaker().make(new SnapshotMaker.Request(args[0], local, Optional.empty(),
                    Runtime.getRuntime().availableProcessors()));
            Files.write(Path.of(args[1]), s.toJson());
        }
    }

    private static Measured measure(Path work, List<String> command) throws Exception {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        timed.addAll(command);
        Process p = new ProcessBuilder(timed).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command + "\n" + out);
        }
        double seconds = 0;
        long rss = 0;
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("Elapsed (wall clock) time")) {
                String[] t = l.substring(l.lastIndexOf(' ') + 1).split(":");
                for (String part : t) {
                    seconds = seconds * 60 + Double.parseDouble(part);
                }
            } else if (l.startsWith("Maximum resident set size")) {
                rss = Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) / 1024;
            }
        }
        return new Measured(seconds, rss);
    }

    /** Writes the image as an OCI layout (layers streamed to files) and pushes it; returns its reference. */
    private static String push(LocalRegistry registry, Path work, String name, long totalMb, int records, int files)
            throws Exception {
        Path layout = work.resolve("layout-" + name);
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        SplittableRandom random = new SplittableRandom(42);
        int layers = 10;
        long perFile = totalMb * 1_000_000L / files;
        ArrayNode layerDescriptors = JSON.createArrayNode();
        ArrayNode diffIds = JSON.createArrayNode();
        int record = 0;
        for (int l = 0; l < layers; l++) {
            Path tmp = work.resolve("layer.tmp");
            MessageDigest compressed = MessageDigest.getInstance("SHA-256");
            MessageDigest uncompressed = MessageDigest.getInstance("SHA-256");
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    DigestOutputStream c = new DigestOutputStream(file, compressed);
                    GZIPOutputStream gz = new GZIPOutputStream(c, 1 << 16) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    };
                    DigestOutputStream u = new DigestOutputStream(gz, uncompressed);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(u)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                if (l == 0) {
                    put(tar, "lib/x86_64-linux-gnu/libc.so.6",
                            "GNU C Library (bench) stable release version 2.35.\n".getBytes(StandardCharsets.UTF_8));
                    put(tar, ENV + "/conda-meta/history", "==> 2024-01-01 <==\n".getBytes(StandardCharsets.UTF_8));
                    put(tar, ENV + "/conda-meta/python-3.11.9-0.json", record("python", "3.11.9", List.of()));
                }
                int recordsHere = l < layers - 1 ? records / (layers - 1) : 0;
                int filesPerRecord = Math.max(1, files / records);
                for (int r = 0; r < recordsHere; r++, record++) {
                    List<String> paths = new ArrayList<>();
                    for (int f = 0; f < filesPerRecord; f++) {
                        String path = "lib/pkg" + record + "/file" + f + ".so";
                        paths.add(path);
                        byte[] content = new byte[(int) Math.max(1, perFile / 2 + random.nextLong(Math.max(1, perFile)))];
                        random.nextBytes(content);
                        put(tar, ENV + "/" + path, content);
                    }
                    put(tar, ENV + "/conda-meta/pkg" + record + "-1.0-0.json", record("pkg" + record, "1.0", paths));
                }
                if (l == layers - 1) {
                    for (int r = 0; r < 30; r++) {
                        put(tar, ENV + "/conda-meta/.wh.pkg" + r + "-1.0-0.json", new byte[0]);
                        put(tar, ENV + "/conda-meta/pkg" + r + "-2.0-0.json", record("pkg" + r, "2.0", List.of()));
                    }
                    for (int r = 30; r < 40; r++) {
                        put(tar, ENV + "/conda-meta/.wh.pkg" + r + "-1.0-0.json", new byte[0]);
                    }
                    for (int d = 0; d < 20; d++) {
                        String dir = ENV + "/lib/python3.11/site-packages/dist" + d + "-1.0.dist-info/";
                        put(tar, dir + "METADATA", ("Metadata-Version: 2.1\nName: dist" + d + "\nVersion: 1.0\n")
                                .getBytes(StandardCharsets.UTF_8));
                        put(tar, dir + "RECORD", ("dist" + d + "/__init__.py,,\n").getBytes(StandardCharsets.UTF_8));
                    }
                    put(tar, ENV + "/lib/pkg50/.wh..wh..opq", new byte[0]);
                }
            }
            String digest = HexFormat.of().formatHex(compressed.digest());
            Files.move(tmp, blobs.resolve(digest), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            layerDescriptors.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
                    .put("digest", "sha256:" + digest).put("size", Files.size(blobs.resolve(digest)));
            diffIds.add("sha256:" + HexFormat.of().formatHex(uncompressed.digest()));
        }
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("config").putArray("Env").add("PATH=/" + ENV + "/bin:/usr/bin:/bin");
        config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
        byte[] configBytes = JSON.writeValueAsBytes(config);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", "sha256:" + write(blobs, configBytes)).put("size", configBytes.length);
        manifest.set("layers", layerDescriptors);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = write(blobs, manifestBytes);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", "sha256:" + manifestDigest).put("size", manifestBytes.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", "1");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        String ref = registry.address() + "/bench/" + name + ":1";
        Skopeo.copy("oci:" + layout + ":1", "docker://" + ref);
        return ref;
    }

    private static String write(Path blobs, byte[] content) throws Exception {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blobs.resolve(hex), content);
        return hex;
    }

    private static byte[] record(String name, String version, List<String> files) throws IOException {
        ObjectNode r = JSON.createObjectNode().put("name", name).put("version", version)
                .put("build", "0")
                .put("build_number", 0).put("subdir", "linux-64");
        files.forEach(r.putArray("files")::add);
        return JSON.writeValueAsBytes(r);
    }

    private static void put(TarArchiveOutputStream tar, String path, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(content.length);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
