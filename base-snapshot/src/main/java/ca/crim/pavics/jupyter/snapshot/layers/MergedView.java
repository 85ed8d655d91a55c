package ca.crim.pavics.jupyter.snapshot.layers;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The kept paths of an image after its layers are applied in order (OCI image spec, "Applying changesets"): a
 * layer's opaque folders and whiteouts remove what the lower layers had, then its entries are added; an entry
 * replaces one of the same path.
 */
public final class MergedView {
    private final TreeMap<String, Kept> entries = new TreeMap<>();

    /** Applies the next layer. */
    public void apply(LayerDelta layer) {
        for (String dir : layer.opaqueDirs()) {
            removeBelow(dir);
        }
        for (String path : layer.whiteouts()) {
            entries.remove(path);
            removeBelow(path);
        }
        for (Map.Entry<String, Kept> e : layer.entries().entrySet()) {
            removeBelow(e.getKey());
            entries.put(e.getKey(), e.getValue());
        }
    }

    private void removeBelow(String dir) {
        if (dir.isEmpty()) {
            entries.clear();
            return;
        }
        entries.subMap(dir + "/", true, dir + "/\uffff", true).clear();
    }

    /** Every kept path of the image, sorted. */
    public NavigableMap<String, Kept> entries() {
        return entries;
    }
}
