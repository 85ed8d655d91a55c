package ca.crim.pavics.jupyter.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code image-files.yml} of an image module: content its image gets beyond packages (models, tools, data),
 * declared so that every byte is known by its hash (see {@link ImageFilesParser}).
 *
 * @param file the file read
 * @param entries in file order (which is layer order)
 */
public record ImageFiles(Path file, List<ImageFileEntry> entries) {
    public ImageFiles {
        entries = List.copyOf(entries);
    }

    /** The distinct URLs of the download and archive entries, in file order. */
    public List<String> urls() {
        return entries.stream().filter(e -> !e.url().isEmpty()).map(ImageFileEntry::url).distinct().toList();
    }
}
