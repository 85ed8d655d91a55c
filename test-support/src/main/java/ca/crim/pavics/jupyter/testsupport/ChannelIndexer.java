package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Writes a channel's {@code repodata.json} for tests, as conda-index does: each package file of {@code linux-64/} and
 * {@code noarch/} gives one record, its {@code info/index.json} plus {@code md5}, {@code sha256} and {@code size};
 * {@code .tar.bz2} files under {@code packages}, {@code .conda} ones under {@code packages.conda}.
 */
public final class ChannelIndexer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChannelIndexer() {
    }

    /** Indexes both subdirs of a channel folder (an empty repodata for a subdir without packages). */
    public static void index(Path channel) throws IOException {
        for (String subdir : List.of("linux-64", "noarch")) {
            Path dir = Files.createDirectories(channel.resolve(subdir));
            ObjectNode repodata = JSON.createObjectNode();
            repodata.putObject("info").put("subdir", subdir);
            ObjectNode tar = repodata.putObject("packages");
            ObjectNode conda = repodata.putObject("packages.conda");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String fn = f.getFileName().toString();
                    boolean isConda = fn.endsWith(".conda");
                    if (!isConda && !fn.endsWith(".tar.bz2")) {
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(f);
                    ObjectNode record = (ObjectNode) JSON.readTree(isConda ? condaIndex(bytes) : tarIndex(
                            new BZip2CompressorInputStream(new ByteArrayInputStream(bytes))));
                    record.put("md5", LockedEnvironmentFixture.hex("MD5", bytes));
                    record.put("sha256", LockedEnvironmentFixture.hex("SHA-256", bytes));
                    record.put("size", bytes.length);
                    (isConda ? conda : tar).set(fn, record);
                }
            }
            Files.write(dir.resolve("repodata.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(repodata));
        }
    }

    private static byte[] condaIndex(byte[] bytes) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
                String name = e.getName().substring(e.getName().lastIndexOf('/') + 1); // some archives nest it in a folder
                if (name.startsWith("info-") && name.endsWith(".tar.zst")) {
                    return tarIndex(new ZstdInputStream(zip));
                }
            }
        }
        throw new IOException("no info-*.tar.zst in the .conda file");
    }

    private static byte[] tarIndex(InputStream compressed) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(compressed);
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
            if (e.getName().equals("info/index.json")) {
                return tar.readAllBytes();
            }
        }
        throw new IOException("no info/index.json in the package");
    }
}
