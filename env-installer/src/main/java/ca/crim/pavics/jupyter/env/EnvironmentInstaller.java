package ca.crim.pavics.jupyter.env;

import ca.crim.pavics.jupyter.env.image.EnvironmentLayers;
import ca.crim.pavics.jupyter.env.install.CondaPackageContents;
import ca.crim.pavics.jupyter.env.install.CondaPackageInstaller;
import ca.crim.pavics.jupyter.env.install.InstallException;
import ca.crim.pavics.jupyter.env.install.InstallTarget;
import ca.crim.pavics.jupyter.env.install.InstalledPackage;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.env.layer.LayerWriter;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.env.lock.LockedPackage;
import ca.crim.pavics.jupyter.env.pkg.PackageException;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.env.plan.InstallPlan;
import ca.crim.pavics.jupyter.env.wheel.WheelInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a plan's packages into layers over the base: conda packages grouped by a stable hash of their name
 * into {@value #PACKAGE_LAYERS} layers (changing one package changes one layer), wheels in one layer after them,
 * and a small last layer with the {@code conda-meta} records, {@code conda-meta/history}, the package list and
 * {@code pkgs/cache} of the conda installation owned by 1000:1000.
 * Replaced base packages are hidden with OCI whiteouts; two packages writing one path: the later in dependency
 * order wins, with a warning.
 */
public final class EnvironmentInstaller {
    public static final int PACKAGE_LAYERS = 16;
    public static final String PACKAGE_LIST = "environment.packages.txt";
    /** The base image's user (jenkins) and group. */
    public static final int USER_ID = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentInstaller.class);

    private final InstallTarget target;
    private final LayerWriter writer;
    private final int parallelism;

    public EnvironmentInstaller(InstallTarget target, int gzipLevel, int parallelism) {
        this.target = target;
        this.writer = new LayerWriter(gzipLevel);
        this.parallelism = Math.max(1, parallelism);
    }

    public EnvironmentLayers install(InstallPlan plan, BaseSnapshot base, Map<LockedPackage, Path> files,
            Map<String, String> directUrls, String lockSha256, Path layerDir) throws EnvironmentException {
        try {
            Files.createDirectories(layerDir);
            Files.createDirectories(target.spoolDir());
        } catch (IOException e) {
            throw new EnvironmentException("cannot create " + layerDir + ": " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "env-install");
            t.setDaemon(true);
            return t;
        });
        try {
            // 1. What each conda package holds (info/ only).
            List<Callable<CondaPackageContents>> reads = new ArrayList<>();
            for (InstallPlan.Step step : plan.conda()) {
                Path file = files.get(step.locked());
                reads.add(() -> CondaPackageContents.read(file));
            }
            List<CondaPackageContents> contents = all(pool, reads);

            // 2. Who wins each path: the last package in dependency order; the others skip it.
            Map<String, Integer> owner = new HashMap<>();
            List<Set<String>> skips = new ArrayList<>();
            for (int i = 0; i < contents.size(); i++) {
                skips.add(new HashSet<>());
                for (String path : contents.get(i).installedPaths(target)) {
                    Integer previous = owner.put(path, i);
                    if (previous != null && previous != i) {
                        skips.get(previous).add(path);
                        LOG.warn("{} and {} both write {}; {} wins (later in dependency order)",
                                plan.conda().get(previous).locked().name(), plan.conda().get(i).locked().name(), path,
                                plan.conda().get(i).locked().name());
                    }
                }
            }
            Provided provided = new Provided(owner.keySet());

            // 3. Conda layers, grouped by a stable hash of the package name.
            Map<Integer, List<Integer>> buckets = new TreeMap<>();
            for (int i = 0; i < plan.conda().size(); i++) {
                buckets.computeIfAbsent(bucket(plan.conda().get(i).locked().name()), b -> new ArrayList<>()).add(i);
            }
            List<Callable<LayerResult>> layerJobs = new ArrayList<>();
            for (Map.Entry<Integer, List<Integer>> bucket : buckets.entrySet()) {
                layerJobs.add(() -> condaLayer(bucket.getKey(), bucket.getValue(), plan, contents, skips, provided, layerDir));
            }
            boolean hasWheels = !plan.wheels().isEmpty();
            if (hasWheels) {
                layerJobs.add(() -> wheelLayer(plan, files, directUrls, layerDir));
            }
            List<LayerResult> results = all(pool, layerJobs);

            // 4. conda-meta, history, package list.
            List<InstalledPackage> installed = new ArrayList<>();
            results.forEach(r -> installed.addAll(r.packages));
            long bytes = installed.stream().mapToLong(InstalledPackage::bytes).sum();
            String packageList = packageList(base, plan);
            LayerBlob meta;
            try {
                meta = metaLayer(base, plan, contents, installed, packageList, lockSha256, layerDir);
            } catch (IOException e) {
                throw new EnvironmentException("cannot write the conda-meta layer in " + layerDir + ": " + e.getMessage(), e);
            }

            List<LayerBlob> layers = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            for (LayerResult r : results) {
                layers.add(r.blob);
                descriptions.add(r.description);
            }
            layers.add(meta);
            descriptions.add("conda-meta records, conda-meta/history, /" + PACKAGE_LIST);
            int added = (int) plan.conda().stream().filter(s -> s.action() == InstallPlan.Action.ADD).count();
            return new EnvironmentLayers(layers, descriptions, packageList, new EnvironmentLayers.Summary(added,
                    plan.conda().size() - added, plan.unchanged(), plan.wheels().size(), bytes));
        } finally {
            pool.shutdownNow();
        }
    }

    private record LayerResult(LayerBlob blob, String description, List<InstalledPackage> packages) {
    }

    private LayerResult condaLayer(int bucket, List<Integer> members, InstallPlan plan, List<CondaPackageContents> contents,
            List<Set<String>> skips, Provided provided, Path layerDir) throws IOException, InstallException {
        CondaPackageInstaller installer = new CondaPackageInstaller(target);
        List<InstalledPackage> packages = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (LayerWriter.Open layer = writer.open(layerDir.resolve(String.format("conda-%02d.tar.gz", bucket)))) {
            for (int i : members) {
                InstallPlan.Step step = plan.conda().get(i);
                InstalledPackage pkg = installer.install(step.locked(), contents.get(i), skips.get(i));
                List<LayerEntry> entries = new ArrayList<>(pkg.entries());
                if (step.replaced().isPresent()) {
                    entries.addAll(whiteouts(step.replaced().get().files(), provided));
                    entries.sort(Comparator.comparing(LayerEntry::path));
                }
                layer.add(entries);
                deleteSpooled(pkg.entries());
                packages.add(pkg);
                names.add(step.locked().name() + " " + step.locked().version());
                LOG.info("installed {} {} ({})", step.locked().name(), step.locked().version(),
                        step.action() == InstallPlan.Action.ADD ? "added" : "replaces " + step.replaced().get().version());
            }
            return new LayerResult(layer.finish(), "conda packages: " + String.join(", ", names), packages);
        }
    }

    /**
     * Whiteouts for a replaced package: each old path the new packages do not provide, and the {@code __pycache__}
     * folder beside each old {@code .py} file (bytecode of the old version that no record lists).
     */
    private List<LayerEntry> whiteouts(List<String> oldFiles, Provided provided) {
        Set<String> hidden = new TreeSet<>();
        for (String old : oldFiles) {
            if (!provided.paths().contains(old)) {
                hidden.add(old);
            }
            if (old.endsWith(".py")) {
                int slash = old.lastIndexOf('/');
                String cache = (slash < 0 ? "" : old.substring(0, slash + 1)) + "__pycache__";
                if (!provided.folders().contains(cache)) {
                    hidden.add(cache);
                }
            }
        }
        // a whiteout of a folder hides everything below it: no separate whiteouts inside it
        List<LayerEntry> out = new ArrayList<>();
        for (String path : hidden) {
            int cut = path.indexOf("__pycache__/");
            if (cut >= 0 && hidden.contains(path.substring(0, cut + "__pycache__".length()))) {
                continue;
            }
            out.add(LayerEntry.whiteout(target.layerPrefix() + "/" + path));
        }
        return out;
    }

    /** Paths the new packages install, and the folders holding them (looked up once per old file). */
    private record Provided(Set<String> paths, Set<String> folders) {
        Provided(Set<String> paths) {
            this(paths, folders(paths));
        }

        private static Set<String> folders(Set<String> paths) {
            Set<String> folders = new HashSet<>();
            for (String p : paths) {
                int slash = p.lastIndexOf('/');
                while (slash > 0 && folders.add(p.substring(0, slash))) {
                    slash = p.lastIndexOf('/', slash - 1);
                }
            }
            return folders;
        }
    }

    private LayerResult wheelLayer(InstallPlan plan, Map<LockedPackage, Path> files, Map<String, String> directUrls,
            Path layerDir) throws IOException, InstallException {
        WheelInstaller installer = new WheelInstaller(target);
        List<InstalledPackage> packages = new ArrayList<>();
        TreeMap<String, LayerEntry> entries = new TreeMap<>();
        List<String> names = new ArrayList<>();
        Set<String> newFiles = new HashSet<>();
        for (InstallPlan.WheelStep step : plan.wheels()) {
            InstalledPackage pkg = installer.install(step.locked(), files.get(step.locked()),
                    Optional.ofNullable(directUrls.get(step.locked().normalizedName())));
            pkg.entries().forEach(e -> entries.put(e.path(), e));
            newFiles.addAll(pkg.files());
            packages.add(pkg);
            names.add(step.locked().name() + " " + step.locked().version());
            LOG.info("installed wheel {} {}", step.locked().name(), step.locked().version());
        }
        Provided provided = new Provided(newFiles);
        for (InstallPlan.WheelStep step : plan.wheels()) {
            if (step.replaced().isPresent()) {
                whiteouts(step.replaced().get().files(), provided).forEach(w -> entries.put(w.path(), w));
            }
        }
        LayerBlob blob = writer.write(layerDir.resolve("wheels.tar.gz"), new ArrayList<>(entries.values()));
        return new LayerResult(blob, "wheels: " + String.join(", ", names), packages);
    }

    private LayerBlob metaLayer(BaseSnapshot base, InstallPlan plan, List<CondaPackageContents> contents,
            List<InstalledPackage> installed, String packageList, String lockSha256, Path layerDir) throws IOException {
        String meta = target.layerPrefix() + "/conda-meta";
        TreeMap<String, LayerEntry> entries = new TreeMap<>();
        entries.put(meta, LayerEntry.directory(meta, 0777));
        Set<String> newRecords = new HashSet<>();
        for (InstalledPackage p : installed) {
            if (!p.recordName().isEmpty()) {
                newRecords.add(p.recordName());
                entries.put(meta + "/" + p.recordName(), LayerEntry.file(meta + "/" + p.recordName(), 0666, p.record()));
            }
        }
        for (InstallPlan.Step step : plan.conda()) {
            step.replaced().filter(old -> !newRecords.contains(old.recordName())).ifPresent(old -> {
                LayerEntry w = LayerEntry.whiteout(meta + "/" + old.recordName());
                entries.put(w.path(), w);
            });
        }
        // as the old Dockerfiles made it: users install packages from JupyterLab, as jenkins (1000:1000)
        String pkgs = condaRoot(target.layerPrefix()) + "/pkgs";
        entries.put(pkgs, LayerEntry.directory(pkgs, 0777));
        entries.put(pkgs + "/cache", LayerEntry.directory(pkgs + "/cache", 0755, USER_ID, USER_ID));
        String history = history(base, plan, contents, lockSha256);
        entries.put(meta + "/history", LayerEntry.file(meta + "/history", 0666, history.getBytes(StandardCharsets.UTF_8)));
        entries.put(PACKAGE_LIST, LayerEntry.file(PACKAGE_LIST, 0644, packageList.getBytes(StandardCharsets.UTF_8)));
        return writer.write(layerDir.resolve("conda-meta.tar.gz"), new ArrayList<>(entries.values()));
    }

    private static String history(BaseSnapshot base, InstallPlan plan, List<CondaPackageContents> contents, String lockSha256) {
        long newest = 0;
        for (CondaPackageContents c : contents) {
            newest = Math.max(newest, c.index().path("timestamp").asLong(0));
        }
        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(newest));
        StringBuilder h = new StringBuilder(base.history());
        if (h.length() > 0 && h.charAt(h.length() - 1) != '\n') {
            h.append('\n');
        }
        h.append("==> ").append(date).append(" <==\n");
        h.append("# cmd: ").append(WheelInstaller.INSTALLER).append(" install (lock sha256 ").append(lockSha256).append(")\n");
        TreeSet<String> lines = new TreeSet<>();
        for (InstallPlan.Step step : plan.conda()) {
            CondaPackage p = step.locked();
            String channel = historyChannel(p.url());
            step.replaced().ifPresent(old -> lines.add("-" + channel + "::" + old.name() + "-" + old.version() + "-" + old.build()));
            lines.add("+" + channel + "::" + p.name() + "-" + p.version() + "-" + p.build());
        }
        lines.forEach(l -> h.append(l).append('\n'));
        return h.toString();
    }

    /** {@code conda-forge/linux-64} for anaconda.org channels, else the channel URL with its subdir. */
    static String historyChannel(String url) {
        String dir = url.substring(0, Math.max(0, url.lastIndexOf('/')));
        String anaconda = "https://conda.anaconda.org/";
        return dir.startsWith(anaconda) ? dir.substring(anaconda.length()) : dir;
    }

    private String packageList(BaseSnapshot base, InstallPlan plan) {
        TreeMap<String, String> lines = new TreeMap<>();
        for (BaseSnapshot.BaseConda c : base.conda()) {
            lines.put("conda " + c.name(), "conda " + c.name() + " " + c.version() + " " + c.build() + " base");
        }
        for (BaseSnapshot.BasePip p : base.pip()) {
            lines.put("pip " + p.name().toLowerCase(), "pip " + p.name() + " " + p.version() + " - base");
        }
        for (InstallPlan.Step s : plan.conda()) {
            CondaPackage p = s.locked();
            lines.put("conda " + p.name(), "conda " + p.name() + " " + p.version() + " " + p.build() + " " + p.url());
        }
        for (InstallPlan.WheelStep s : plan.wheels()) {
            var w = s.locked();
            lines.put("pip " + w.name().toLowerCase(), "pip " + w.name() + " " + w.version() + " "
                    + w.sha256().map(h -> "sha256:" + h).orElse("-") + " " + w.url());
        }
        StringBuilder out = new StringBuilder("# manager name version build|sha256 source\n");
        lines.values().forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    /** The conda installation an environment belongs to: {@code opt/conda} for {@code opt/conda/envs/birdy}. */
    static String condaRoot(String layerPrefix) {
        int envs = layerPrefix.lastIndexOf("/envs/");
        return envs > 0 && layerPrefix.indexOf('/', envs + 6) < 0 ? layerPrefix.substring(0, envs) : layerPrefix;
    }

    static int bucket(String name) {
        String hex = ca.crim.pavics.jupyter.registry.Digests.sha256Hex(name.getBytes(StandardCharsets.UTF_8));
        return (int) (Long.parseLong(hex.substring(0, 8), 16) % PACKAGE_LAYERS);
    }

    private static void deleteSpooled(List<LayerEntry> entries) throws IOException {
        for (LayerEntry e : entries) {
            if (e.spooled() != null) {
                Files.deleteIfExists(e.spooled());
            }
        }
    }

    private static <T> List<T> all(ExecutorService pool, List<Callable<T>> jobs) throws EnvironmentException {
        List<Future<T>> futures = new ArrayList<>();
        jobs.forEach(j -> futures.add(pool.submit(j)));
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                futures.forEach(other -> other.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof InstallException || cause instanceof PackageException) {
                    throw new EnvironmentException(cause.getMessage(), cause);
                }
                throw new EnvironmentException("environment install failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EnvironmentException("interrupted");
            }
        }
        return results;
    }
}
