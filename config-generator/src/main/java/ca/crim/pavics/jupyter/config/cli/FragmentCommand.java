package ca.crim.pavics.jupyter.config.cli;

import ca.crim.pavics.jupyter.config.envlocal.FragmentWriter;
import ca.crim.pavics.jupyter.config.images.ImageSelection;
import ca.crim.pavics.jupyter.image.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fragment}: prints (or writes) a bash-sourceable env.local fragment. */
@Command(name = "fragment", mixinStandardHelpOptions = true,
        description = "Writes a bash-sourceable env.local fragment: images, selection names (same order), optionally "
                + "JUPYTERHUB_ALLOWED_IMAGES, and one notebook deploy scheduler job per image, added once however often "
                + "the fragment is sourced.")
final class FragmentCommand implements Callable<Integer> {
    @ParentCommand
    ConfigGeneratorCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (atomically) instead of standard output.")
    Path output;

    @Option(names = "--allowed-images", description = "Also write JUPYTERHUB_ALLOWED_IMAGES (YAML mapping name: image).")
    boolean allowedImages;

    @Option(names = "--allow-snapshot", description = "Allow -SNAPSHOT versions (never published; for a test server only).")
    boolean allowSnapshot;

    @Override
    public Integer call() throws Exception {
        ImageSelection.Result selection = parent.selectImages();
        selection.notes().forEach(n -> spec.commandLine().getErr().println("config-generator: " + n));
        parent.requireReleased(selection.images(), allowSnapshot, "write");
        String fragment = new FragmentWriter(parent.vars(), parent.deployerImage(), allowedImages).write(selection.images());
        if (output == null) {
            spec.commandLine().getOut().print(fragment);
            spec.commandLine().getOut().flush();
        } else {
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            AtomicFiles.writeString(output, fragment);
            spec.commandLine().getErr().println("config-generator: wrote " + output + " (" + selection.images().size() + " images)");
        }
        return 0;
    }
}
