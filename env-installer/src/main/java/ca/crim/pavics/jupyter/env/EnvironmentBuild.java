package ca.crim.pavics.jupyter.env;

import ca.crim.pavics.jupyter.env.fetch.FetchException;
import ca.crim.pavics.jupyter.env.fetch.PackageCache;
import ca.crim.pavics.jupyter.env.image.DockerSaveTar;
import ca.crim.pavics.jupyter.env.image.EnvironmentLayers;
import ca.crim.pavics.jupyter.env.image.ExtraLayer;
import ca.crim.pavics.jupyter.env.layer.LayerBlob;
import ca.crim.pavics.jupyter.env.image.ImageComposer;
import ca.crim.pavics.jupyter.env.image.RegistryPush;
import ca.crim.pavics.jupyter.env.install.InstallTarget;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.env.lock.LockChecks;
import ca.crim.pavics.jupyter.env.lock.LockException;
import ca.crim.pavics.jupyter.env.lock.LockFile;
import ca.crim.pavics.jupyter.env.lock.LockFileReader;
import ca.crim.pavics.jupyter.env.lock.LockedPackage;
import ca.crim.pavics.jupyter.env.lock.StaleLockException;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.snapshot.SnapshotCheck;
import ca.crim.pavics.jupyter.env.plan.InstallPlan;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.registry.Digests;
import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.spec.EnvironmentFile;
import ca.crim.pavics.jupyter.spec.EnvironmentFileParser;
import ca.crim.pavics.jupyter.spec.PipRequirement;
import ca.crim.pavics.jupyter.spec.SpecException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the environment image of an image module: checks the lock against {@code environment.yml}, plans the
 * install over the base snapshot, downloads, installs into layers and publishes base + layers as an image, either
 * pushed to a registry repository or written as a docker-save tar. The image is keyed by a hash of the lock, the
 * snapshot, the base image's digest and the installer's settings: when the target already holds that key, nothing
 * is downloaded, installed or pushed.
 */
