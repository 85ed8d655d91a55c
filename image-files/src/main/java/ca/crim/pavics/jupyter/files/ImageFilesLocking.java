package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.env.fetch.FetchException;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the lock of declared image files: every URL is downloaded once (streamed into the package cache, so the
 * build that follows finds it there) and recorded with its SHA-256 and size. URLs the previous lock already has are
 * kept as they are unless an update is asked for; URLs no longer declared are dropped.
 */
public final class ImageFilesLocking {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFilesLocking.class);

    /** The new lock and what it took: URLs downloaded, URLs kept from the previous lock, bytes downloaded. */
    public record Result(ImageFilesLock lock, int downloaded, int kept, long bytes) {
    }

    private final PackageCache cache;

    public ImageFilesLocking(PackageCache cache) {
        this.cache = cache;
    }

    /**
     * @param update download and hash every URL again, even those the previous lock has
     * @throws ImageFilesException (one line) naming the entry's file and line when a URL cannot be downloaded
     */
    public Result lock(ImageFiles files, Optional<ImageFilesLock> previous, boolean update) throws ImageFilesException {
        Map<String, ImageFilesLock.Locked> locked = new LinkedHashMap<>();
        int downloaded = 0;
        int kept = 0;
        long bytes = 0;
        for (String url : files.urls()) {
            Optional<ImageFilesLock.Locked> old = previous.flatMap(p -> p.get(url));
            if (old.isPresent() && !update) {
                locked.put(url, old.get());
                kept++;
                continue;
            }
            try {
                PackageCache.Downloaded d = cache.download(url);
                locked.put(url, new ImageFilesLock.Locked(d.sha256(), d.size()));
                downloaded++;
                bytes += d.size();
                LOG.info("locked {}: sha256 {}, {} bytes", url, d.sha256(), d.size());
            } catch (FetchException e) {
                int line = files.entries().stream().filter(en -> en.url().equals(url)).findFirst().map(en -> en.line()).orElse(0);
                throw new ImageFilesException(files.file() + ":" + line + ": " + e.getMessage());
            }
        }
        return new Result(new ImageFilesLock(locked), downloaded, kept, bytes);
    }
}
