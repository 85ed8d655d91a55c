package ca.crim.pavics.jupyter.lock.cli;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.spec.MatchSpecException;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.lock.BaseState;
import ca.crim.pavics.jupyter.lock.CondaLocker;
import ca.crim.pavics.jupyter.lock.LockRequest;
import ca.crim.pavics.jupyter.lock.pip.Netrc;
import ca.crim.pavics.jupyter.lock.pip.PipLocking;
import ca.crim.pavics.jupyter.lock.pip.PipPin;
import ca.crim.pavics.jupyter.lock.pip.PipResolutionException;
import ca.crim.pavics.jupyter.lock.pip.SimpleIndex;
import ca.crim.pavics.jupyter.lock.LockResult;
import ca.crim.pavics.jupyter.lock.repodata.ChannelLocator;
import ca.crim.pavics.jupyter.lock.repodata.ChannelSet;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code env-lock solve}: one request, its solution (or why there is none). */
@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Solves the specs over the channels (strict priority, linux-64 and noarch) on top of an installed "
                + "state, and prints the whole environment (installed records included), or why it cannot be solved.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:solved", "1:unsatisfiable, conda's part or pip's (the explanation is printed)",
            "2:bad input: an invalid spec, requirement, file, channel or index, a requirement that cannot be locked to a"
                + " wheel (a VCS reference), a channel or index that cannot be read (one line on stderr)"})