public final class EnvironmentBuild {
    /** Bumped whenever the installer's output for the same inputs changes. */
    public static final String INSTALLER_VERSION = "2";
    public static final String PLATFORM = "linux-64";
    public static final String LABEL_ENVIRONMENT = "ca.crim.pavics.jupyter.environment";
    public static final String LABEL_PACKAGES = "ca.crim.pavics.jupyter.packages";
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentBuild.class);

    /**
     * @param targetRepository registry repository to push the environment image to ({@code host/ns/name}); empty to
     *     write a docker-save tar in {@code workDir}
     * @param lockCategories conda-lock categories to install ({@code main} unless others are asked for)
     * @param packages install the lock's packages; false: only the extra layers over the base (the lock, the
     *     environment file and the snapshot are not read)
     * @param extraLayers layers added after the environment's, in order (declared image files)
     */
    public record Request(Path lockFile, Path environmentFile, Path snapshotFile, String baseImage,
            Optional<String> targetRepository, Path workDir, Path cacheDir, RegistrySettings registry,
            boolean allowLinkScripts, int gzipLevel, int parallelism, java.util.Set<String> lockCategories,
            boolean packages, List<ExtraLayer> extraLayers) {
        public Request {
            lockCategories = java.util.Set.copyOf(lockCategories);
            extraLayers = List.copyOf(extraLayers);
        }

        /** A request that installs the lock's packages of {@code lockCategories} and no extra layer. */
        public Request(Path lockFile, Path environmentFile, Path snapshotFile, String baseImage,
                Optional<String> targetRepository, Path workDir, Path cacheDir, RegistrySettings registry,
                boolean allowLinkScripts, int gzipLevel, int parallelism, java.util.Set<String> lockCategories) {
            this(lockFile, environmentFile, snapshotFile, baseImage, targetRepository, workDir, cacheDir, registry,
                    allowLinkScripts, gzipLevel, parallelism, lockCategories, true, List.of());
        }

        /** A request that installs conda-lock's {@code main} category. */
        public Request(Path lockFile, Path environmentFile, Path snapshotFile, String baseImage,
                Optional<String> targetRepository, Path workDir, Path cacheDir, RegistrySettings registry,
                boolean allowLinkScripts, int gzipLevel, int parallelism) {
            this(lockFile, environmentFile, snapshotFile, baseImage, targetRepository, workDir, cacheDir, registry,
                    allowLinkScripts, gzipLevel, parallelism, LockFileReader.DEFAULT_CATEGORIES);
        }
    }

    /**
     * @param fromImage what the final image builds FROM: {@code host/repo@sha256:...} or {@code tar:///path}
     * @param reused true when the environment image of this key already existed
     */
    public record Result(String fromImage, String key, boolean reused, String summary) {
    }

    public Result build(Request request) throws EnvironmentException {
        try {
            return run(request);
        } catch (LockException | SnapshotException | FetchException | SpecException e) {
            throw new EnvironmentException(e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new EnvironmentException(e.getFile() + " not found", e);
        } catch (IOException e) {
            throw new EnvironmentException(String.valueOf(e.getMessage()).replace('\n', ' '), e);
        } catch (java.io.UncheckedIOException e) {
            // from a blob streamed between registries
            throw new EnvironmentException(String.valueOf(e.getCause().getMessage()).replace('\n', ' '), e);
        }
    }

    private Result run(Request r) throws EnvironmentException, LockException, SnapshotException, FetchException,
            SpecException, IOException {
        if (!r.packages()) {
            return extraLayersOnly(r);
        }
        String lockText;
        try {
            lockText = Files.readString(r.lockFile(), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StaleLockException(r.lockFile() + " not found: lock " + r.environmentFile().getFileName() + " for "
                    + PLATFORM);
        }
        LockFile lock = new LockFileReader(r.lockCategories()).read(r.lockFile(), lockText, PLATFORM);
        String lockSha = Digests.sha256Hex(lockText.getBytes(StandardCharsets.UTF_8));
        byte[] envBytes = Files.readAllBytes(r.environmentFile());
        EnvironmentFile env = new EnvironmentFileParser(null).parse(r.environmentFile());
        env.notes().forEach(LOG::info);
        byte[] snapshotBytes = BaseSnapshot.bytes(r.snapshotFile());
        BaseSnapshot base = BaseSnapshot.parse(r.snapshotFile(), snapshotBytes);
        LockChecks.check(r.lockFile(), lockText, r.environmentFile(), envBytes, env, lock, base.records(),
                LockChecks.basePip(base));

        ImageReference baseRef = reference(r.baseImage(), "base image");
        RegistryClient baseClient = new RegistryClient(baseRef, r.registry());
        RegistryClient.Manifest baseManifest = baseClient.manifest(baseRef.digest().isEmpty() ? baseRef.tag() : baseRef.digest());
        if (!SnapshotCheck.requireSameImage(base, r.snapshotFile(), r.baseImage(), baseManifest.digest())) {
            LOG.warn("{} names no image: it cannot be checked against {} ({})", r.snapshotFile(), r.baseImage(),
                    baseManifest.digest());
        }
        String keyText = String.join("\n", INSTALLER_VERSION, lockSha, String.join(",",
                new java.util.TreeSet<>(r.lockCategories())),
                Digests.sha256Hex(snapshotBytes), baseManifest.digest(), String.valueOf(r.gzipLevel()),
                String.valueOf(r.allowLinkScripts())) + (r.extraLayers().isEmpty() ? "" : "\n" + extraKeys(r));
        String key = Digests.sha256Hex(keyText.getBytes(StandardCharsets.UTF_8));
        String tag = "env-" + key.substring(0, 32);
        Path keyDir = r.workDir().resolve(key.substring(0, 32));

        Existing existing = existing(r, baseRef, tag, keyDir, key);
        if (existing.reused() != null) {
            return existing.reused();
        }
        Optional<RegistryClient> target = existing.target();
        String rebuilt = existing.rebuilt();
        InstallTarget installTarget = installTarget(r, lock, base, keyDir);
        InstallPlan plan = InstallPlan.of(lock, base);
        List<LockedPackage> needed = new ArrayList<>();
        plan.conda().forEach(s -> needed.add(s.locked()));
        plan.wheels().forEach(s -> needed.add(s.locked()));
        Map<LockedPackage, Path> files = new PackageCache(r.cacheDir(), r.lockFile().toAbsolutePath().getParent(),
                Math.max(4, r.parallelism() * 2)).fetch(needed);
        Map<String, String> directUrls = new LinkedHashMap<>();
        for (PipRequirement req : env.pip()) {
            if (req.isDirectReference()) {
                directUrls.put(req.normalizedName(), req.url());
            }
        }
        EnvironmentLayers layers = new EnvironmentInstaller(installTarget, r.gzipLevel(), r.parallelism())
                .install(plan, base, files, directUrls, lockSha, keyDir.resolve("layers"));
        ca.crim.pavics.jupyter.image.FileTrees.delete(installTarget.spoolDir());

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_ENVIRONMENT, "installed from " + r.lockFile().getFileName() + " sha256:" + lockSha);
        labels.put(LABEL_PACKAGES, layers.packageList());
        List<LayerBlob> all = new ArrayList<>(layers.layers());
        List<String> descriptions = new ArrayList<>(layers.descriptions());
        String summary = rebuilt + layers.summary() + extraLayers(r, keyDir, all, descriptions);
        return publish(r, baseClient, baseManifest, all, descriptions, labels, summary, target, tag, key, keyDir);
    }

    /** The image of a module whose packages are not installed: the base and the extra layers. */
    private Result extraLayersOnly(Request r) throws EnvironmentException, IOException {
        ImageReference baseRef = reference(r.baseImage(), "base image");
        RegistryClient baseClient = new RegistryClient(baseRef, r.registry());
        RegistryClient.Manifest baseManifest = baseClient.manifest(baseRef.digest().isEmpty() ? baseRef.tag() : baseRef.digest());
        String key = Digests.sha256Hex(String.join("\n", INSTALLER_VERSION, "no packages", baseManifest.digest(),
                String.valueOf(r.gzipLevel()), extraKeys(r)).getBytes(StandardCharsets.UTF_8));
        String tag = "env-" + key.substring(0, 32);
        Path keyDir = r.workDir().resolve(key.substring(0, 32));
        Existing existing = existing(r, baseRef, tag, keyDir, key);
        if (existing.reused() != null) {
            return existing.reused();
        }
        List<LayerBlob> all = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        String summary = existing.rebuilt() + "packages not installed" + extraLayers(r, keyDir, all, descriptions);
        return publish(r, baseClient, baseManifest, all, descriptions, new LinkedHashMap<>(), summary, existing.target(), tag,
                key, keyDir);
    }

    private static String extraKeys(Request r) {
        return r.extraLayers().stream().map(ExtraLayer::key).collect(java.util.stream.Collectors.joining(","));
    }

    /** Writes (or takes from their cache) the extra layers; returns the summary's part about them. */
    private static String extraLayers(Request r, Path keyDir, List<LayerBlob> all, List<String> descriptions)
            throws EnvironmentException, IOException {
        if (r.extraLayers().isEmpty()) {
            return "";
        }
        Path work = keyDir.resolve("extra");
        Files.createDirectories(work);
        long bytes = 0;
        for (ExtraLayer extra : r.extraLayers()) {
            LayerBlob blob = extra.write(work);
            all.add(blob);
            descriptions.add(extra.description());
            bytes += blob.size();
        }
        return "; " + r.extraLayers().size() + " image file layer(s), " + String.format("%.1f MB", bytes / 1024.0 / 1024.0);
    }

    /** What is already there for a key: the image to reuse, or where to push and why it is built again. */
    private record Existing(Result reused, Optional<RegistryClient> target, String rebuilt) {
    }

    private Existing existing(Request r, ImageReference baseRef, String tag, Path keyDir, String key)
            throws EnvironmentException, IOException {
        if (r.targetRepository().isPresent()) {
            ImageReference targetRef = reference(r.targetRepository().get() + ":" + tag, "environment image");
            RegistryClient client = new RegistryClient(targetRef, r.registry());
            if (targetRef.registry().equals(baseRef.registry())) {
                client.alsoPullFrom(baseRef.repository());
            }
            Optional<RegistryClient.Manifest> found = client.rawManifest(tag);
            String rebuilt = "";
            if (found.isPresent()) {
                Optional<String> missing = missingBlob(client, found.get());
                String from = r.targetRepository().get() + "@" + found.get().digest();
                if (missing.isEmpty()) {
                    LOG.info("environment image unchanged (same inputs as before): {}", from);
                    return new Existing(new Result(from, key, true, "unchanged"), Optional.of(client), "");
                }
                rebuilt = "rebuilt: blob " + missing.get() + " of the previous " + tag + " was missing; ";
                LOG.warn("environment image {} is incomplete (blob {} is missing from {}): building it again", from,
                        missing.get(), r.targetRepository().get());
            }
            return new Existing(null, Optional.of(client), rebuilt);
        }
        Path tar = keyDir.resolve("environment-image.tar");
        if (Files.isRegularFile(tar)) {
            Optional<String> problem = DockerSaveTar.verify(tar);
            if (problem.isEmpty()) {
                LOG.info("environment image unchanged (same inputs as before): {}", tar);
                return new Existing(new Result("tar://" + tar.toAbsolutePath(), key, true, "unchanged"), Optional.empty(), "");
            }
            LOG.warn("environment image {} fails verification ({}): building it again", tar, problem.get());
            Files.delete(tar);
            return new Existing(null, Optional.empty(), "rebuilt: the previous tar failed verification (" + problem.get() + "); ");
        }
        return new Existing(null, Optional.empty(), "");
    }

    /** Composes base + layers and pushes it under {@code tag} or writes the docker-save tar. */
    private Result publish(Request r, RegistryClient baseClient, RegistryClient.Manifest baseManifest, List<LayerBlob> layers,
            List<String> descriptions, Map<String, String> labels, String summaryStart, Optional<RegistryClient> target,
            String tag, String key, Path keyDir) throws IOException {
        byte[] baseConfig = baseClient.blob(baseManifest.json().path("config").path("digest").asText());
        ImageComposer.Composed image = ImageComposer.compose(baseConfig, baseManifest.bytes(), baseManifest.mediaType(),
                layers, descriptions, labels);
        long layerBytes = layers.stream().mapToLong(LayerBlob::size).sum();
        String summary = summaryStart + "; " + layers.size() + " layers, "
                + String.format("%.1f MB", layerBytes / 1024.0 / 1024.0) + " compressed";
        if (target.isPresent()) {
            RegistryPush.Stats stats = RegistryPush.push(baseClient, target.get(), image, layers, tag);
            String from = r.targetRepository().get() + "@" + image.manifestDigest();
            LOG.info("environment image {}: {}; pushed {} layers ({} base layers mounted, {} copied, {} already there)",
                    from, summary, stats.uploaded(), stats.mounted(), stats.copied(), stats.skipped());
            return new Result(from, key, false, summary);
        }
        Path tar = keyDir.resolve("environment-image.tar");
        Files.createDirectories(keyDir);
        DockerSaveTar.write(tar, "environment:" + tag, baseClient, image, layers);
        LOG.info("environment image {}: {}", tar, summary);
        return new Result("tar://" + tar.toAbsolutePath(), key, false, summary);
    }

    /** The first blob (config, then layers) of an image manifest that the repository does not have. */
    private static Optional<String> missingBlob(RegistryClient client, RegistryClient.Manifest manifest) throws IOException {
        JsonNode json = manifest.json();
        List<String> digests = new ArrayList<>();
        digests.add(json.path("config").path("digest").asText());
        json.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
        for (String digest : digests) {
            if (!client.hasBlob(digest)) {
                return Optional.of(digest);
            }
        }
        return Optional.empty();
    }

    private static InstallTarget installTarget(Request r, LockFile lock, BaseSnapshot base, Path keyDir)
            throws EnvironmentException {
        Optional<String> lockPython = lock.conda().stream().filter(p -> p.name().equals("python"))
                .map(CondaPackage::version).map(BaseSnapshot::majorMinor).findFirst();
        Optional<String> basePython = base.pythonVersion();
        if (lockPython.isPresent() && basePython.isPresent() && !lockPython.get().equals(basePython.get())) {
            throw new EnvironmentException(r.lockFile() + ": python " + lockPython.get() + " differs from the base's python "
                    + basePython.get() + " (" + r.snapshotFile().getFileName() + "); changing python's major.minor over a"
                    + " base is not supported: keep python " + basePython.get() + " in environment.yml");
        }
        String python = lockPython.or(() -> basePython).orElseThrow(() -> new EnvironmentException(r.snapshotFile()
                + ": the base environment has no python record and the lock has no python"));
        String sitePackages = base.conda("python").flatMap(BaseSnapshot.BaseConda::sitePackagesPath)
                .orElse(InstallTarget.defaultSitePackages(python));
        return new InstallTarget(base.prefix(), python, sitePackages, r.allowLinkScripts(), keyDir.resolve("spool"));
    }

    private static ImageReference reference(String ref, String what) throws EnvironmentException {
        if (ref.startsWith("tar://") || ref.startsWith("docker://")) {
            throw new EnvironmentException("the " + what + " " + ref + " is not in a registry: building the environment"
                    + " layers needs the base image from a registry (-Dbase.image=HOST/REPO:TAG)");
        }
        try {
            return ImageReference.parse(ref);
        } catch (IllegalArgumentException e) {
            throw new EnvironmentException("invalid " + what + " reference " + ref + ": " + e.getMessage());
        }
    }
}
