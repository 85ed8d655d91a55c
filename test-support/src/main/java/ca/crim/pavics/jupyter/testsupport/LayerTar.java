package ca.crim.pavics.jupyter.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small image layer built in memory: folders, files and symbolic links with owners and modes, written as a
 * reproducible tar (sorted, fixed mtime) and gzip. For test fixtures only.
 */
public final class LayerTar {
    private record Entry(byte type, byte[] content, String linkTarget, int mode, int uid, int gid) {
    }

    private static final byte DIR = 'd';
    private static final byte FILE = 'f';
    private static final byte LINK = 'l';

    private final Map<String, Entry> entries = new TreeMap<>();

    public LayerTar dir(String path, int mode, int uid, int gid) {
        entries.put(strip(path) + "/", new Entry(DIR, null, null, mode, uid, gid));
        return this;
    }

    public LayerTar file(String path, byte[] content, int mode, int uid, int gid) {
        entries.put(strip(path), new Entry(FILE, content, null, mode, uid, gid));
        return this;
    }

    public LayerTar file(String path, String content, int mode) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), mode, 0, 0);
    }

    public LayerTar symlink(String path, String target) {
        entries.put(strip(path), new Entry(LINK, null, target, 0777, 0, 0));
        return this;
    }

    private static String strip(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The uncompressed tar. */
    public byte[] tar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry v = e.getValue();
                TarArchiveEntry entry;
                if (v.type == LINK) {
                    entry = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(v.linkTarget);
                } else {
                    entry = new TarArchiveEntry(e.getKey());
                }
                entry.setMode((v.type == DIR ? 040000 : v.type == LINK ? 0120000 : 0100000) | v.mode);
                entry.setIds(v.uid, v.gid);
                entry.setModTime(1000L);
                if (v.type == FILE) {
                    entry.setSize(v.content.length);
                }
                tar.putArchiveEntry(entry);
                if (v.type == FILE) {
                    tar.write(v.content);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
