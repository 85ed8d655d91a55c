package ca.crim.pavics.jupyter.snapshot;

import ca.crim.pavics.jupyter.registry.ImageReference;
import ca.crim.pavics.jupyter.registry.RegistryClient;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistrySettings;
import ca.crim.pavics.jupyter.registry.VerifyingInputStream;
import ca.crim.pavics.jupyter.snapshot.layers.LayerDelta;
import ca.crim.pavics.jupyter.snapshot.layers.LayerScan;
import ca.crim.pavics.jupyter.snapshot.layers.MergedView;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the snapshot of a base image's environment from its registry: resolves the reference (a multi-platform
 * index to its linux/amd64 manifest), reads the config, streams each layer once (several at a time, each checked
 * against its digest) keeping only what describes the environment ({@link LayerScan}), applies the layers in order
 * with their whiteouts and opaque folders ({@link MergedView}), finds the environment's prefix and reads it out
 * ({@link EnvironmentReader}).
 */
public final class SnapshotMaker {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotMaker.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param reference the base image ({@code HOST/REPO:TAG}, {@code REPO@sha256:...})
     * @param prefix the environment to read; empty to find it from the image (its PATH, its conda-meta folders)
     * @param parallelism layers read at a time
     */
    public record Request(String reference, RegistrySettings registry, Optional<String> prefix, int parallelism) {
    }

    /**
     * @throws SnapshotException when the reference is invalid or the image holds no (or no unique) conda environment
     * @throws RegistryException when the registry cannot be read or content does not match its digest
     * @throws IOException when a layer is not a readable tar
     */
    public BaseSnapshot make(Request r) throws SnapshotException, IOException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(r.reference());
        } catch (IllegalArgumentException e) {
            throw new SnapshotException("invalid base image reference " + r.reference() + ": " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(ref, r.registry());
        RegistryClient.Resolved resolved = client.resolve(ref.digest().isEmpty() ? ref.tag() : ref.digest());
        JsonNode manifest = resolved.manifest().json();
        JsonNode configDescriptor = manifest.path("config");
        JsonNode config = JSON.readTree(client.blob(configDescriptor.path("digest").asText(),
                configDescriptor.path("size").asLong(-1)));
        List<JsonNode> layers = new ArrayList<>();
        manifest.path("layers").forEach(layers::add);
        long total = layers.stream().mapToLong(l -> l.path("size").asLong()).sum();
        LOG.info("snapshot of {} ({}): {} layers, {} MB", r.reference(), resolved.manifest().digest(), layers.size(),
                total / 1_000_000);
        List<LayerDelta> deltas = scanAll(client, layers, Math.max(1, r.parallelism()));
        MergedView view = new MergedView();
        deltas.forEach(view::apply);
        BaseSnapshot.ImageInfo image = new BaseSnapshot.ImageInfo(r.reference(), resolved.manifest().digest(),
                resolved.indexDigest(), "linux/" + config.path("architecture").asText("amd64"));
        return new EnvironmentReader(view, config, r.reference()).read(image, r.prefix());
    }

    private static List<LayerDelta> scanAll(RegistryClient client, List<JsonNode> layers, int parallelism)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, layers.size())), runnable -> {
            Thread t = new Thread(runnable, "snapshot-layer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<LayerDelta>> futures = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                JsonNode layer = layers.get(i);
                String what = "layer " + (i + 1) + "/" + layers.size() + " (" + layer.path("digest").asText() + ")";
                futures.add(pool.submit(() -> scanOne(client, layer, what)));
            }
            List<LayerDelta> out = new ArrayList<>();
            for (Future<LayerDelta> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static LayerDelta scanOne(RegistryClient client, JsonNode layer, String what) throws IOException {
        long start = System.nanoTime();
        try (VerifyingInputStream blob = client.openBlob(layer.path("digest").asText(), layer.path("size").asLong(-1));
                InputStream tar = LayerScan.decompress(blob, layer.path("mediaType").asText(""))) {
            LayerDelta delta = LayerScan.scan(tar, what);
            tar.transferTo(java.io.OutputStream.nullOutputStream());
            blob.verifyRest();
            LOG.info("{}: {} MB read in {} s, {} entries kept", what, layer.path("size").asLong() / 1_000_000,
                    String.format("%.1f", (System.nanoTime() - start) / 1e9), delta.entries().size());
            return delta;
        } catch (java.util.zip.ZipException e) {
            throw new IOException(what + " is not valid gzip: " + e.getMessage(), e);
        }
    }
}
