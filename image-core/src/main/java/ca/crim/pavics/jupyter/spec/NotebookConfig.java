package ca.crim.pavics.jupyter.spec;

import java.util.List;

/** The parsed {@code notebook_config.yml} of an image: the notebook folders deployed for its users. */
public record NotebookConfig(List<NotebookEntry> entries) {
    public NotebookConfig {
        entries = List.copyOf(entries);
    }
}
