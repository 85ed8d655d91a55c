package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.files.ImageFileLayers;
import ca.crim.pavics.jupyter.files.ImageFilesException;
import ca.crim.pavics.jupyter.files.ImageFilesLock;
import ca.crim.pavics.jupyter.files.ImageFilesLocking;
import ca.crim.pavics.jupyter.spec.ImageFiles;
import ca.crim.pavics.jupyter.spec.ImageFilesParser;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/** What the lock goals and the build share about a module's {@code image-files.yml} and its lock. */
final class ImageFilesGoal {
    private ImageFilesGoal() {
    }

    static Path lockOf(File spec) {
        return spec.toPath().resolveSibling(ImageFilesLock.FILE_NAME);
    }

    static String lockCommand(String module) {
        return "./mvnw -pl " + module + " jupyter-image:lock-files";
    }

    /** The module's declared image files, or empty when it has no such file. */
    static Optional<ImageFiles> parse(File spec) throws MojoFailureException {
        if (!spec.exists()) {
            return Optional.empty();
        }
        if (!spec.isFile()) {
            throw new MojoFailureException(spec + ": not a regular file");
        }
        try {
            return Optional.of(new ImageFilesParser().parse(spec.toPath()));
        } catch (SpecException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /**
     * Locks the declared files (downloading what the lock lacks into the package cache) and writes the lock when it
     * changed; with {@code check}, fails when the lock is missing or lacks a declared URL, downloading nothing.
     */
    static void lock(File spec, String module, Path packageCache, boolean update, boolean check,
            java.time.Duration timeout, Log log) throws MojoFailureException {
        Optional<ImageFiles> files = parse(spec);
        if (files.isEmpty()) {
            return;
        }
        Path lockFile = lockOf(spec);
        try {
            ImageFileLayers.checkSources(files.get(), spec.toPath().toAbsolutePath().getParent());
            Optional<ImageFilesLock> previous;
            try {
                previous = ImageFilesLock.read(lockFile);
            } catch (ImageFilesException e) {
                if (check) {
                    throw new MojoFailureException(e.getMessage() + ": " + lockCommand(module), e);
                }
                log.warn(e.getMessage() + "; writing it anew");
                previous = Optional.empty();
            }
            if (check) {
                for (String url : files.get().urls()) {
                    if (previous.flatMap(p -> p.get(url)).isEmpty()) {
                        throw new MojoFailureException(lockFile + " does not lock " + url + ": " + lockCommand(module));
                    }
                }
                log.info(lockFile.getFileName() + " locks every URL of " + spec.getName());
                return;
            }
            ImageFilesLocking.Result result = new ImageFilesLocking(new PackageCache(packageCache, lockFile.getParent(), 4,
                    timeout))
                    .lock(files.get(), previous, update);
            if (previous.isPresent() && previous.get().equals(result.lock())) {
                log.info(lockFile.getFileName() + " is up to date (" + result.kept() + " URLs)");
                return;
            }
            result.lock().write(lockFile);
            log.info(String.format("Wrote %s: %d URLs (%d downloaded, %.1f MB; %d kept): commit it with %s", lockFile,
                    result.lock().downloads().size(), result.downloaded(), result.bytes() / 1024.0 / 1024.0, result.kept(),
                    spec.getName()));
        } catch (ImageFilesException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoFailureException("cannot write " + lockFile + ": " + e.getMessage(), e);
        }
    }
}
