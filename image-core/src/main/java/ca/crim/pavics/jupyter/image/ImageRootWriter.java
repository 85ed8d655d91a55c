package ca.crim.pavics.jupyter.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Writes the folder whose content Jib puts at the image root: exactly the given files, nothing stale. */
public final class ImageRootWriter {
    private final Path root;

    public ImageRootWriter(Path root) {
        this.root = root;
    }

    public void write(List<Path> files) throws IOException {
        if (Files.isDirectory(root)) {
            try (Stream<Path> old = Files.list(root)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    if (files.stream().noneMatch(f -> f.getFileName().equals(p.getFileName()))) {
                        FileTrees.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(root);
        for (Path file : files) {
            Files.copy(file, root.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
