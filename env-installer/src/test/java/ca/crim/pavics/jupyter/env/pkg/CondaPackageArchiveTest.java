package ca.crim.pavics.jupyter.env.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real packages of other projects (shared/testdata/conda-real), in both formats. */
class CondaPackageArchiveTest {
    private static final Path REAL = ca.crim.pavics.jupyter.testsupport.TestData.condaReal();

    @TempDir
    Path dir;

    private static Map<String, String> payloadHashes(Path file) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        new CondaPackageArchive(file).payload((entry, content) -> {
            if (entry.kind() == PayloadEntry.Kind.FILE) {
                try {
                    hashes.put(entry.path(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.readAllBytes())));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                hashes.put(entry.path(), entry.kind() + " " + entry.linkTarget());
            }
        });
        return hashes;
    }

    @Test
    void bothFormatsOfOnePackageHoldTheSameFilesMatchingPathsJson() throws Exception {
        Path conda = REAL.resolve("packages/mock-2.0.0-py37_1000.conda");
        Path bz2 = REAL.resolve("packages/mock-2.0.0-py37_1000.tar.bz2");
        Map<String, String> a = payloadHashes(conda);
        assertThat(a).isEqualTo(payloadHashes(bz2));
        List<PathEntry> paths = new CondaPackageArchive(conda).paths();
        assertThat(paths).isNotEmpty();
        for (PathEntry p : paths) {
            assertThat(a).as(p.path()).containsKey(p.path());
            if (p.sha256().isPresent()) {
                assertThat(a.get(p.path())).as(p.path()).isEqualTo(p.sha256().get());
            }
        }
        assertThat(new String(new CondaPackageArchive(conda).info().get("index.json"))).contains("\"name\": \"mock\"");
    }

    @Test
    void zipWithDataDescriptorsAndMembersInAFolder() throws Exception {
        Path ca = REAL.resolve("packages/ca-certificates-2024.7.4-hbcca054_0.conda");
        List<PathEntry> paths = new CondaPackageArchive(ca).paths();
        assertThat(paths).extracting(PathEntry::path).contains("ssl/cacert.pem");
        Map<String, String> hashes = payloadHashes(ca);
        PathEntry pem = paths.stream().filter(p -> p.path().equals("ssl/cacert.pem")).findFirst().orElseThrow();
        assertThat(hashes.get("ssl/cacert.pem")).isEqualTo(pem.sha256().orElseThrow());
    }

    @Test
    void textPrefixPlaceholdersAndOldStyleHasPrefix() throws Exception {
        List<PathEntry> paths = new CondaPackageArchive(REAL.resolve("channel-zlib/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")).paths();
        PathEntry pc = paths.stream().filter(p -> p.path().equals("lib/pkgconfig/zlib.pc")).findFirst().orElseThrow();
        assertThat(pc.prefixPlaceholder()).isPresent();
        assertThat(pc.fileMode()).hasValue("text");
        assertThat(new CondaPackageArchive(REAL.resolve("channel-zlib/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2")).info())
                .containsKey("has_prefix");
    }

    @Test
    void symbolicLinksAreKeptAsLinks() throws Exception {
        Map<String, String> entries = payloadHashes(REAL.resolve("packages/cph_test_data-0.0.1-0.tar.bz2"));
        assertThat(entries.values()).anyMatch(v -> v.startsWith("SYMLINK "));
        Map<String, String> conda = payloadHashes(REAL.resolve("packages/symlink-test-1.0.0-0.conda"));
        assertThat(conda.values()).anyMatch(v -> v.startsWith("SYMLINK ") || v.startsWith("HARDLINK "));
    }

    @Test
    void corruptOrForeignFilesGiveOneLineNamingTheFile() throws IOException {
        byte[] real = Files.readAllBytes(REAL.resolve("packages/mock-2.0.0-py37_1000.conda"));
        Path corrupt = Files.write(dir.resolve("mock-2.0.0-py37_1000.conda"), java.util.Arrays.copyOf(real, real.length / 2));
        assertThatThrownBy(() -> new CondaPackageArchive(corrupt).paths()).isInstanceOf(PackageException.class)
                .hasMessageStartingWith(corrupt + ": corrupt or unreadable package")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path other = Files.writeString(dir.resolve("x.zip"), "zip?");
        assertThatThrownBy(() -> new CondaPackageArchive(other).info()).hasMessage(other + ": not a conda package (.conda or .tar.bz2)");
    }
}
