package ca.crim.pavics.jupyter.config.cli;

import ca.crim.pavics.jupyter.config.component.ComponentWriter;
import ca.crim.pavics.jupyter.config.component.NotebookDeployComponent;
import ca.crim.pavics.jupyter.config.images.ImageSelection;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code component}: writes the notebook deploy jobs as a birdhouse-deploy component folder. */
@Command(name = "component", mixinStandardHelpOptions = true,
        description = "Writes the notebook deploy jobs as a birdhouse-deploy component (for birdhouse 2.15 and later: "
                + "default.env, config.yml.template with one job per image, config/scheduler/docker-compose-extra.yml, "
                + "pre-docker-compose-up.include). Only files whose content changes are rewritten. Enable it by adding "
                + "the folder to BIRDHOUSE_EXTRA_CONF_DIRS in env.local.")
final class ComponentCommand implements Callable<Integer> {
    @ParentCommand
    ConfigGeneratorCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "The component's folder (created if needed), e.g. /path/to/" + NotebookDeployComponent.NAME)
    Path out;

    @Option(names = "--allow-snapshot", description = "Allow -SNAPSHOT versions (never published; for a test server only).")
    boolean allowSnapshot;

    @Override
    public Integer call() throws Exception {
        if (out.toString().isBlank()) {
            throw new java.io.IOException("--out: give the component's folder");
        }
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new java.io.IOException(out + " is a file, not a folder: give the component's folder to --out");
        }
        java.nio.file.Path defaults = out.resolve("default.env");
        if (java.nio.file.Files.isRegularFile(defaults) && !java.nio.file.Files.readString(defaults,
                java.nio.charset.StandardCharsets.ISO_8859_1).contains(NotebookDeployComponent.GENERATED)) {
            throw new java.io.IOException(out + " holds another component (its default.env was not written by"
                    + " config-generator): give a folder of its own to --out");
        }
        if (parent.legacyNames) {
            throw new java.io.IOException("--legacy-names: components exist only in birdhouse 2.15 and later, which use the"
                    + " current names; for an older server use 'fragment' or 'merge'");
        }
        ImageSelection.Result selection = parent.selectImages();
        selection.notes().forEach(n -> spec.commandLine().getErr().println("config-generator: " + n));
        parent.requireReleased(selection.images(), allowSnapshot, "write");
        List<String> written = ComponentWriter.write(out,
                new NotebookDeployComponent(parent.deployerImage()).files(selection.images()));
        if (written.isEmpty()) {
            spec.commandLine().getErr().println("config-generator: " + out + " is up to date");
        } else {
            spec.commandLine().getErr().println("config-generator: wrote " + String.join(", ", written) + " in " + out + " ("
                    + selection.images().size() + " images); enable it: add " + out.toAbsolutePath().normalize()
                    + " to BIRDHOUSE_EXTRA_CONF_DIRS in env.local");
        }
        return 0;
    }
}
