package ca.crim.pavics.jupyter.deploy.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    private static final ObjectId TREE = ObjectId.fromString("2a0ba311f789405dd6da4dc85af46b444715544e");
    private static final ObjectId COMMIT = ObjectId.fromString("7748f5686db9a1b2c3d4e5f60718293a4b5c6d7e");
    private static final String BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

    @TempDir
    Path tmp;

    @Test
    void pathsWithTabsNewlinesAndBackslashesSurviveAWriteAndALoad() throws Exception {
        List<Manifest.Entry> entries = List.of(
                new Manifest.Entry("", Manifest.Type.DIR, null, 0, 10, 11, 1),
                new Manifest.Entry("a\tb\nc\\d\re", Manifest.Type.FILE, BLOB, 5, 20, 21, 2),
                new Manifest.Entry("run.sh", Manifest.Type.EXEC, BLOB, 6, 30, 31, 3),
                new Manifest.Entry("link", Manifest.Type.LINK, BLOB, 7, 40, 41, 4));
        Path file = tmp.resolve("v.manifest");
        Manifest.write(file, new Manifest.Contents(COMMIT, "eo/note\tbooks", TREE, List.of("skipped link x -> /etc\tpasswd"), entries));
        Manifest.Contents read = Manifest.load(file).orElseThrow();
        assertThat(read.tree()).isEqualTo(TREE);
        assertThat(read.commit()).isEqualTo(COMMIT);
        assertThat(read.sourceDir()).isEqualTo("eo/note\tbooks");
        assertThat(read.warnings()).containsExactly("skipped link x -> /etc\tpasswd");
        assertThat(read.entries()).containsExactlyElementsOf(entries);
        assertThat(Files.readAllLines(file)).hasSize(4 + 1 + entries.size());
    }

    @Test
    void entriesChangedInTheSameClockTickAsTheManifestAreReadAgainNextTime() throws Exception {
        Path file = tmp.resolve("v.manifest");
        long future = System.currentTimeMillis() * 1_000_000L + 60_000_000_000L;
        Manifest.write(file, new Manifest.Contents(COMMIT, "eo/note\tbooks", TREE, List.of(), List.of(
                new Manifest.Entry("old", Manifest.Type.FILE, BLOB, 1, 1_000, 1_000, 1),
                new Manifest.Entry("racy", Manifest.Type.FILE, BLOB, 1, future, future, 2))));
        List<Manifest.Entry> read = Manifest.load(file).orElseThrow().entries();
        assertThat(read.get(0).mtime()).isEqualTo(1_000);
        assertThat(read.get(1).mtime()).as("smudged: never equal to a real status").isEqualTo(-1);
    }

    @Test
    void aMissingOldOrDamagedManifestIsIgnored() throws Exception {
        assertThat(Manifest.load(tmp.resolve("missing"))).isEmpty();
        Path old = Files.writeString(tmp.resolve("old"), "a.ipynb\t" + BLOB + "\t1\t2\t3\t4\n");
        assertThat(Manifest.load(old)).as("first format, without header").isEmpty();
        Path damaged = Files.writeString(tmp.resolve("damaged"), "notebook-deployer manifest 2\ncommit\t" + COMMIT.name() + "\nsource\t\ntree\t" + TREE.name()
                + "\nfile\ta\t" + BLOB + "\tnot-a-number\n");
        assertThat(Manifest.load(damaged)).isEmpty();
    }
}
