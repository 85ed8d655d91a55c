package ca.crim.pavics.jupyter.deploy.git;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.GitFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theJGitHookForAppendedBasesStillFindsItsField() {
        assertThat(CacheRepository.tunesAppendedBases()).as("JGit's ObjectDirectoryPackParser.def (see CacheRepository)").isTrue();
    }

    @Test
    void basesAppendedToAThinPackAreStoredUncompressedAndTheUpdateIsReadable() throws Exception {
        GitFixture repo = GitFixture.create(tmp.resolve("git"), "nb");
        String big = "a line of a notebook that compresses very well\n".repeat(40_000);
        repo.write("nb/big.ipynb", big).commit("one");
        Path cacheDir = tmp.resolve("cache");
        try (GitCache cache = new GitCache(cacheDir)) {
            cache.fetch(repo.fileUrl(), List.of("main"));
        }
        repo.write("nb/big.ipynb", big + "one more line\n").commit("two");
        try (GitCache cache = new GitCache(cacheDir)) {
            GitCache.Fetched fetched = cache.fetch(repo.fileUrl(), List.of("main"));
            SourceTree tree = cache.tree(repo.fileUrl(), fetched.commits().get("main"), "nb");
            assertThat(new String(tree.bytes(tree.files().get(0)), java.nio.charset.StandardCharsets.UTF_8))
                    .endsWith("one more line\n");
        }
        long largest;
        try (Stream<Path> packs = Files.list(repository(cacheDir).resolve("objects/pack"))) {
            largest = packs.filter(p -> p.toString().endsWith(".pack")).mapToLong(p -> p.toFile().length()).max().orElseThrow();
        }
        assertThat(largest).as("the base (%d bytes, a few kB deflated) is stored as it is", big.length())
                .isGreaterThan(big.length());
    }

    @Test
    void packsAreMergedPastTheLimitAndEverythingStaysReadable() throws Exception {
        GitFixture repo = GitFixture.create(tmp.resolve("git"), "nb");
        Path cacheDir = tmp.resolve("cache");
        for (int i = 0; i < 5; i++) {
            repo.write("nb/f" + i + ".md", "version " + i + "\n").commit("c" + i);
            try (GitCache cache = new GitCache(cacheDir)) {
                cache.fetch(repo.fileUrl(), List.of("main"));
            }
            if (i == 0) {
                String settings = Files.readString(repository(cacheDir).resolve("config"));
                assertThat(settings).contains("autoPackLimit = 24", "autoDetach = false", "deltaCompression = false");
                // a lower limit (the cache keeps a repository's own settings), and packs replaced by a merge deleted
                // at once rather than once an hour old (another run may still read them)
                Files.writeString(repository(cacheDir).resolve("config"), settings.replace("autoPackLimit = 24",
                        "autoPackLimit = 3\n\tprunePackExpire = now"));
            }
        }
        assertThat(packs(cacheDir)).as("merged when a fourth came").isLessThanOrEqualTo(3);
        try (GitCache cache = new GitCache(cacheDir)) {
            GitCache.Fetched fetched = cache.fetch(repo.fileUrl(), List.of("main"));
            SourceTree tree = cache.tree(repo.fileUrl(), fetched.commits().get("main"), "nb");
            assertThat(tree.files()).hasSize(5);
            for (SourceFile f : tree.files()) {
                assertThat(tree.bytes(f)).isNotEmpty();
            }
        }
    }

    /** The one repository of a cache folder. */
    private static Path repository(Path cacheDir) throws java.io.IOException {
        try (Stream<Path> repos = Files.list(cacheDir).filter(p -> p.getFileName().toString().endsWith(".git"))) {
            return repos.findFirst().orElseThrow();
        }
    }

    /** Its packs (a listing of objects/pack only: GC's lock and log files come and go elsewhere). */
    private static long packs(Path cacheDir) throws java.io.IOException {
        try (Stream<Path> packs = Files.list(repository(cacheDir).resolve("objects/pack"))) {
            return packs.filter(p -> p.getFileName().toString().endsWith(".pack")).count();
        }
    }
}
