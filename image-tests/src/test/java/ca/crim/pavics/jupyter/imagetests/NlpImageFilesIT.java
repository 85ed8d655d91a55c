package ca.crim.pavics.jupyter.imagetests;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.ExternalTools;
import ca.crim.pavics.jupyter.testsupport.LayerTar;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.Processes;
import ca.crim.pavics.jupyter.testsupport.RepositoryCopy;
import ca.crim.pavics.jupyter.testsupport.Skopeo;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import ca.crim.pavics.jupyter.testsupport.Umoci;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real nlp/image-files.yml, its URLs served by a local HTTP server (each host becomes a folder) with generated
 * downloads of the same shapes (a model file, TreeTagger's program and script tarballs, a gzip'd parameter file,
 * HeidelTime's release tarball), locked with {@code jupyter-image:lock-files}, built over the synthetic base into a
 * local registry, and checked with skopeo, umoci and chroot (TreeTagger's English wrapper run on a stub tagger).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NlpImageFilesIT {
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final String TREETAGGER = "www.cis.lmu.de/~schmid/tools/TreeTagger/data/";
    private static final String VERSION = "0.6.0-SNAPSHOT";
    private static final byte[] MODEL = model();

    private Path work;
    private LocalRegistry registry;
    private String baseImage;
    private RepositoryCopy repo;
    private StaticHttpServer server;
    private Path served;

    @BeforeAll
    void setUp() throws IOException {
        for (String[] tool : new String[][] {{"skopeo", "skopeo"}, {"umoci", "umoci"}, {"busybox", "busybox-static"},
                {"docker-registry", "docker-registry"}, {"git", "git"}}) {
            ExternalTools.require(tool[0], tool[1]);
        }
        work = Files.createTempDirectory("nlp-image-files-it");
        registry = LocalRegistry.start(work);
        baseImage = SyntheticBaseImage.pushTo(registry, work);
        repo = RepositoryCopy.create(work.resolve("repo"));
        served = Files.createDirectories(work.resolve("served"));
        write("huggingface.co/flair/ner-english-large/resolve/main/pytorch_model.bin", MODEL);
        write(TREETAGGER + "tree-tagger-linux-3.2.3.tar.gz", tarGz(
                "bin/", "", "bin/tree-tagger", STUB_TAGGER, "bin/train-tree-tagger", "#!/bin/sh\n", "FILES", "bin/tree-tagger\n",
                "doc/a/b/README", "nested\n", "@bin/tagger", "tree-tagger"));
        write(TREETAGGER + "tagger-scripts.tar.gz", tarGz(
                "cmd/utf8-tokenize.perl", STUB_TOKENIZER, "cmd/tree-tagger-german", "#!/bin/sh\n",
                "lib/english-abbreviations", "Mr.\n", "lib/german-abbreviations", "Hr.\n"));
        write(TREETAGGER + "english.par.gz", LayerTar.gzip("english parameter file\n".getBytes(StandardCharsets.UTF_8)));
        write("github.com/HeidelTime/heideltime/releases/download/VERSION2.2.1/heideltime-standalone-2.2.1.tar.gz", tarGz(
                "heideltime-standalone/de.unihd.dbs.heideltime.standalone.jar", "PK jar", "heideltime-standalone/config.props",
                "x=1\n"));
        server = StaticHttpServer.serve(served);
        Path spec = repo.root().resolve("nlp/image-files.yml");
        Files.writeString(spec, Files.readString(spec).replace("https://", server.url() + "/"));
        Processes.Result tooling = repo.maven(LIMIT, "-q", "install", "-DskipTests", "-pl", "jupyter-image-maven-plugin", "-am");
        assertThat(tooling.exitCode()).as(tooling.output()).isZero();
    }

    @AfterAll
    void tearDown() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Prints "WORD<TAB>VVD<TAB>WORD" for each token: TreeTagger's output shape, a tag the wrapper rewrites. */
    private static final String STUB_TAGGER = "#!/bin/sh\n# stub: options and parameter file in $@\n"
            + "test -r \"$4\" || { echo \"no parameter file $4\" >&2; exit 2; }\n"
            + "while read w; do printf '%s\\tVVD\\t%s\\n' \"$w\" \"$w\"; printf 'that\\tIN/that\\tthat\\n'; done\n";
    /** One token per line of the file given last (or stdin), as the real tokenizer does. */
    private static final String STUB_TOKENIZER = "#!/bin/sh\n# stub: -e -a ABBREVIATIONS [FILE]\n"
            + "test -r \"$3\" || { echo \"no abbreviation list $3\" >&2; exit 2; }\nshift 3\ncat \"$@\" | tr ' ' '\\n'\n";

    private void write(String path, byte[] content) throws IOException {
        Path file = served.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static byte[] model() {
        byte[] b = new byte[3 << 20];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + (i >> 9));
        }
        return b;
    }

    /** name, content pairs; a name ending in / is a folder, a name starting with @ a symlink to the content. */
    private static byte[] tarGz(String... pairs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(out))) {
            for (int i = 0; i < pairs.length; i += 2) {
                String name = pairs[i];
                byte[] data = pairs[i + 1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e;
                if (name.endsWith("/")) {
                    e = new TarArchiveEntry(name);
                    e.setMode(040755);
                } else if (name.startsWith("@")) {
                    e = new TarArchiveEntry(name.substring(1), TarConstants.LF_SYMLINK);
                    e.setLinkName(pairs[i + 1]);
                    data = new byte[0];
                } else {
                    e = new TarArchiveEntry(name);
                    e.setMode(name.startsWith("bin/") || name.startsWith("cmd/") ? 0100755 : 0100644);
                    e.setSize(data.length);
                }
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private Processes.Result build(String... args) {
        List<String> all = new ArrayList<>(List.of("-DskipTests", "-Dmaven.install.skip=true", "-Djib.allowInsecureRegistries=true",
                "-Dbase.image=" + baseImage, "-Dimage.env.cacheDir=" + work.resolve("cache/packages"), "-Dimage.files.skip=false"));
        all.addAll(List.of(args));
        return repo.maven(LIMIT, all.toArray(String[]::new));
    }

    private String image() {
        return "docker://" + registry.address() + "/pavics/crim-jupyter-nlp:" + VERSION;
    }

    private List<String> layers() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(Skopeo.rawManifest(image(), "--tls-verify=false"));
        List<String> digests = new ArrayList<>();
        manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
        return digests;
    }

    @Test
    void nlpGetsItsDeclaredFilesLockedLayeredAndWorking() throws IOException {
        Processes.Result lock = build("-pl", "nlp", "jupyter-image:lock-files");
        assertThat(lock.exitCode()).as(lock.output()).isZero();
        JsonNode locked = new ObjectMapper().readTree(repo.root().resolve("nlp/image-files.lock").toFile()).path("downloads");
        assertThat(locked.size()).isEqualTo(5);
        assertThat(locked.path(server.url() + "/huggingface.co/flair/ner-english-large/resolve/main/pytorch_model.bin")
                .path("size").asLong()).isEqualTo(MODEL.length);

        Processes.Result first = build("-pl", "nlp", "-am", "install", "-Dimage.registry=" + registry.address());
        assertThat(first.exitCode()).as(first.output()).isZero();
        JsonNode labels = Skopeo.inspectConfig(image()).path("config").path("Labels");
        assertThat(labels.path("ca.crim.pavics.jupyter.files").asText()).startsWith("7 entries of image-files.yml");
        List<String> firstLayers = layers();
        String firstDigest = Skopeo.inspect(image()).path("Digest").asText();

        Path rootfs = Umoci.unpack(image(), work, "nlp");
        assertThat(rootfs.resolve("flair_models/ner-large")).hasBinaryContent(MODEL);
        Path tt = rootfs.resolve("heideltime/tree-tagger-linux-3.2.3");
        assertThat(tt.resolve("lib/english.par")).hasContent("english parameter file");
        assertThat(tt.resolve("lib/german-abbreviations")).as("not included").doesNotExist();
        assertThat(Files.readSymbolicLink(tt.resolve("bin/tagger"))).isEqualTo(Path.of("tree-tagger"));
        assertThat(tt.resolve("doc/a/b/README")).exists();
        assertThat(Integer.toOctalString((Integer) Files.getAttribute(tt.resolve("bin/tree-tagger"), "unix:mode") & 07777))
                .as("the archive's mode").isEqualTo("755");
        assertThat(Files.getAttribute(tt.resolve("bin/tree-tagger"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(rootfs.resolve("heideltime"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(rootfs.resolve("flair_models/ner-large"), "unix:uid")).isEqualTo(0);
        assertThat(Integer.toOctalString((Integer) Files.getAttribute(tt.resolve("cmd/tree-tagger-english"), "unix:mode") & 07777))
                .isEqualTo("755");
        assertThat(rootfs.resolve("heideltime/de.unihd.dbs.heideltime.standalone.jar")).hasContent("PK jar");
        assertThat(rootfs.resolve("heideltime/config.props")).as("one member of the release").doesNotExist();

        ExternalTools.requireRoot("chroot into the unpacked image");
        Processes.Result tagged = Processes.run(work, Duration.ofMinutes(1), List.of("chroot", rootfs.toString(), "/bin/sh", "-c",
                // the synthetic base links few busybox applets; the real base has grep, sed and tr
                "mkdir -p /tmp/bin && for a in grep sed tr; do /bin/busybox ln -sf /bin/busybox /tmp/bin/$a; done"
                        + " && export PATH=/tmp/bin:$PATH && echo 'Paris went' > /tmp/in.txt"
                        + " && /heideltime/tree-tagger-linux-3.2.3/cmd/tree-tagger-english /tmp/in.txt"));
        assertThat(tagged.exitCode()).as(tagged.output()).isZero();
        assertThat(tagged.output()).contains("Paris\tVBD\tParis\n", "went\tVBD\twent\n", "that\tIN\tthat\n")
                .doesNotContain("VVD", "IN/that");

        // two clean builds: same image; one entry changed: one layer changed
        Processes.Result again = build("-pl", "nlp", "clean", "install", "-Dimage.registry=" + registry.address());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(Skopeo.inspect(image()).path("Digest").asText()).as("two clean builds, one digest").isEqualTo(firstDigest);
        Path wrapper = repo.root().resolve("nlp/treetagger/tree-tagger-english");
        Files.writeString(wrapper, Files.readString(wrapper) + "# changed\n");
        Processes.Result changed = build("-pl", "nlp", "install", "-Dimage.registry=" + registry.address());
        assertThat(changed.exitCode()).as(changed.output()).isZero();
        List<String> changedLayers = layers();
        assertThat(changedLayers).hasSameSizeAs(firstLayers);
        int differing = 0;
        for (int i = 0; i < firstLayers.size(); i++) {
            differing += firstLayers.get(i).equals(changedLayers.get(i)) ? 0 : 1;
        }
        assertThat(differing).isEqualTo(1);

        // a download that is not what the lock says: one line, nothing pushed
        String before = Skopeo.inspect(image()).path("Digest").asText();
        write(TREETAGGER + "english.par.gz", LayerTar.gzip("another file\n".getBytes(StandardCharsets.UTF_8)));
        try (java.util.stream.Stream<Path> cached = Files.walk(work.resolve("cache"))) {
            for (Path p : cached.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(wrapper, Files.readString(wrapper) + "# changed again\n");
        Processes.Result mismatch = build("-pl", "nlp", "install", "-Dimage.registry=" + registry.address());
        assertThat(mismatch.exitCode()).isNotZero();
        assertThat(mismatch.output()).contains("image-files.yml:31: hash mismatch for " + server.url() + "/" + TREETAGGER
                + "english.par.gz").doesNotContainPattern("\\n\\s+at [a-z]+\\.");
        assertThat(Skopeo.inspect(image()).path("Digest").asText()).isEqualTo(before);

        // an entry the lock lacks: one line naming the lock command
        Path spec = repo.root().resolve("nlp/image-files.yml");
        Files.writeString(spec, Files.readString(spec) + "  - kind: download\n    url: " + server.url() + "/new.bin\n    path: /new.bin\n");
        Processes.Result unlocked = build("-pl", "nlp", "install", "-Dimage.registry=" + registry.address());
        assertThat(unlocked.exitCode()).isNotZero();
        assertThat(unlocked.output()).contains("/new.bin is not in ", "./mvnw -pl nlp jupyter-image:lock-files");
    }
}
