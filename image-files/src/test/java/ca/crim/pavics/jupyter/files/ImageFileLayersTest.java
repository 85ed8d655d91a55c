package ca.crim.pavics.jupyter.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.env.EnvironmentException;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import ca.crim.pavics.jupyter.spec.ImageFilesParser;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared entries locked against a local HTTP server, written as layers, and the layers read back with
 * commons-compress: paths, kinds, modes, owners and content hashes as declared (expected values written by hand from
 * the archives made here).
 */
class ImageFileLayersTest {
    private static final String WRAPPER = "#!/bin/sh\nBIN=\"/heideltime/tt/bin\"\n";

    @TempDir
    Path dir;

    private Path served;
    private Path module;
    private StaticHttpServer server;

    @BeforeEach
    void serve() throws Exception {
        served = Files.createDirectories(dir.resolve("served"));
        module = Files.createDirectories(dir.resolve("nlp"));
        Files.write(served.resolve("model.bin"), new byte[] {1, 2, 3, 4});
        Files.write(served.resolve("english.par.gz"), Archives.gzip("english parameters\n"));
        Files.write(served.resolve("tagger.tar.gz"), new Archives().dir("bin").file("bin/tree-tagger", "#!/bin/sh\necho tag\n", 0755)
                .file("doc/a/b/readme.txt", "nested\n", 0644).symlink("bin/tt", "tree-tagger").symlink("doc/up", "../bin/tree-tagger")
                .bytes());
        Files.write(served.resolve("heideltime.tar.gz"), new Archives().dir("heideltime-standalone")
                .file("heideltime-standalone/de.unihd.dbs.heideltime.standalone.jar", "jar bytes", 0644)
                .file("heideltime-standalone/config.props", "x=1\n", 0644).bytes());
        Path wrapper = Files.writeString(module.resolve("tree-tagger-english"), WRAPPER);
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        server = StaticHttpServer.serve(served);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ImageFiles spec(String entries) throws Exception {
        Path file = Files.writeString(module.resolve("image-files.yml"), "files:\n" + entries.replace("URL", server.url()));
        return new ImageFilesParser().parse(file);
    }

    private static final String ALL = """
              - kind: directory
                path: /heideltime
                owner: "1000"
              - kind: download
                url: URL/model.bin
                path: /flair_models/ner-large
              - kind: archive
                url: URL/tagger.tar.gz
                path: /heideltime/tt
                owner: "1000"
              - kind: download
                url: URL/english.par.gz
                gunzip: true
                path: /heideltime/tt/lib/english.par
                owner: "1000:1000"
              - kind: file
                source: tree-tagger-english
                path: /heideltime/tt/cmd/tree-tagger-english
              - kind: archive
                url: URL/heideltime.tar.gz
                path: /heideltime
                strip_components: 1
                include: [de.unihd.dbs.heideltime.standalone.jar]
                owner: "1000"
            """;

    private PackageCache cache() {
        return new PackageCache(dir.resolve("cache/packages"), module, 4);
    }

    private List<ExtraLayer> layers(ImageFiles files, Optional<ImageFilesLock> lock) throws Exception {
        return ImageFileLayers.of(files, lock, module.resolve(ImageFilesLock.FILE_NAME), module, cache(),
                dir.resolve("cache/layers"), 6);
    }

    private ImageFilesLock lock(ImageFiles files) throws Exception {
        ImageFilesLocking.Result result = new ImageFilesLocking(cache()).lock(files, Optional.empty(), false);
        result.lock().write(module.resolve(ImageFilesLock.FILE_NAME));
        return ImageFilesLock.read(module.resolve(ImageFilesLock.FILE_NAME)).orElseThrow();
    }

    private List<Map<String, LayerContents.Entry>> written(List<ExtraLayer> layers) throws Exception {
        List<Map<String, LayerContents.Entry>> out = new ArrayList<>();
        for (ExtraLayer l : layers) {
            out.add(LayerContents.read(l.write(dir.resolve("work")).file()));
        }
        return out;
    }

    @Test
    void eachEntryIsOneLayerWithTheDeclaredPathsModesOwnersAndContent() throws Exception {
        ImageFiles files = spec(ALL);
        ImageFilesLock lock = lock(files);
        assertThat(lock.get(server.url() + "/model.bin")).contains(new ImageFilesLock.Locked(
                LayerContents.sha256(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3, 4})), 4));
        List<Map<String, LayerContents.Entry>> layers = written(layers(files, Optional.of(lock)));
        assertThat(layers).hasSize(6);
        // the declared folder: one entry, its owner
        assertThat(layers.get(0)).containsOnlyKeys("heideltime");
        assertThat(layers.get(0).get("heideltime")).extracting("type", "mode", "uid").containsExactly('d', 0755, 1000);
        // a download: root-owned parent, the file 0644
        assertThat(layers.get(1).keySet()).containsExactly("flair_models", "flair_models/ner-large");
        assertThat(layers.get(1).get("flair_models/ner-large")).extracting("type", "mode", "uid", "size")
                .containsExactly('f', 0644, 0, 4L);
        // an archive: nested folders, a symlink kept, owner 1000 everywhere below; /heideltime as declared
        Map<String, LayerContents.Entry> tagger = layers.get(2);
        assertThat(tagger.keySet()).containsExactly("heideltime", "heideltime/tt", "heideltime/tt/bin",
                "heideltime/tt/bin/tree-tagger", "heideltime/tt/bin/tt", "heideltime/tt/doc", "heideltime/tt/doc/a",
                "heideltime/tt/doc/a/b", "heideltime/tt/doc/a/b/readme.txt", "heideltime/tt/doc/up");
        assertThat(tagger.get("heideltime")).extracting("mode", "uid").containsExactly(0755, 1000);
        assertThat(tagger.get("heideltime/tt/bin/tree-tagger")).extracting("type", "mode", "uid", "sha256")
                .containsExactly('f', 0755, 1000, LayerContents.sha256("#!/bin/sh\necho tag\n"));
        assertThat(tagger.get("heideltime/tt/bin/tt")).extracting("type", "link").containsExactly('l', "tree-tagger");
        assertThat(tagger.get("heideltime/tt/doc/up")).extracting("type", "link").containsExactly('l', "../bin/tree-tagger");
        // gunzip
        assertThat(layers.get(3).get("heideltime/tt/lib/english.par")).extracting("mode", "uid", "gid", "sha256")
                .containsExactly(0644, 1000, 1000, LayerContents.sha256("english parameters\n"));
        // a module file keeps its executable bit
        assertThat(layers.get(4).get("heideltime/tt/cmd/tree-tagger-english")).extracting("mode", "sha256")
                .containsExactly(0755, LayerContents.sha256(WRAPPER));
        // one member of a release tarball, its folder stripped
        assertThat(layers.get(5).keySet()).containsExactly("heideltime", "heideltime/de.unihd.dbs.heideltime.standalone.jar");
    }

    @Test
    void layersAreReproducibleCachedAndChangingOneEntryChangesOneLayer() throws Exception {
        ImageFiles files = spec(ALL);
        ImageFilesLock lock = lock(files);
        List<ExtraLayer> first = layers(files, Optional.of(lock));
        List<String> digests = new ArrayList<>();
        for (ExtraLayer l : first) {
            digests.add(l.write(dir.resolve("w1")).digest());
        }
        // a clean layer cache writes the same bytes
        ca.crim.pavics.jupyter.image.FileTrees.delete(dir.resolve("cache/layers"));
        int requests = server.requests();
        List<String> again = new ArrayList<>();
        for (ExtraLayer l : layers(files, Optional.of(lock))) {
            again.add(l.write(dir.resolve("w2")).digest());
        }
        assertThat(again).isEqualTo(digests);
        assertThat(server.requests()).as("downloads come from the package cache").isEqualTo(requests);

        Files.writeString(module.resolve("tree-tagger-english"), WRAPPER + "# changed\n");
        List<ExtraLayer> changed = layers(files, Optional.of(lock));
        List<String> keysBefore = first.stream().map(ExtraLayer::key).toList();
        List<String> keysAfter = changed.stream().map(ExtraLayer::key).toList();
        for (int i = 0; i < keysBefore.size(); i++) {
            if (i == 4) {
                assertThat(keysAfter.get(i)).isNotEqualTo(keysBefore.get(i));
            } else {
                assertThat(keysAfter.get(i)).isEqualTo(keysBefore.get(i));
            }
        }
        LayerBlob cached = changed.get(1).write(dir.resolve("w3"));
        assertThat(cached.digest()).isEqualTo(digests.get(1));
    }

    @Test
    void aDeclaredUrlMissingFromTheLockIsRefusedNamingTheLineAndNothingIsFetched() throws Exception {
        ImageFiles files = spec(ALL);
        ImageFilesLock lock = lock(files);
        ImageFiles more = spec(ALL + "  - kind: download\n    url: URL/new.bin\n    path: /x/new.bin\n");
        int requests = server.requests();
        assertThatThrownBy(() -> layers(more, Optional.of(lock))).isInstanceOf(ImageFilesException.class)
                .hasMessage(module.resolve("image-files.yml") + ":26: " + server.url() + "/new.bin is not in "
                        + module.resolve("image-files.lock") + ": lock it again");
        assertThatThrownBy(() -> layers(files, Optional.empty())).isInstanceOf(ImageFilesException.class)
                .hasMessageEndingWith(" is not locked: " + module.resolve("image-files.lock") + " does not exist");
        assertThat(server.requests()).isEqualTo(requests);
    }

    @Test
    void aDownloadWhoseContentChangedSinceTheLockIsRefusedInOneLine() throws Exception {
        ImageFiles files = spec("  - kind: download\n    url: URL/model.bin\n    path: /m/model.bin\n");
        ImageFilesLock lock = lock(files);
        ca.crim.pavics.jupyter.image.FileTrees.delete(dir.resolve("cache"));
        Files.write(served.resolve("model.bin"), new byte[] {9, 9});
        ExtraLayer layer = layers(files, Optional.of(lock)).get(0);
        assertThatThrownBy(() -> layer.write(dir.resolve("w"))).isInstanceOf(EnvironmentException.class)
                .hasMessageStartingWith(module.resolve("image-files.yml") + ":2: hash mismatch for " + server.url() + "/model.bin")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(dir.resolve("cache/layers")).doesNotExist();
    }

    @Test
    void aDownloadWhoseSizeIsNotTheLockedOneIsRefused() throws Exception {
        ImageFiles files = spec("  - kind: download\n    url: URL/model.bin\n    path: /m/model.bin\n");
        ImageFilesLock lock = lock(files);
        ImageFilesLock.Locked l = lock.get(server.url() + "/model.bin").orElseThrow();
        ImageFilesLock edited = new ImageFilesLock(Map.of(server.url() + "/model.bin", new ImageFilesLock.Locked(l.sha256(), 5)));
        ExtraLayer layer = layers(files, Optional.of(edited)).get(0);
        assertThatThrownBy(() -> layer.write(dir.resolve("w"))).isInstanceOf(EnvironmentException.class)
                .hasMessage(module.resolve("image-files.yml") + ":2: " + server.url() + "/model.bin has 4 bytes, the lock says 5:"
                        + " lock it again");
    }

    @Test
    void aServerThatSendsNothingFailsTheLockAfterTheSilenceAllowed() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ImageFiles files = spec("  - kind: download\n    url: http://127.0.0.1:" + silent.getLocalPort() + "/x.bin\n    path: /x\n");
            PackageCache quick = new PackageCache(dir.resolve("cache/packages"), module, 1, java.time.Duration.ofSeconds(1));
            long start = System.nanoTime();
            assertThatThrownBy(() -> new ImageFilesLocking(quick).lock(files, Optional.empty(), false))
                    .isInstanceOf(ImageFilesException.class)
                    .hasMessage(module.resolve("image-files.yml") + ":2: cannot download http://127.0.0.1:" + silent.getLocalPort()
                            + "/x.bin: no response for 1 s");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        }
    }

    @Test
    void aServerThatStopsSendingItsBodyFailsTheDownloadAfterTheSilenceAllowed() throws Exception {
        try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket s = stalling.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little".getBytes());
                    s.getOutputStream().flush();
                    Thread.sleep(20_000);
                } catch (Exception e) {
                    // the client gave up
                }
            });
            server.setDaemon(true);
            server.start();
            ImageFiles files = spec("  - kind: download\n    url: http://127.0.0.1:" + stalling.getLocalPort() + "/x.bin\n    path: /x\n");
            PackageCache quick = new PackageCache(dir.resolve("cache/packages"), module, 1, java.time.Duration.ofSeconds(1));
            assertThatThrownBy(() -> new ImageFilesLocking(quick).lock(files, Optional.empty(), false))
                    .isInstanceOf(ImageFilesException.class)
                    .hasMessage(module.resolve("image-files.yml") + ":2: cannot download http://127.0.0.1:" + stalling.getLocalPort()
                            + "/x.bin: no data from http://127.0.0.1:" + stalling.getLocalPort() + "/x.bin for 1 s");
            try (java.util.stream.Stream<Path> left = Files.walk(dir.resolve("cache/packages"))) {
                assertThat(left.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
            }
        }
    }

    @Test
    void aUrlThatIsNotThereFailsTheLockNamingTheLine() throws Exception {
        ImageFiles files = spec("  - kind: download\n    url: URL/model.bin\n    path: /m/a\n  - kind: download\n    url: URL/gone.bin\n    path: /m/b\n");
        assertThatThrownBy(() -> new ImageFilesLocking(cache()).lock(files, Optional.empty(), false))
                .isInstanceOf(ImageFilesException.class)
                .hasMessage(module.resolve("image-files.yml") + ":5: cannot download " + server.url() + "/gone.bin: HTTP 404");
    }

    @Test
    void archiveMembersThatWouldLandOutsideTheirFolderAreRefused() throws Exception {
        Object[][] cases = {
            {new Archives().file("ok.txt", "a", 0644).file("../escape.txt", "b", 0644).bytes(),
                "member ../escape.txt has a '..' component: it would be written outside /opt/x"},
            {new Archives().file("/etc/passwd", "root", 0644).bytes(), "member /etc/passwd has an absolute name"},
            {new Archives().symlink("etc", "/etc").bytes(),
                "member etc is a symbolic link to the absolute path /etc: only links inside /opt/x can be extracted"},
            {new Archives().dir("a").symlink("a/out", "../../etc").bytes(),
                "member a/out is a symbolic link to ../../etc, which leads out of /opt/x"},
            {new Archives().fifo("pipe").bytes(), "member pipe is a device, FIFO or other special file: only files, folders and links can be extracted"},
            {new Archives().file("a.txt", "a", 0644).bytes(), "the archive has no member b.txt"},
            {"not a tar at all\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "has no member: it is not a tar, tar.gz, tar.bz2 or zip archive, or it is empty"},
            {new Archives().file("a.txt", "a", 0644).bytes(), "rename: the archive has no member nothere.jar"},
            {new Archives().file("x", "x", 0644).hardlink("h", "/etc/passwd").bytes(),
                "member h is a hard link to /etc/passwd, outside /opt/x"},
        };
        int n = 0;
        for (Object[] c : cases) {
            Files.write(served.resolve("bad" + n + ".tar.gz"), (byte[]) c[0]);
            String include = n == 5 ? "    include: [b.txt]\n" : n == 7 ? "    rename: {nothere.jar: x.jar}\n" : "";
            ImageFiles files = spec("  - kind: archive\n    url: URL/bad" + n + ".tar.gz\n    path: /opt/x\n" + include);
            ExtraLayer layer = layers(files, Optional.of(lock(files))).get(0);
            assertThatThrownBy(() -> layer.write(dir.resolve("w"))).as("case %s", c[1]).isInstanceOf(EnvironmentException.class)
                    .hasMessage(module.resolve("image-files.yml") + ":2: archive " + server.url() + "/bad" + n + ".tar.gz: " + c[1]);
            n++;
        }
    }

    @Test
    void aModuleFileOutsideTheModuleOrMissingIsRefused() throws Exception {
        Files.writeString(dir.resolve("secret"), "s");
        Files.createSymbolicLink(module.resolve("link"), dir.resolve("secret"));
        ImageFiles out = spec("  - kind: file\n    source: link\n    path: /x\n");
        assertThatThrownBy(() -> layers(out, Optional.empty())).isInstanceOf(ImageFilesException.class)
                .hasMessageContaining(":2: source link leads out of the module");
        ImageFiles missing = spec("  - kind: file\n    source: nope.sh\n    path: /x\n");
        assertThatThrownBy(() -> layers(missing, Optional.empty())).isInstanceOf(ImageFilesException.class)
                .hasMessageContaining(":2: source nope.sh is not a file of the module");
    }
}
