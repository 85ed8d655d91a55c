package ca.crim.pavics.jupyter.spec;

import java.util.List;
import java.util.Optional;

/**
 * The parsed {@code environment.yml} of an image: what it adds to the base image's conda environment.
 *
 * @param name the environment's name; empty when the file has none (the base's environment is meant)
 * @param notes what was read but is ignored, one sentence each (e.g. {@code prefix:})
 */
public record EnvironmentFile(Optional<String> name, List<String> channels, List<CondaSpec> conda,
        List<PipRequirement> pip, List<String> notes) {
    public EnvironmentFile {
        channels = List.copyOf(channels);
        conda = List.copyOf(conda);
        pip = List.copyOf(pip);
        notes = List.copyOf(notes);
    }
}
