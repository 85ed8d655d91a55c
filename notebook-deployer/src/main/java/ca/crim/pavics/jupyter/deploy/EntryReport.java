package ca.crim.pavics.jupyter.deploy;

import ca.crim.pavics.jupyter.deploy.sync.SyncReport;
import ca.crim.pavics.jupyter.spec.NotebookEntry;
import java.util.Optional;

/** The outcome of one notebook entry: deployed (with its commit and changes) or failed (with why). */
public record EntryReport(NotebookEntry entry, Optional<String> commit, Optional<SyncReport> sync, Optional<String> failure) {
    public boolean ok() {
        return failure.isEmpty();
    }
}
