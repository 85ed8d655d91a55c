package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.spec.ImageFileEntry;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The layers of a module's declared image files, one per entry in file order, checked against the lock before
 * anything is fetched: every URL must be in it, every module file must exist inside the module.
 */
public final class ImageFileLayers {
    private ImageFileLayers() {
    }

    /**
     * The owner and mode each layer writes for a folder above an entry's path, so that every layer says the same of
     * it (the last layer wins): a {@code directory} entry's, else that of the innermost archive extracted at or above
     * it (0755 and the archive's owner: the folders it creates are its), else none (root's 0755).
     */
    static Map<String, ImageFileLayer.Folder> folders(ImageFiles files) {
        Map<String, ImageFileLayer.Folder> declared = new HashMap<>();
        Map<String, ImageFileLayer.Folder> archives = new HashMap<>();
        for (ImageFileEntry e : files.entries()) {
            if (e.kind() == ImageFileEntry.Kind.DIRECTORY) {
                declared.put(e.layerPath(), new ImageFileLayer.Folder(e.mode().orElse(0755), e.uid(), e.gid()));
            } else if (e.kind() == ImageFileEntry.Kind.ARCHIVE) {
                archives.put(e.layerPath(), new ImageFileLayer.Folder(0755, e.uid(), e.gid()));
            }
        }
        Map<String, ImageFileLayer.Folder> folders = new HashMap<>(declared);
        for (ImageFileEntry e : files.entries()) {
            List<String> parents = new ArrayList<>(ImageFileLayer.parents(e.layerPath()));
            if (e.kind() == ImageFileEntry.Kind.ARCHIVE) {
                parents.add(e.layerPath());
            }
            for (String parent : parents) {
                if (folders.containsKey(parent)) {
                    continue;
                }
                String scope = parent;
                while (scope != null && !archives.containsKey(scope)) {
                    int slash = scope.lastIndexOf('/');
                    scope = slash > 0 ? scope.substring(0, slash) : null;
                }
                if (scope != null) {
                    folders.put(parent, archives.get(scope));
                }
            }
        }
        return folders;
    }

    /**
     * Checks that every {@code file} entry names a regular file inside the module.
     *
     * @throws ImageFilesException naming the entry otherwise
     */
    public static void checkSources(ImageFiles files, Path moduleDir) throws ImageFilesException, IOException {
        for (ImageFileEntry e : files.entries()) {
            if (e.kind() == ImageFileEntry.Kind.FILE) {
                source(files, e, moduleDir);
            }
        }
    }

    private static Path source(ImageFiles files, ImageFileEntry e, Path moduleDir) throws ImageFilesException, IOException {
        String where = files.file() + ":" + e.line();
        Path module = moduleDir.toAbsolutePath().normalize();
        Path source = module.resolve(e.source()).normalize();
        if (!Files.isRegularFile(source)) {
            throw new ImageFilesException(where + ": source " + e.source() + " is not a file of the module " + module);
        }
        if (!source.toRealPath().startsWith(module.toRealPath())) {
            throw new ImageFilesException(where + ": source " + e.source() + " leads out of the module " + module);
        }
        return source;
    }

    /** The layer cache folder beside the package cache: {@code <packages>/../layers}. */
    public static Path defaultLayerCache(Path packageCache) {
        return packageCache.toAbsolutePath().normalize().resolveSibling("layers");
    }

    /**
     * @param lock the module's lock (empty when there is none)
     * @param lockFile its path, for messages
     * @throws ImageFilesException (one line, {@code FILE:LINE}) for an entry whose URL the lock lacks (or no lock at
     *     all), or a module file that is missing
     */
    public static List<ExtraLayer> of(ImageFiles files, Optional<ImageFilesLock> lock, Path lockFile, Path moduleDir,
            PackageCache cache, Path layerCache, int gzipLevel) throws ImageFilesException, IOException {
        Map<String, ImageFileLayer.Folder> folders = folders(files);
        List<ExtraLayer> layers = new ArrayList<>();
        for (ImageFileEntry e : files.entries()) {
            String where = files.file() + ":" + e.line();
            Optional<ImageFilesLock.Locked> locked = Optional.empty();
            if (!e.url().isEmpty()) {
                if (lock.isEmpty()) {
                    throw new ImageFilesException(where + ": " + e.url() + " is not locked: " + lockFile + " does not exist", true);
                }
                locked = lock.get().get(e.url());
                if (locked.isEmpty()) {
                    throw new ImageFilesException(where + ": " + e.url() + " is not in " + lockFile + ": lock it again", true);
                }
            }
            Path source = e.kind() == ImageFileEntry.Kind.FILE ? source(files, e, moduleDir) : null;
            layers.add(new ImageFileLayer(e, where, locked, source, folders, cache, layerCache, gzipLevel));
        }
        return layers;
    }
}
