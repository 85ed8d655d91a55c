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
        Map<String, ImageFileLayer.Folder> folders = new HashMap<>();
        for (ImageFileEntry e : files.entries()) {
            if (e.kind() == ImageFileEntry.Kind.DIRECTORY) {
                folders.put(e.layerPath(), new ImageFileLayer.Folder(e.mode().orElse(0755), e.uid(), e.gid()));
            }
        }
        List<ExtraLayer> layers = new ArrayList<>();
        for (ImageFileEntry e : files.entries()) {
            String where = files.file() + ":" + e.line();
            Optional<ImageFilesLock.Locked> locked = Optional.empty();
            if (!e.url().isEmpty()) {
                if (lock.isEmpty()) {
                    throw new ImageFilesException(where + ": " + e.url() + " is not locked: " + lockFile + " does not exist");
                }
                locked = lock.get().get(e.url());
                if (locked.isEmpty()) {
                    throw new ImageFilesException(where + ": " + e.url() + " is not in " + lockFile + ": lock it again");
                }
            }
            Path source = null;
            if (e.kind() == ImageFileEntry.Kind.FILE) {
                Path module = moduleDir.toAbsolutePath().normalize();
                source = module.resolve(e.source()).normalize();
                if (!Files.isRegularFile(source)) {
                    throw new ImageFilesException(where + ": source " + e.source() + " is not a file of the module " + module);
                }
                if (!source.toRealPath().startsWith(module.toRealPath())) {
                    throw new ImageFilesException(where + ": source " + e.source() + " leads out of the module " + module);
                }
            }
            layers.add(new ImageFileLayer(e, where, locked, source, folders, cache, layerCache, gzipLevel));
        }
        return layers;
    }
}
