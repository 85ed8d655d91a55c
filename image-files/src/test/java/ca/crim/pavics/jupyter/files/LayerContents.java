package ca.crim.pavics.jupyter.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** A written layer read back with commons-compress (not our writer): each entry's kind, mode, owner and content hash. */
final class LayerContents {
    record Entry(String path, char type, int mode, int uid, int gid, long size, String sha256, String link) {
    }

    static Map<String, Entry> read(Path layer) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(layer)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String sha = "";
                if (e.isFile()) {
                    sha = sha256(tar);
                }
                char type = e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : e.isLink() ? 'h' : 'f';
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
                out.put(name, new Entry(name, type, e.getMode() & 07777, (int) e.getLongUserId(), (int) e.getLongGroupId(),
                        e.getSize(), sha, e.getLinkName()));
            }
        }
        return out;
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return sha256(new java.io.ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private LayerContents() {
    }
}
