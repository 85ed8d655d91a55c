package ca.crim.pavics.jupyter.config.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images to offer: the image modules of the repository (current versions, or with {@code released} the
 * newest release tag of each), then explicit {@code SELECTION=REF} entries, which replace a module of the
 * same selection name or are added.
 */
public final class ImageSelection {
    public record Result(List<ImageEntry> images, List<String> notes) {
    }

    public Result select(Optional<Path> repository, boolean released, Map<String, String> explicit) throws IOException {
        Map<String, ImageEntry> bySelection = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        if (repository.isPresent()) {
            for (ImageModule module : new ImageModuleFinder().find(repository.get())) {
                String version = module.version();
                if (released) {
                    Optional<String> tag = ReleasedVersions.newest(repository.get(), module.artifactId());
                    if (tag.isEmpty()) {
                        notes.add("no release tag " + module.artifactId() + "-x.y.z: " + module.artifactId() + " left out");
                        continue;
                    }
                    version = tag.get();
                }
                ImageEntry entry = module.entry(version);
                bySelection.put(entry.selectionName(), entry);
            }
        }
        for (Map.Entry<String, String> e : explicit.entrySet()) {
            bySelection.put(e.getKey(), new ImageEntry(e.getKey(), e.getValue()));
        }
        return new Result(List.copyOf(bySelection.values()), notes);
    }

    /** The notebook-deployer image the repository builds, as its POM names it. */
    public static String deployerImage(Optional<Path> repository) throws IOException {
        if (repository.isPresent() && Files.isRegularFile(repository.get().resolve("notebook-deployer/pom.xml"))) {
            return new ImageModuleFinder().image(repository.get(), "notebook-deployer");
        }
        return "pavics/crim-jupyter-notebook-deployer:latest";
    }
}
