package ca.crim.pavics.jupyter.env.image;

import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import java.util.List;

/**
 * The layers installed over the base, with what each holds, and the list of every package the image has.
 *
 * @param descriptions one line per layer, for the image history
 * @param packageList the build manifest (text, one package per line), also written into the image
 */
public record EnvironmentLayers(List<LayerBlob> layers, List<String> descriptions, String packageList, Summary summary) {
    /** What the install did. */
    public record Summary(int added, int replaced, int unchanged, int wheels, long bytes) {
        @Override
        public String toString() {
            return added + " conda packages added, " + replaced + " replaced, " + unchanged + " already in the base, "
                    + wheels + " wheels; " + String.format("%.1f MB", bytes / 1024.0 / 1024.0) + " installed";
        }
    }
}
