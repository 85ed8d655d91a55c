package ca.crim.pavics.jupyter.config.cli;

import ca.crim.pavics.jupyter.config.envlocal.Birdhouse;
import ca.crim.pavics.jupyter.config.images.ImageSelection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config-generator}: the env.local entries of the PAVICS Jupyter images. */
@Command(name = "config-generator", mixinStandardHelpOptions = true, versionProvider = ConfigGeneratorCommand.Version.class,
        subcommands = {FragmentCommand.class, MergeCommand.class, ComponentCommand.class, CommandLine.HelpCommand.class},
        description = "Generates the birdhouse-deploy env.local entries that offer the PAVICS Jupyter images on a "
                + "JupyterHub server (images, selection names, notebook deploy jobs), or merges them into an env.local.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:invalid input or a file that cannot be updated safely (one-line message)",
            "2:invalid command line"})
public final class ConfigGeneratorCommand {
    @Option(names = "--repo", paramLabel = "DIR",
            description = "Repository whose image modules are offered (default: the git work tree of the current folder).")
    Path repo;

    @Option(names = "--released", description = "Use the newest release tag <module>-x.y.z of each image instead of the current versions.")
    boolean released;

    @Option(names = "--image", paramLabel = "NAME=REF",
            description = "Offer image REF under selection NAME (replaces a module with that selection name). Repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--no-modules", description = "Offer only the --image entries, not the repository's modules.")
    boolean noModules;

    @Option(names = "--allow-snapshot", description = "Allow -SNAPSHOT versions (never published; for a test server only);"
            + " also an option of each command.")
    boolean allowSnapshot;

    @Option(names = "--legacy-names", description = "Older birdhouse variable names (DOCKER_NOTEBOOK_IMAGES, AUTODEPLOY_EXTRA_SCHEDULER_JOBS, PAVICS_LOG_DIR).")
    boolean legacyNames;

    @Option(names = "--deployer-image", paramLabel = "REF",
            description = "Image of the notebook deploy jobs (default: pavics/crim-jupyter-notebook-deployer:<version of the repository's notebook-deployer>).")
    String deployerImage;

    ImageSelection.Result selectImages() throws IOException {
        Optional<Path> repository = noModules ? Optional.empty() : repository();
        if (repository.isEmpty() && images.isEmpty()) {
            throw new IOException("no images: run inside the pavics-jupyter-images repository, give --repo DIR, or --image NAME=REF");
        }
        ImageSelection.Result result;
        try {
            result = new ImageSelection().select(repository, released, images);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        if (result.images().isEmpty()) {
            throw new IOException("no images to offer (" + String.join("; ", result.notes()) + ")"
                    + (released ? ": release an image first, or leave out --released" : ""));
        }
        return result;
    }

    String deployerImage() throws IOException {
        return deployerImage != null ? deployerImage : ImageSelection.deployerImage(noModules ? Optional.empty() : repository());
    }

    Birdhouse vars() {
        return Birdhouse.of(legacyNames);
    }

    private Optional<Path> repository() throws IOException {
        if (repo != null) {
            if (!Files.isRegularFile(repo.resolve("pom.xml"))) {
                throw new IOException(repo + ": not the pavics-jupyter-images repository (no pom.xml)");
            }
            return Optional.of(repo.toAbsolutePath().normalize());
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("base-config"))) {
                return Optional.of(dir);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ConfigGeneratorCommand.class.getPackage().getImplementationVersion();
            return new String[] {"config-generator " + (v == null ? "(development build)" : v)};
        }
    }

    /**
     * Refuses -SNAPSHOT versions (never published) unless allowed: what goes to a server is what was released.
     *
     * @throws java.io.IOException (one line) naming the first such image
     */
    void requireReleased(java.util.List<ca.crim.pavics.jupyter.config.images.ImageEntry> images, boolean allowSnapshot,
            String what) throws java.io.IOException {
        if (allowSnapshot || this.allowSnapshot) {
            return;
        }
        for (ca.crim.pavics.jupyter.config.images.ImageEntry image : images) {
            if (image.tag().endsWith("-SNAPSHOT")) {
                throw new java.io.IOException(image.reference() + " is a -SNAPSHOT version, which was never published: " + what
                        + " the released versions (--released) or, for a test server, pass --allow-snapshot");
            }
        }
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ConfigGeneratorCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("config-generator: " + oneLine(e));
            commandLine.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\n', ' ');
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        if (isInsideMaven()) {
            // exec:java runs main() in Maven's JVM: fail the build instead of exiting Maven
            if (code != 0) {
                throw new IllegalStateException("config-generator failed (exit code " + code + "), see the message above");
            }
            return;
        }
        System.exit(code);
    }

    /** Whether main() runs inside Maven's JVM (exec:java). */
    private static boolean isInsideMaven() {
        return System.getProperty("maven.home") != null || System.getProperty("classworlds.conf") != null;
    }
}
