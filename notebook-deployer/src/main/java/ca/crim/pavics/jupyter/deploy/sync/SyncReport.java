package ca.crim.pavics.jupyter.deploy.sync;

import java.util.List;

/** What a sync changed (or, in a dry run, would change). */
public record SyncReport(int added, int updated, int removed, long bytesWritten, List<String> changes, List<String> warnings) {
    public boolean changed() {
        return added + updated + removed > 0;
    }
}
