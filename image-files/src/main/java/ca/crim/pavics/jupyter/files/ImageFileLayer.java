package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.env.EnvironmentException;
import ca.crim.pavics.jupyter.env.fetch.Downloadable;
import ca.crim.pavics.jupyter.env.fetch.FetchException;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.env.layer.LayerWriter;
import ca.crim.pavics.jupyter.image.AtomicFiles;
import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.spec.ImageFileEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The layer of one declared entry. Its key is a hash of everything that decides its bytes (the entry's fields, the
 * locked SHA-256 of its download or the content of its module file, the folders declared above it, the gzip level
 * and {@link #FORMAT}); a layer written once is kept in the layer cache under its key with its digests beside it, so
 * an unchanged entry is neither downloaded, extracted nor compressed again. Folders above the entry's path are
 * written with the owner and mode a {@code directory} entry declares for them, else root's 0755, so that every layer
 * says the same of a shared folder. A layer holding a large file that does not compress is written with stored
 * deflate blocks (see {@link #incompressible}).
 */
final class ImageFileLayer implements ExtraLayer {
    /** Bumped whenever the bytes written for the same inputs change. */
    static final String FORMAT = "image-files-layer 1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A folder declared by a {@code directory} entry. */
    record Folder(int mode, int uid, int gid) {
    }

    private final ImageFileEntry entry;
    private final String where;
    private final Optional<ImageFilesLock.Locked> locked;
    private final Path source;
    private final Map<String, Folder> folders;
    private final PackageCache cache;
    private final Path layerCache;
    private final int gzipLevel;
    private final String key;

    /**
     * @param where the entry's location for messages ({@code FILE:LINE})
     * @param locked the lock's record of the entry's URL (download and archive entries)
     * @param source the module file of a {@code file} entry, else null
     * @param folders declared folders by layer path (no leading slash)
     */
    ImageFileLayer(ImageFileEntry entry, String where, Optional<ImageFilesLock.Locked> locked, Path source,
            Map<String, Folder> folders, PackageCache cache, Path layerCache, int gzipLevel) throws IOException {
        this.entry = entry;
        this.where = where;
        this.locked = locked;
        this.source = source;
        this.folders = folders;
        this.cache = cache;
        this.layerCache = layerCache;
        this.gzipLevel = gzipLevel;
        this.key = computeKey();
    }

    private String computeKey() throws IOException {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        b.append(entry.kind()).append('\n').append(entry.path()).append('\n').append(entry.mode().map(Integer::toOctalString).orElse("-"))
                .append('\n').append(entry.uid()).append(':').append(entry.gid()).append('\n').append(entry.gunzip()).append('\n')
                .append(entry.stripComponents()).append('\n').append(String.join(",", entry.include())).append('\n')
                .append(new TreeMap<>(entry.rename())).append('\n').append(gzipLevel).append('\n');
        locked.ifPresent(l -> b.append(l.sha256()).append(' ').append(l.size()).append('\n'));
        if (source != null) {
            b.append(Digests.sha256Hex(Files.readAllBytes(source))).append(' ').append(Files.isExecutable(source)).append('\n');
        }
        for (String parent : parents(entry.layerPath())) {
            b.append(parent).append('=').append(folders.get(parent)).append('\n');
        }
        b.append(entry.layerPath()).append('=').append(folders.get(entry.layerPath())).append('\n');
        return Digests.sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String description() {
        return entry.describe();
    }

    @Override
    public LayerBlob write(Path workDir) throws EnvironmentException, IOException {
        Path blob = layerCache.resolve(key + ".tar.gz");
        Path digests = layerCache.resolve(key + ".json");
        if (Files.isRegularFile(blob) && Files.isRegularFile(digests)) {
            JsonNode d = JSON.readTree(digests.toFile());
            if (d.path("size").asLong() == Files.size(blob)) {
                return new LayerBlob(blob, d.path("digest").asText(), d.path("size").asLong(), d.path("diffId").asText());
            }
        }
        Path spool = workDir.resolve(key.substring(0, 16));
        try {
            Map<String, LayerEntry> entries = new TreeMap<>();
            for (String parent : parents(entry.layerPath())) {
                Folder f = folders.get(parent);
                entries.put(parent, f != null ? LayerEntry.directory(parent, f.mode(), f.uid(), f.gid()) : LayerEntry.directory(parent, 0755));
            }
            content(entries, spool);
            Files.createDirectories(layerCache);
            int level = gzipLevel > 0 && entries.values().stream().anyMatch(ImageFileLayer::incompressible) ? 0 : gzipLevel;
            LayerBlob written = new LayerWriter(level).write(blob, new ArrayList<>(entries.values()));
            AtomicFiles.write(digests, JSON.writeValueAsBytes(Map.of("digest", written.digest(), "size", written.size(),
                    "diffId", written.diffId(), "entry", entry.describe())));
            return written;
        } catch (ImageFilesException e) {
            throw new EnvironmentException(e.getMessage(), e);
        } finally {
            ca.crim.pavics.jupyter.image.FileTrees.delete(spool);
        }
    }

    private void content(Map<String, LayerEntry> entries, Path spool) throws IOException, ImageFilesException, EnvironmentException {
        String path = entry.layerPath();
        int uid = entry.uid();
        int gid = entry.gid();
        switch (entry.kind()) {
            case DIRECTORY -> entries.put(path, LayerEntry.directory(path, entry.mode().orElse(0755), uid, gid));
            case FILE -> {
                int mode = entry.mode().orElse(Files.isExecutable(source) ? 0755 : 0644);
                entries.put(path, owned(LayerEntry.spooledFile(path, mode, source, Files.size(source))));
            }
            case DOWNLOAD -> {
                Path file = fetched();
                int mode = entry.mode().orElse(0644);
                if (entry.gunzip()) {
                    Files.createDirectories(spool);
                    Path plain = spool.resolve("gunzipped");
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                        Files.copy(in, plain);
                    } catch (java.util.zip.ZipException e) {
                        throw new ImageFilesException(where + ": " + entry.url() + " is not gzip-compressed (gunzip: true): "
                                + e.getMessage());
                    }
                    entries.put(path, owned(LayerEntry.spooledFile(path, mode, plain, Files.size(plain))));
                } else {
                    entries.put(path, owned(LayerEntry.spooledFile(path, mode, file, Files.size(file))));
                }
            }
            case ARCHIVE -> {
                Folder declared = folders.getOrDefault(path, new Folder(0755, uid, gid));
                entries.put(path, LayerEntry.directory(path, declared.mode(), declared.uid(), declared.gid()));
                Map<String, LayerEntry> members = new ArchiveMembers(entry, where, spool).read(fetched());
                entries.putAll(members);
            }
            default -> throw new IllegalStateException(entry.kind().toString());
        }
    }

    /** Files from this size (bytes) on are sampled to see whether compressing them is worth it. */
    static final long SAMPLED = 8L << 20;

    /**
     * Whether a large file does not compress (model weights, archives): its first MiB deflated at level 1 keeps over
     * 90% of its size. Such a layer is written with stored (level 0) deflate blocks: still a gzip layer, as fast to
     * write as a copy. A function of the content only, so the layer stays reproducible.
     */
    static boolean incompressible(LayerEntry e) {
        if (e.type() != LayerEntry.Type.FILE || e.size() < SAMPLED) {
            return false;
        }
        try (InputStream in = e.open()) {
            byte[] sample = in.readNBytes(1 << 20);
            java.util.zip.Deflater deflater = new java.util.zip.Deflater(1, true);
            deflater.setInput(sample);
            deflater.finish();
            byte[] out = new byte[sample.length + 1024];
            long total = 0;
            while (!deflater.finished()) {
                total += deflater.deflate(out);
            }
            deflater.end();
            return total > sample.length * 0.9;
        } catch (IOException ex) {
            return false;
        }
    }

    /** The entry's download from the package cache (fetched and checked against the lock when missing). */
    private Path fetched() throws EnvironmentException {
        ImageFilesLock.Locked l = locked.orElseThrow();
        Downloadable d = Downloadable.of(entry.url(), l.sha256());
        Path file;
        try {
            file = cache.fetch(List.of(d)).get(d);
        } catch (FetchException e) {
            throw new EnvironmentException(where + ": " + e.getMessage(), e);
        }
        try {
            long size = Files.size(file);
            if (size != l.size()) {
                throw new EnvironmentException(where + ": " + entry.url() + " has " + size + " bytes, the lock says " + l.size()
                        + ": lock it again");
            }
        } catch (IOException e) {
            throw new EnvironmentException(where + ": cannot read the download of " + entry.url() + ": " + e.getMessage(), e);
        }
        return file;
    }

    private LayerEntry owned(LayerEntry e) {
        return new LayerEntry(e.path(), e.type(), e.mode(), e.linkTarget(), e.data(), e.spooled(), e.size(), entry.uid(), entry.gid());
    }

    /** The folders above a layer path, outermost first ({@code a}, {@code a/b} for {@code a/b/c}). */
    static List<String> parents(String layerPath) {
        List<String> parents = new ArrayList<>();
        int slash = layerPath.indexOf('/');
        while (slash > 0) {
            parents.add(layerPath.substring(0, slash));
            slash = layerPath.indexOf('/', slash + 1);
        }
        return parents;
    }
}
