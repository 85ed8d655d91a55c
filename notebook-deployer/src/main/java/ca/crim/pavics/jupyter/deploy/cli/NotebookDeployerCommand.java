package ca.crim.pavics.jupyter.deploy.cli;

import ca.crim.pavics.jupyter.deploy.DeployLock;
import ca.crim.pavics.jupyter.deploy.EntryReport;
import ca.crim.pavics.jupyter.deploy.NotebookDeployer;
import ca.crim.pavics.jupyter.deploy.registry.ImageLabelReader;
import ca.crim.pavics.jupyter.deploy.git.JGitTuning;
import ca.crim.pavics.jupyter.deploy.git.TransferNeeded;
import ca.crim.pavics.jupyter.deploy.sync.TreeSync;
import ca.crim.pavics.jupyter.image.FileTrees;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.spec.NotebookConfig;
import ca.crim.pavics.jupyter.spec.NotebookConfigParser;
import ca.crim.pavics.jupyter.spec.NotebookEntry;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code notebook-deployer}: deploys the tutorial notebooks of a Jupyter image. */
@Command(name = "notebook-deployer", mixinStandardHelpOptions = true, versionProvider = NotebookDeployerCommand.Version.class,
        description = "Copies the notebook folders listed in a notebook_config.yml (or in the notebook-config label of a "
                + "Jupyter image) from git into a destination folder: like rsync --recursive --delete --checksum, each "
                + "folder swapped in atomically.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every entry deployed (or up to date)", "1:empty or invalid config (one line FILE:LINE: reason)",
            "2:destination or config missing, or invalid command line", "3:another run holds the lock of the destination",
            "4:one or more entries failed (their old trees are kept; the others were deployed)",
            "75:only when NOTEBOOK_DEPLOYER_HANDOFF is set (bin/notebook-deployer sets it for a quick first check): "
                + "there are new commits to fetch, nothing was done or printed; run again without it"})
