package ca.crim.pavics.jupyter.snapshot.layers;

import java.util.List;
import java.util.Map;

/**
 * What one layer changes among the kept paths: OCI whiteouts ({@code .wh.NAME}: the path and everything below it
 * is gone), opaque folders ({@code .wh..wh..opq}: everything the lower layers had below it is gone), and the kept
 * entries it adds or replaces. Paths are relative to the image root, without a leading slash.
 */
public record LayerDelta(List<String> whiteouts, List<String> opaqueDirs, Map<String, Kept> entries, long bytes) {
    public LayerDelta {
        whiteouts = List.copyOf(whiteouts);
        opaqueDirs = List.copyOf(opaqueDirs);
        entries = Map.copyOf(entries);
    }
}