final class SolveCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--channel", paramLabel = "URL", required = true,
            description = "A channel (a URL with linux-64/ and noarch/, or a name resolved against --channel-alias), in "
                    + "priority order. Repeatable.")
    List<String> channels = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "MATCHSPEC", description = "A requested spec, e.g. 'gdal >=3.8'. Repeatable.")
    List<String> specs = new ArrayList<>();

    @Option(names = "--installed", paramLabel = "FILE",
            description = "The installed state: a base snapshot (base-environment.json; its system gives the virtual "
                    + "packages), or a text file of SUBDIR/FILENAME lines naming records of the channels.")
    Path installed;

    @Option(names = "--prefer", paramLabel = "FILE",
            description = "Records to keep where possible (e.g. a previous lock), as SUBDIR/FILENAME lines.")
    Path prefer;

    @Option(names = "--virtual", paramLabel = "NAME=VERSION[=BUILD]",
            description = "A virtual package, e.g. __glibc=2.28 or __archspec=1=x86_64; replaces the default or the "
                    + "snapshot's of that name. Repeatable. Defaults: __unix, __linux=5.10, __glibc=2.28, __archspec=1=x86_64.")
    List<String> virtual = new ArrayList<>();

    @Option(names = "--json", description = "Print {\"solved\": true, \"records\": [...]} or {\"solved\": false, \"explanation\": \"...\"}.")
    boolean json;

    @Option(names = "--channel-alias", paramLabel = "URL", defaultValue = Channel.DEFAULT_ALIAS,
            description = "Where channel names point (default: ${DEFAULT-VALUE}).")
    String channelAlias;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Repodata cache (default: $XDG_CACHE_HOME/pavics-jupyter/repodata or ~/.cache/pavics-jupyter/repodata).")
    Path cacheDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest silence of a channel server before giving up (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--pip", paramLabel = "REQ", description = "A pip requirement (PEP 508), resolved to wheels on top of"
            + " the conda solution, e.g. 'xarray>=2024.1'. Repeatable.")
    List<String> pip = new ArrayList<>();

    @Option(names = "--pypi-index", paramLabel = "URL", description = "A package index (simple API root) for --pip;"
            + " repeatable, first first. Default: https://pypi.org/simple/")
    List<String> pypiIndexes = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    boolean terminal;

    @Override
    public Integer call() throws Exception {
        if (timeout <= 0) {
            throw new IOException("--timeout: " + timeout + " is not a number of seconds above 0");
        }
        for (String c : channels) {
            if (c.isBlank() || c.chars().anyMatch(Character::isWhitespace)) {
                throw new IOException("--channel '" + c + "': not a channel URL or name (it has spaces)");
            }
        }
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), quiet, terminal);
        List<MatchSpec> requested = new ArrayList<>();
        for (String s : specs) {
            try {
                requested.add(MatchSpec.parse(s));
            } catch (MatchSpecException e) {
                throw new IOException("--spec: " + e.getMessage());
            }
            if (requested.get(requested.size() - 1).exactName().isEmpty()) {
                throw new IOException("--spec '" + s + "': a requested spec needs an exact package name");
            }
        }
        List<VirtualPackage> overrides = new ArrayList<>();
        for (String v : virtual) {
            try {
                overrides.add(VirtualPackage.parse(v));
            } catch (IllegalArgumentException e) {
                throw new IOException("--virtual: " + e.getMessage());
            }
        }
        List<PipLocking.Line> pipLines = new ArrayList<>();
        for (String p : pip) {
            pipLines.add(new PipLocking.Line(p, "--pip"));
        }
        try {
            PipLocking.parse(pipLines);
        } catch (PipResolutionException e) {
            throw new IOException(e.getMessage());
        }
        for (String u : pypiIndexes) {
            if (!u.matches("(?i)https?://[^/\\s]+.*")) {
                throw new IOException("--pypi-index: '" + u + "' is not an http(s) URL (e.g. https://pypi.org/simple/)");
            }
        }
        ChannelLocator locator = new ChannelLocator(channelAlias, Map.of());
        List<Channel> located;
        try {
            located = locator.channels(channels);
        } catch (IllegalArgumentException e) {
            throw new IOException("--channel: " + e.getMessage());
        }
        List<MatchSpec> specsLocated = requested.stream().map(s -> locator.locate(s, located)).toList();
        Set<String> preferred = new HashSet<>();
        if (prefer != null) {
            RecordList.read(existing(prefer, "--prefer")).forEach(e -> preferred.add(e.dist()));
        }
        BaseState base = new BaseState(List.of(), List.of(),
                VirtualPackages.override(BaseState.empty().virtual(), overrides), List.of());
        boolean snapshot = false;
        List<BaseSnapshot.BasePip> snapshotPip = List.of();
        if (installed != null && isJson(existing(installed, "--installed"))) {
            try {
                BaseSnapshot read = BaseSnapshot.read(installed);
                base = BaseState.of(read, installed, overrides);
                snapshotPip = read.pip();
            } catch (SnapshotException e) {
                throw new IOException(e.getMessage());
            }
            snapshot = true;
        }
        RepodataCache cache = new RepodataCache(cacheDir != null ? cacheDir : RepodataCache.defaultDir(System.getenv()),
                Duration.ofSeconds(timeout), progress::show);
        CondaLocker locker = new CondaLocker(cache);
        long start = System.nanoTime();
        progress.show("reading the repodata of " + located.size() + " channel(s)...");
        try (ChannelSet set = locker.open(located)) {
            List<PackageRecord> installedRecords = base.installed();
            if (installed != null && !snapshot) {
                installedRecords = RecordList.resolve(installed, RecordList.read(installed), set);
            }
            LockRequest request = new LockRequest(located, specsLocated, installedRecords, base.pinned(), base.virtual(),
                    preferred);
            progress.show("solving " + requested.size() + " spec(s) over " + set.size() + " records...");
            LockResult result;
            try {
                result = CondaLocker.solve(request, set, Duration.ofNanos(System.nanoTime() - start));
            } catch (UnsatisfiableException e) {
                progress.done();
                print(e);
                return EnvLockCommand.UNSATISFIABLE;
            }
            progress.done();
            List<PipPin> wheels = List.of();
            if (!pip.isEmpty()) {
                progress.show("resolving " + pip.size() + " pip requirement(s)...");
                Set<String> fromBase = new HashSet<>();
                installedRecords.forEach(r -> fromBase.add(r.name()));
                result.changes().forEach(c -> fromBase.remove(c.record().name()));
                String glibc = base.glibc();
                PipLocking.Source source = new PipLocking.Source(pypiIndexes.isEmpty() ? List.of(PipLocking.PYPI) : pypiIndexes,
                        cacheDir != null ? cacheDir.resolve("pypi") : SimpleIndex.defaultDir(System.getenv()),
                        Duration.ofSeconds(timeout), Netrc.read(Path.of(System.getProperty("user.home"), ".netrc")));
                try {
                    wheels = new PipLocking(source, progress::show).lock("pip", pipLines, result.environment(), fromBase,
                            snapshotPip, glibc, "x86_64").pins();
                } catch (PipResolutionException e) {
                    progress.done();
                    printUnsolved(e.getMessage());
                    return EnvLockCommand.UNSATISFIABLE;
                }
                progress.done();
            }
            print(result, installedRecords, wheels);
            if (!quiet) {
                spec.commandLine().getErr().printf("solved in %.2f s (repodata %.2f s): %s%n",
                        result.solveTime().toNanos() / 1e9, result.readTime().toNanos() / 1e9, result.summary());
            }
            return EnvLockCommand.SOLVED;
        }
    }

    private void print(UnsatisfiableException e) throws IOException {
        printUnsolved(e.getMessage());
    }

    private void printUnsolved(String explanation) throws IOException {
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("solved", false);
            root.put("explanation", explanation);
            spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            spec.commandLine().getOut().println(explanation);
        }
        spec.commandLine().getOut().flush();
    }

    private void print(LockResult result, List<PackageRecord> installedRecords, List<PipPin> wheels) throws IOException {
        Set<String> before = new HashSet<>();
        installedRecords.forEach(r -> before.add(r.name() + "\u0000" + r.dist()));
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("solved", true);
            ArrayNode records = root.putArray("records");
            for (PackageRecord r : new java.util.TreeMap<>(result.environment()).values()) {
                ObjectNode o = records.addObject();
                o.put("subdir", r.subdir());
                o.put("fn", r.fileName());
                o.put("name", r.name());
                o.put("version", r.version());
                o.put("build", r.build());
                o.put("channel", r.channel());
            }
            if (!pip.isEmpty()) {
                ArrayNode pipNode = root.putArray("pip");
                for (PipPin w : wheels) {
                    pipNode.addObject().put("name", w.name()).put("version", w.version().toString())
                            .put("url", w.file().orElseThrow().url()).put("sha256", w.file().orElseThrow().sha256().orElse(""));
                }
            }
            spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            for (PackageRecord r : new java.util.TreeMap<>(result.environment()).values()) {
                String mark = before.contains(r.name() + "\u0000" + r.dist()) ? " " : "+";
                spec.commandLine().getOut().printf("%s %-32s %-16s %-28s %s/%s%n", mark, r.name(), r.version(), r.build(),
                        r.channel(), r.subdir());
            }
            for (PipPin w : wheels) {
                spec.commandLine().getOut().printf("+ %-32s %-16s %s%n", w.name(), w.version(), w.file().orElseThrow().url());
            }
        }
        spec.commandLine().getOut().flush();
    }

    private static Path existing(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(option + " " + file + ": no such file");
        }
        return file;
    }

    private static boolean isJson(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).stripLeading();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException("--installed " + file + ": not a text file (a base snapshot or SUBDIR/FILENAME lines)");
        }
        return text.startsWith("{");
    }
}