public final class NotebookDeployerCommand implements Callable<Integer> {
    public static final String LABEL = "ca.crim.pavics.jupyter.notebook-config";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "notebook_config.yml to deploy.")
    Path config;

    @Option(names = "--image", paramLabel = "REF", description = "Read the config from the image's label " + LABEL
            + " through the registry API (instead of CONFIG).")
    String image;

    @Option(names = "--dest", paramLabel = "DIR", description = "Destination (default: $DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR).")
    Path dest;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Keep fetched repositories here so later runs fetch only new commits (default: $DEPLOY_DATA_CHECKOUT_CACHE, else a temporary folder).")
    Path cacheDir;

    @Option(names = "--owner", paramLabel = "UID:GID", description = "Owner of the deployed files (needs root).")
    String owner;

    @Option(names = "--dry-run", description = "List what would change; change nothing.")
    boolean dryRun;

    @Option(names = "--insecure-registry", description = "Allow an image registry without valid TLS: any certificate,"
            + " or plain HTTP (e.g. a local one).")
    boolean insecureRegistry;

    @Option(names = "--send-credentials-over-http", description = "Send registry credentials over plain HTTP too"
            + " (with --insecure-registry; never by default).")
    boolean sendCredentialsOverHttp;

    @Option(names = "--registry-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest silence on a registry connection (default: ${DEFAULT-VALUE}).")
    int registryTimeoutSeconds;

    private final Map<String, String> env;
    private PrintWriter out;
    private PrintWriter err;

    NotebookDeployerCommand(Map<String, String> env) {
        this.env = env;
    }

    /** Exit code of a run that only checked and found new commits to fetch (see NOTEBOOK_DEPLOYER_HANDOFF). */
    static final int HAND_OFF = 75;

    @Override
    public Integer call() throws Exception {
        Optional<Path> logFile = Optional.ofNullable(env.get("DEPLOY_DATA_LOGFILE")).filter(s -> !s.isBlank()).map(Path::of);
        TeeConsole console = new TeeConsole(out, err, logFile);
        boolean handOff = Optional.ofNullable(env.get("NOTEBOOK_DEPLOYER_HANDOFF")).filter(s -> !s.isBlank()).isPresent();
        if (!handOff) {
            return deploy(console, false);
        }
        // a quick first check (the launcher runs it with a start-up-friendly JIT): its lines are kept until it is
        // known that this run does the work, and dropped when it hands off to a full run
        console.hold();
        try {
            return deploy(console, true);
        } catch (TransferNeeded e) {
            console.discard();
            return HAND_OFF;
        } finally {
            console.release();
        }
    }

    private int deploy(TeeConsole console, boolean checkFirst) throws IOException, TransferNeeded {
        Path destination = dest != null ? dest : Optional.ofNullable(env.get("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR"))
                .filter(s -> !s.isBlank()).map(Path::of).orElse(null);
        if (destination == null) {
            console.error("no destination: set DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR or give --dest DIR");
            return 2;
        }
        if (config == null && image == null) {
            console.error("no config: give CONFIG.yml or --image REF");
            return 2;
        }
        if (config != null && image != null) {
            console.error("give CONFIG.yml or --image REF, not both");
            return 2;
        }
        if (config != null && !Files.isRegularFile(config)) {
            console.error(config + ": config file not found");
            return 2;
        }
        if (!Files.isDirectory(destination)) {
            console.error(destination + ": destination folder not found");
            return 2;
        }
        Optional<TreeSync.Owner> ownerIds;
        try {
            ownerIds = Optional.ofNullable(owner).map(TreeSync.Owner::parse);
        } catch (IllegalArgumentException e) {
            console.error(e.getMessage());
            return 2;
        }
        console.info("start: " + (config != null ? config : image) + " into " + destination + (dryRun ? " (dry run)" : ""));
        NotebookConfig notebooks;
        try {
            notebooks = config != null ? new NotebookConfigParser().parse(config) : fromImage(console);
        } catch (SpecException e) {
            console.error(e.getMessage());
            console.info("end: invalid config");
            return 1;
        } catch (IOException e) {
            console.error(registryMessage(e));
            console.info("end: cannot read the config of " + image);
            return 1;
        }
        Optional<DeployLock> lock = DeployLock.tryAcquire(destination);
        if (lock.isEmpty()) {
            console.error("another notebook-deployer run holds " + destination.resolve(TreeSync.LOCK_NAME) + ": nothing done");
            console.info("end: locked");
            return 3;
        }
        try (DeployLock held = lock.get()) {
            Path cache = cacheDir != null ? cacheDir : Optional.ofNullable(env.get("DEPLOY_DATA_CHECKOUT_CACHE"))
                    .filter(s -> !s.isBlank()).map(Path::of).orElse(null);
            boolean temporary = cache == null;
            if (temporary) {
                cache = Files.createTempDirectory("notebook-deployer-cache");
            }
            Files.createDirectories(cache);
            try {
                NotebookDeployer deployer = new NotebookDeployer(destination, cache, dryRun, ownerIds, console, checkFirst);
                deployer.prefetch(notebooks);
                // after the destination scan has started: the two overlap
                JGitTuning.forOneShotDeploys();
                List<EntryReport> reports = deployer.deploy(notebooks);
                long failed = reports.stream().filter(r -> !r.ok()).count();
                console.info("end: " + (reports.size() - failed) + " of " + reports.size() + " entries deployed"
                        + (failed > 0 ? ", " + failed + " failed" : ""));
                return failed > 0 ? 4 : 0;
            } finally {
                if (temporary) {
                    deleteQuietly(cache);
                }
            }
        }
    }

    private NotebookConfig fromImage(TeeConsole console) throws IOException, SpecException {
        if (registryTimeoutSeconds < 1) {
            throw new IOException("--registry-timeout must be at least 1 second");
        }
        RegistrySettings settings = RegistrySettings.defaults(env).withAllowInsecure(insecureRegistry)
                .withSendCredentialsOverHttp(sendCredentialsOverHttp)
                .withReadTimeout(Duration.ofSeconds(registryTimeoutSeconds))
                .withNotices(console::info);
        String yaml = new ImageLabelReader(settings).label(image, LABEL)
                .orElseThrow(() -> new IOException("image " + image + " has no label " + LABEL));
        console.info("config from the label " + LABEL + " of " + image);
        NotebookConfig parsed = new NotebookConfigParser().parse(Path.of(image + " (label " + LABEL + ")"), yaml);
        for (NotebookEntry entry : parsed.entries()) {
            if (!LABEL_REPO_URL.matcher(entry.repoUrl()).matches()) {
                throw new IOException("image " + image + ": label " + LABEL + ", entry of line " + entry.line()
                        + ": repo_url " + entry.repoUrl() + " is not a git URL accepted from an image (https://, http://,"
                        + " ssh://, git:// or user@host:path)");
            }
        }
        return parsed;
    }

    /** Git URLs accepted from an image label: remote transports only (no file://, nothing else). */
    private static final java.util.regex.Pattern LABEL_REPO_URL = java.util.regex.Pattern.compile(
            "^(https?|ssh|git)://[^\\s/]+(/\\S*)?$|^[\\w.-]+@[\\w.-]+:\\S+$");

    /** A registry failure's message with the option that helps, in this CLI's terms. */
    private String registryMessage(IOException e) {
        String message = String.valueOf(e.getMessage()).replace('\n', ' ');
        return RegistryException.in(e).map(r -> message + switch (r.kind()) {
            case UNREACHABLE -> insecureRegistry ? "" : "; a plain-HTTP registry needs --insecure-registry";
            case TIMEOUT -> "; a registry that is only slow: raise the limit with --registry-timeout SECONDS";
            case CREDENTIALS_OVER_HTTP -> "; allow it with --send-credentials-over-http (only on a network you trust)";
            default -> "";
        }).orElse(message);
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // a temporary folder: left to the system
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NotebookDeployerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"notebook-deployer " + (v == null ? "(development build)" : v)};
        }
    }

    /** Runs the command line with the given environment; returns the exit code. */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        NotebookDeployerCommand command = new NotebookDeployerCommand(env);
        command.out = out;
        command.err = err;
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            commandLine.getErr().println("notebook-deployer: error: " + message.replace('\n', ' '));
            commandLine.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(System.getenv(), out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
