package ca.crim.pavics.jupyter.env.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry of an image layer we write: a file (content in memory or in a spooled file), a folder, a symbolic
 * link, a hard link (to another path of the same layer) or an OCI whiteout (a file named {@code .wh.NAME}).
 *
 * @param path path inside the image, without a leading slash ({@code opt/conda/envs/birdy/bin/x})
 * @param linkTarget target of a symbolic link (as written) or of a hard link (an image path), else ""
 * @param uid owner (0 unless given)
 * @param gid group (0 unless given)
 */
public record LayerEntry(String path, Type type, int mode, String linkTarget, byte[] data, Path spooled, long size,
        int uid, int gid) {
    public enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK
    }

    public LayerEntry {
        Objects.requireNonNull(path);
        if (path.startsWith("/") || path.endsWith("/") || path.isEmpty()) {
            throw new IllegalArgumentException("layer path must be relative without a trailing slash: " + path);
        }
    }

    public static LayerEntry file(String path, int mode, byte[] data) {
        return new LayerEntry(path, Type.FILE, mode, "", data, null, data.length, 0, 0);
    }

    public static LayerEntry spooledFile(String path, int mode, Path spooled, long size) {
        return new LayerEntry(path, Type.FILE, mode, "", null, spooled, size, 0, 0);
    }

    public static LayerEntry directory(String path, int mode) {
        return directory(path, mode, 0, 0);
    }

    /** A folder owned by {@code uid:gid}. */
    public static LayerEntry directory(String path, int mode, int uid, int gid) {
        return new LayerEntry(path, Type.DIRECTORY, mode, "", null, null, 0, uid, gid);
    }

    public static LayerEntry symlink(String path, String target) {
        return new LayerEntry(path, Type.SYMLINK, 0777, target, null, null, 0, 0, 0);
    }

    public static LayerEntry hardlink(String path, int mode, String targetPath) {
        return new LayerEntry(path, Type.HARDLINK, mode, targetPath, null, null, 0, 0, 0);
    }

    /** An OCI whiteout hiding {@code hiddenPath} of a lower layer. */
    public static LayerEntry whiteout(String hiddenPath) {
        int slash = hiddenPath.lastIndexOf('/');
        String name = ".wh." + hiddenPath.substring(slash + 1);
        return file(slash < 0 ? name : hiddenPath.substring(0, slash + 1) + name, 0644, new byte[0]);
    }

    /**
     * Adds folder entries (mode 0777, as conda's umask 0000 install makes them) for every parent of the entries
     * below {@code layerPrefix}, so new folders stay writable for users who add packages later.
     */
    public static void addParentDirectories(java.util.Map<String, LayerEntry> entries, String layerPrefix) {
        java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
        for (String path : entries.keySet()) {
            int slash = path.lastIndexOf('/');
            while (slash > layerPrefix.length()) {
                String dir = path.substring(0, slash);
                if (!dirs.add(dir)) {
                    break;
                }
                slash = dir.lastIndexOf('/');
            }
        }
        dirs.forEach(d -> entries.putIfAbsent(d, directory(d, 0777)));
    }

    public InputStream open() throws IOException {
        return data != null ? new java.io.ByteArrayInputStream(data) : Files.newInputStream(spooled);
    }
}
