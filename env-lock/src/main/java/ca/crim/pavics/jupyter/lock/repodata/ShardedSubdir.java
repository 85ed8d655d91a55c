package ca.crim.pavics.jupyter.lock.repodata;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * A subdir served as sharded repodata (CEP 16): its shard index ({@code repodata_shards.msgpack.zst}: package name
 * → SHA-256 of that name's shard) and one content-addressed shard per name, fetched only for the names a solve
 * reaches. When a shard is read, the shards of the names its records depend on are fetched in the background (the
 * CEP's fetch process), so that a solve rarely waits on the network one name at a time. Hashes stored as bytes in
 * shards ({@code md5}, {@code sha256}) become hex, as in repodata.json.
 */
final class ShardedSubdir implements SubdirRecords {
    private static final int PREFETCH_THREADS = 8;

    private final RepodataCache cache;
    private final String channel;
    private final String subdir;
    private final String indexUrl;
    private final String shardsBase;
    private final String packagesBase;
    private final Map<String, String> shards;
    private final Map<String, CompletableFuture<List<PackageRecord>>> fetched = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(PREFETCH_THREADS, r -> {
        Thread t = new Thread(r, "shard-fetch");
        t.setDaemon(true);
        return t;
    });

    private ShardedSubdir(RepodataCache cache, String channel, String subdir, String indexUrl, String shardsBase,
            String packagesBase, Map<String, String> shards) {
        this.cache = cache;
        this.channel = channel;
        this.subdir = subdir;
        this.indexUrl = indexUrl;
        this.shardsBase = shardsBase;
        this.packagesBase = packagesBase;
        this.shards = shards;
    }

    /**
     * Reads a shard index.
     *
     * @param file the index, zstd-compressed msgpack
     * @throws RepodataException one line naming the index URL when it is not a shard index
     */
    static ShardedSubdir open(RepodataCache cache, Path file, String channel, String subdir) throws RepodataException {
        String indexUrl = channel + "/" + subdir + "/repodata_shards.msgpack.zst";
        try {
            JsonNode index = read(unzstd(Files.readAllBytes(file)));
            if (!index.isObject() || !index.path("shards").isObject()) {
                throw new IOException("no 'shards' map");
            }
            Map<String, String> shards = new LinkedHashMap<>();
            index.path("shards").fields().forEachRemaining(e -> shards.put(e.getKey(), e.getValue().asText()));
            JsonNode info = index.path("info");
            String shardsBase = resolve(indexUrl, info.path("shards_base_url").asText("./shards/"));
            String packagesBase = resolve(indexUrl, info.path("base_url").asText("./"));
            return new ShardedSubdir(cache, channel, subdir, indexUrl, shardsBase, packagesBase, shards);
        } catch (IOException | RuntimeException e) {
            throw new RepodataException(indexUrl + ": not a valid shard index (" + e.getMessage() + ")", false);
        }
    }

    /** {@code relative} resolved against {@code url}, ending with a slash. */
    private static String resolve(String url, String relative) {
        String r = relative.isEmpty() ? "./" : relative.endsWith("/") ? relative : relative + "/";
        return URI.create(url).resolve(r).toString();
    }

    @Override
    public List<PackageRecord> records(String name) throws IOException {
        if (!shards.containsKey(name)) {
            return List.of();
        }
        try {
            return fetch(name).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the shard of " + name);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
        }
    }

    private CompletableFuture<List<PackageRecord>> fetch(String name) {
        return fetched.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> {
            try {
                List<PackageRecord> records = parse(n);
                prefetchDependencies(records);
                return records;
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, pool));
    }

    private void prefetchDependencies(List<PackageRecord> records) {
        for (PackageRecord r : records) {
            for (String d : r.depends()) {
                String dep = d.strip().split("[\\s=<>!~\\[]", 2)[0];
                if (shards.containsKey(dep) && !fetched.containsKey(dep)) {
                    fetch(dep);
                }
            }
        }
    }

    private List<PackageRecord> parse(String name) throws IOException {
        String sha = shards.get(name);
        String url = shardsBase + sha + ".msgpack.zst";
        byte[] compressed = cache.fetchShard(url, sha);
        JsonNode shard;
        try {
            shard = read(unzstd(compressed));
        } catch (RuntimeException | IOException e) {
            throw new RepodataException(url + ": not a valid shard (" + e.getMessage() + ")", false);
        }
        Map<String, PackageRecord> byStem = new LinkedHashMap<>();
        for (String key : List.of("packages", "packages.conda")) {
            for (var it = shard.path(key).fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                PackageRecord r;
                try {
                    r = PackageRecord.fromJson(e.getKey(), e.getValue(), channel, subdir);
                } catch (IllegalArgumentException ex) {
                    throw new RepodataException(url + ": " + ex.getMessage(), false);
                }
                if (r.url().isEmpty()) {
                    r = r.withUrl(packagesBase + e.getKey());
                }
                byStem.put(e.getKey().replaceAll("\\.(conda|tar\\.bz2)$", ""), r); // .conda (read last) wins
            }
        }
        return new ArrayList<>(byStem.values());
    }

    private static byte[] unzstd(byte[] compressed) throws IOException {
        try (ZstdInputStream in = new ZstdInputStream(new java.io.ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /** A msgpack document as a JSON tree; binary values (hashes) become lower-case hex. */
    private static JsonNode read(byte[] msgpack) throws IOException {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(msgpack)) {
            return toJson(unpacker.unpackValue());
        }
    }

    private static JsonNode toJson(Value v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (v.getValueType()) {
            case MAP -> {
                ObjectNode o = f.objectNode();
                for (Map.Entry<Value, Value> e : v.asMapValue().map().entrySet()) {
                    o.set(e.getKey().isStringValue() ? e.getKey().asStringValue().asString() : e.getKey().toString(),
                            toJson(e.getValue()));
                }
                return o;
            }
            case ARRAY -> {
                ArrayNode a = f.arrayNode();
                v.asArrayValue().forEach(x -> a.add(toJson(x)));
                return a;
            }
            case STRING -> {
                return f.textNode(v.asStringValue().asString());
            }
            case BINARY -> {
                return f.textNode(HexFormat.of().formatHex(v.asBinaryValue().asByteArray()));
            }
            case INTEGER -> {
                return f.numberNode(v.asIntegerValue().toLong());
            }
            case FLOAT -> {
                return f.numberNode(v.asFloatValue().toDouble());
            }
            case BOOLEAN -> {
                return f.booleanNode(v.asBooleanValue().getBoolean());
            }
            default -> {
                return f.nullNode();
            }
        }
    }

    @Override
    public int size() {
        int n = 0;
        for (CompletableFuture<List<PackageRecord>> f : fetched.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                n += f.join().size();
            }
        }
        return n;
    }

    /** How many package names the shard index lists. */
    int names() {
        return shards.size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    @Override
    public String toString() {
        return indexUrl;
    }
}
