package ca.crim.pavics.jupyter.config.cli;

import ca.crim.pavics.jupyter.config.envlocal.BirdhouseGeneration;
import ca.crim.pavics.jupyter.config.envlocal.EnvLocalException;
import ca.crim.pavics.jupyter.config.envlocal.EnvLocalMerge;
import ca.crim.pavics.jupyter.config.images.ImageSelection;
import ca.crim.pavics.jupyter.image.AtomicFiles;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code merge}: updates an existing env.local in place. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Updates an env.local in place: the images of this repository get their new version at the index "
                + "they had (new ones are appended), selection names stay aligned, notebook deploy jobs are kept in a "
                + "marked block; every other byte stays as it was. A second run changes nothing. Writes a backup, "
                + "replaces the file atomically.")
final class MergeCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    @ParentCommand
    ConfigGeneratorCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--env-local", paramLabel = "FILE", required = true, description = "The env.local to update.")
    Path envLocal;

    @Option(names = "--dry-run", description = "Print the changes as a unified diff; change nothing.")
    boolean dryRun;

    @Option(names = "--keep-previous", description = "Keep the previous version offered beside the new one (as NAME:VERSION).")
    boolean keepPrevious;

    @Option(names = "--no-backup", description = "Do not keep a copy of the file as it was (FILE.YYYYMMDDTHHMMSS.bak).")
    boolean noBackup;

    @Option(names = "--allow-snapshot", description = "Allow -SNAPSHOT versions (never published; for a test server only).")
    boolean allowSnapshot;

    @Option(names = "--birdhouse", paramLabel = "VERSION", converter = GenerationConverter.class,
            description = "The server's birdhouse-deploy version (e.g. 2.28.0, 2.14, 1.42). 2.15 and later: the jobs are a"
                    + " component (see 'component'); the jobs block is left out of env.local and removed if written earlier."
                    + " 2.0 to 2.14: jobs in env.local with the BIRDHOUSE_* names. 1.x: jobs in env.local with the older names."
                    + " Default: detected from the birdhouse folder the env.local is in, else 2.15 or later with"
                    + " --enable-component, else 2.0 to 2.14 (1.x with --legacy-names).")
    BirdhouseGeneration server;

    @Option(names = "--replace-old-jobs", description = "Disable the line of env.local that sources the old job generator of"
            + " pavics-jupyter-base (deploy_data_pavics_jupyter.env) instead of refusing to merge.")
    boolean replaceOldJobs;

    @Option(names = "--enable-component", paramLabel = "DIR", description = "Also add DIR (the folder written by 'component'"
            + " on the server, absolute or relative to the birdhouse folder) to BIRDHOUSE_EXTRA_CONF_DIRS; birdhouse 2.15 and later.")
    String enableComponent;

    /** --birdhouse VERSION → the release generation; a bad version is a command-line error (exit 2). */
    static final class GenerationConverter implements picocli.CommandLine.ITypeConverter<BirdhouseGeneration> {
        @Override
        public BirdhouseGeneration convert(String value) {
            try {
                return BirdhouseGeneration.ofVersion(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        // a symbolic link (an env.local kept in a configuration repository) is updated where it points
        Path file = envLocal;
        try {
            file = envLocal.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IOException(envLocal + ": file not found");
        } catch (IOException e) {
            throw new IOException(envLocal + ": cannot read it (" + reason(e) + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(envLocal + ": not a regular file" + (Files.isDirectory(file) ? " (a folder)" : ""));
        }
        String before;
        try {
            // ISO-8859-1 maps every byte to one char: bytes we do not edit are written back unchanged
            before = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException(envLocal + ": cannot read it (" + reason(e) + ")");
        }
        notShell(before);
        ImageSelection.Result selection = parent.selectImages();
        selection.notes().forEach(n -> spec.commandLine().getErr().println("config-generator: " + n));
        parent.requireReleased(selection.images(), allowSnapshot, "merge");
        BirdhouseGeneration generation = server();
        EnvLocalMerge.Result result;
        try {
            result = new EnvLocalMerge(envLocal.toString()).merge(before, selection.images(),
                    new EnvLocalMerge.Options(keepPrevious, parent.legacyNames, parent.deployerImage(), generation,
                            replaceOldJobs, enableComponent));
        } catch (EnvLocalException e) {
            if (e.remedy().filter(r -> r == EnvLocalException.Remedy.REPLACE_OLD_JOBS).isPresent()) {
                throw new EnvLocalException(e.getMessage() + " (--replace-old-jobs)");
            }
            throw e;
        }
        if (serverNote != null) {
            spec.commandLine().getErr().println("config-generator: " + serverNote);
        }
        if (parent.legacyNames && generation != BirdhouseGeneration.V1) {
            spec.commandLine().getErr().println("config-generator: warning: --legacy-names names only a new images variable;"
                    + " the jobs use the names birdhouse " + generation.label() + " defines");
        }
        if (enableComponent != null) {
            Path folder = file.getParent().resolve(enableComponent).normalize();
            if (Files.exists(folder) && !Files.isDirectory(folder)) {
                throw new IOException("--enable-component " + enableComponent + ": a file, not the component's folder");
            }
            if (!Files.isRegularFile(folder.resolve("default.env"))) {
                spec.commandLine().getErr().println("config-generator: warning: " + folder + " has no default.env here: put the"
                        + " folder written by 'component --out' there before birdhouse next starts");
            }
        }
        result.warnings().forEach(w -> spec.commandLine().getErr().println("config-generator: warning: " + w));
        if (!result.changed(before)) {
            spec.commandLine().getErr().println("config-generator: " + envLocal + " is up to date");
            return 0;
        }
        if (dryRun) {
            spec.commandLine().getOut().print(diff(before, result.text()));
            spec.commandLine().getOut().flush();
            result.changes().forEach(c -> spec.commandLine().getErr().println("config-generator: would change: " + c));
            return 0;
        }
        if (!Files.isWritable(file) || !Files.isWritable(file.getParent())) {
            throw new IOException(file + ": cannot update it (permission denied on the file or its folder)");
        }
        if (!noBackup) {
            Path backup = file.resolveSibling(file.getFileName() + "." + LocalDateTime.now().format(STAMP) + ".bak");
            try {
                Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new IOException("cannot write the backup " + backup + " (" + reason(e) + "); " + file + " is unchanged");
            }
            spec.commandLine().getErr().println("config-generator: backup in " + backup);
        }
        try {
            AtomicFiles.write(file, result.text().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IOException("cannot update " + file + " (" + reason(e) + "); it is unchanged");
        }
        result.changes().forEach(c -> spec.commandLine().getErr().println("config-generator: " + c));
        return 0;
    }

    private static final java.util.regex.Pattern YAML_KEY = java.util.regex.Pattern.compile(
            "(?m)^(JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES|DOCKER_NOTEBOOK_IMAGES|JUPYTERHUB_IMAGE_SELECTION_NAMES|[A-Za-z_][\\w-]*)\\s*:(\\s|$)");

    /**
     * Refuses what is plainly not a bash env.local: a binary file (a NUL byte, or not UTF-8 text), or YAML (a
     * {@code KEY: value} line naming an image variable, or such lines with no assignment at all).
     */
    private void notShell(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        boolean utf8;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            utf8 = true;
        } catch (java.nio.charset.CharacterCodingException e) {
            utf8 = false;
        }
        if (text.indexOf('\0') >= 0 || !utf8) {
            throw new IOException(envLocal + ": not a text file (an env.local is bash text)");
        }
        boolean assignments = java.util.regex.Pattern.compile("(?m)^\\s*(export\\s+)?[A-Za-z_]\\w*=").matcher(text).find();
        java.util.regex.Matcher yaml = YAML_KEY.matcher(text);
        while (yaml.find()) {
            String key = yaml.group(1);
            if (!assignments || key.endsWith("NOTEBOOK_IMAGES") || key.equals("JUPYTERHUB_IMAGE_SELECTION_NAMES")) {
                throw new IOException(envLocal + ":" + (text.substring(0, yaml.start()).chars().filter(c -> c == '\n').count() + 1)
                        + ": '" + yaml.group().strip() + "' is YAML, not bash: an env.local sets variables as NAME=\"value\"");
            }
        }
    }

    /** The lines of a text as diff and patch count them (a final newline ends the last line). */
    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return Arrays.asList(body.split("\n", -1));
    }

    /** Why an I/O operation failed, in words ("permission denied", "file already exists", ...). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /** How the server's release was found, said once the merge succeeds; null when --birdhouse gave it. */
    private String serverNote;

    /** From --birdhouse, else from the env.local's birdhouse folder, else 2.0 to 2.14 (1.x with --legacy-names). */
    private BirdhouseGeneration server() {
        Path dir = envLocal.toAbsolutePath().getParent();
        java.util.Optional<BirdhouseGeneration> detected = BirdhouseGeneration.detect(dir);
        if (server != null) {
            serverNote = "birdhouse-deploy " + server.label() + " (--birdhouse)" + detected.filter(d -> d != server)
                    .map(d -> "; warning: the birdhouse folder " + dir + " looks like " + d.label()).orElse("");
            return server;
        }
        if (detected.isPresent()) {
            serverNote = "birdhouse-deploy " + detected.get().label() + " detected in " + dir + "; --birdhouse VERSION to say otherwise";
            return detected.get();
        }
        if (enableComponent != null) {
            serverNote = "birdhouse-deploy 2.15 or later assumed (--enable-component); --birdhouse VERSION to say otherwise";
            return BirdhouseGeneration.V2_COMPONENT_JOBS;
        }
        BirdhouseGeneration assumed = parent.legacyNames ? BirdhouseGeneration.V1 : BirdhouseGeneration.V2;
        serverNote = envLocal + " is not in a birdhouse-deploy folder: jobs written for birdhouse " + assumed.label()
                + "; give --birdhouse VERSION (2.15 and later take the jobs as a component)";
        return assumed;
    }

    private String diff(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(envLocal.toString(), envLocal + " (merged)", a, patch, 3);
        return String.join("\n", lines) + "\n";
    }
}
