package ca.crim.pavics.jupyter.env.layer;

import ca.crim.pavics.jupyter.registry.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes layer entries as a reproducible gzip-compressed tar: entries in the order given (callers sort them),
 * fixed modification time, owner 0:0 without names, PAX headers for long names, a folder written once, symbolic and
 * hard links kept as links. Same entries → same bytes.
 */
public final class LayerWriter {
    private final int compressionLevel;

    public LayerWriter(int compressionLevel) {
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new IllegalArgumentException("gzip level must be 0-9: " + compressionLevel);
        }
        this.compressionLevel = compressionLevel;
    }

    /** An open layer: add entries (groups of sorted entries), then {@link #finish()}. */
    public final class Open implements AutoCloseable {
        private final Path file;
        private final Path partial;
        private final MessageDigest compressedDigest = Digests.sha256Digest();
        private final MessageDigest tarDigest = Digests.sha256Digest();
        private final CountingOutputStream counted;
        private final TarArchiveOutputStream tar;
        private final Set<String> written = new HashSet<>();
        private boolean finished;

        Open(Path file) throws IOException {
            this.file = file;
            this.partial = file.resolveSibling(file.getFileName() + ".partial");
            counted = new CountingOutputStream(new DigestOutputStream(
                    new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16), compressedDigest));
            GZIPOutputStream gzip = new GZIPOutputStream(counted, 1 << 16) {
                {
                    def.setLevel(compressionLevel);
                    def.setStrategy(Deflater.DEFAULT_STRATEGY);
                }
            };
            tar = new TarArchiveOutputStream(new DigestOutputStream(gzip, tarDigest), StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }

        public void add(List<LayerEntry> entries) throws IOException {
            for (LayerEntry e : entries) {
                add(e);
            }
        }

        public void add(LayerEntry e) throws IOException {
            if (e.type() == LayerEntry.Type.DIRECTORY) {
                if (!written.add(e.path() + "/")) {
                    return;
                }
            } else {
                written.add(e.path());
            }
            TarArchiveEntry t = switch (e.type()) {
                case DIRECTORY -> new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR, true);
                case SYMLINK -> {
                    TarArchiveEntry s = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK, true);
                    s.setLinkName(e.linkTarget());
                    yield s;
                }
                case HARDLINK -> {
                    TarArchiveEntry h = new TarArchiveEntry(e.path(), TarConstants.LF_LINK, true);
                    h.setLinkName(e.linkTarget());
                    yield h;
                }
                case FILE -> {
                    TarArchiveEntry f = new TarArchiveEntry(e.path(), TarConstants.LF_NORMAL, true);
                    f.setSize(e.size());
                    yield f;
                }
            };
            t.setMode(e.mode() | (e.type() == LayerEntry.Type.DIRECTORY ? 040000
                    : e.type() == LayerEntry.Type.SYMLINK ? 0120000 : 0100000));
            t.setModTime(0L);
            t.setUserId(e.uid());
            t.setGroupId(e.gid());
            t.setUserName("");
            t.setGroupName("");
            tar.putArchiveEntry(t);
            if (e.type() == LayerEntry.Type.FILE) {
                try (InputStream in = e.open()) {
                    in.transferTo(tar);
                }
            }
            tar.closeArchiveEntry();
        }

        public boolean isEmpty() {
            return written.isEmpty();
        }

        public LayerBlob finish() throws IOException {
            tar.finish();
            tar.close();
            finished = true;
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new LayerBlob(file, "sha256:" + HexFormat.of().formatHex(compressedDigest.digest()), counted.count,
                    "sha256:" + HexFormat.of().formatHex(tarDigest.digest()));
        }

        @Override
        public void close() throws IOException {
            if (!finished) {
                tar.close();
                Files.deleteIfExists(partial);
            }
        }
    }

    public Open open(Path file) throws IOException {
        return new Open(file);
    }

    public LayerBlob write(Path file, List<LayerEntry> entries) throws IOException {
        try (Open open = open(file)) {
            open.add(entries);
            return open.finish();
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
