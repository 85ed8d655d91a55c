package ca.crim.pavics.jupyter.spec;

import java.util.List;

/** The parsed {@code environment.yml} of an image: what it adds to the base image's conda environment. */
public record EnvironmentFile(String name, List<String> channels, List<CondaSpec> conda, List<PipRequirement> pip) {
    public EnvironmentFile {
        channels = List.copyOf(channels);
        conda = List.copyOf(conda);
        pip = List.copyOf(pip);
    }
}
