package ca.crim.pavics.jupyter.config.images;

import java.nio.file.Path;

/** An image module of this repository, as its pom.xml declares it. */
public record ImageModule(String artifactId, String version, String imageName, String namespace,
        String selectionName, Path directory) {

    /** {@code namespace/imageName:version}, e.g. {@code pavics/crim-jupyter-eo:0.5.0}. */
    public ImageEntry entry(String withVersion) {
        return new ImageEntry(selectionName, namespace + "/" + imageName + ":" + withVersion);
    }
}
