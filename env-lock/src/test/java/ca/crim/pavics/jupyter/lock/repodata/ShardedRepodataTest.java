package ca.crim.pavics.jupyter.lock.repodata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.lock.CondaLocker;
import ca.crim.pavics.jupyter.lock.LockRequest;
import ca.crim.pavics.jupyter.lock.LockResult;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Sharded repodata (CEP 16) over HTTP on 127.0.0.1: cf-geo-union's records written as a shard index and one
 * zstd-compressed msgpack shard per name (hashes as bytes, the CEP's layout), solved like the same records as
 * repodata.json; only the shards the request reaches are fetched, a warm cache fetches none; a shard whose content
 * is not its hash, or that is missing, is one line naming its URL.
 */
class ShardedRepodataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<VirtualPackage> LINUX = VirtualPackages.linux64("2.28", "4.18", "x86_64", Optional.empty());

    @TempDir
    Path root;

    /**
     * Writes {@code dir/SUBDIR/repodata_shards.msgpack.zst} and {@code dir/SUBDIR/shards/HEX.msgpack.zst}; returns
     * the shard file names of each package name (one per subdir that has the name).
     */
    private static Map<String, List<String>> shard(Path monolithic, Path dir) throws IOException {
        Map<String, List<String>> names = new TreeMap<>();
        for (String subdir : List.of("linux-64", "noarch")) {
            JsonNode repodata = JSON.readTree(monolithic.resolve(subdir).resolve("repodata.json").toFile());
            Map<String, Map<String, Map<String, JsonNode>>> byName = new TreeMap<>();
            for (String key : List.of("packages", "packages.conda")) {
                repodata.path(key).fields().forEachRemaining(e -> byName.computeIfAbsent(e.getValue().path("name").asText(),
                        k -> new TreeMap<>()).computeIfAbsent(key, k -> new TreeMap<>()).put(e.getKey(), e.getValue()));
            }
            Path shards = Files.createDirectories(dir.resolve(subdir).resolve("shards"));
            MessageBufferPacker index = MessagePack.newDefaultBufferPacker();
            index.packMapHeader(3);
            index.packString("version").packInt(1);
            index.packString("info").packMapHeader(3);
            index.packString("base_url").packString("./");
            index.packString("shards_base_url").packString("./shards/");
            index.packString("subdir").packString(subdir);
            index.packString("shards").packMapHeader(byName.size());
            for (Map.Entry<String, Map<String, Map<String, JsonNode>>> n : byName.entrySet()) {
                MessageBufferPacker shard = MessagePack.newDefaultBufferPacker();
                shard.packMapHeader(3);
                for (String key : List.of("packages", "packages.conda")) {
                    Map<String, JsonNode> records = n.getValue().getOrDefault(key, Map.of());
                    shard.packString(key).packMapHeader(records.size());
                    for (Map.Entry<String, JsonNode> r : records.entrySet()) {
                        shard.packString(r.getKey());
                        pack(shard, r.getValue());
                    }
                }
                shard.packString("removed").packArrayHeader(0);
                byte[] compressed = Zstd.compress(shard.toByteArray());
                byte[] sha = sha256(compressed);
                String file = HexFormat.of().formatHex(sha) + ".msgpack.zst";
                Files.write(shards.resolve(file), compressed);
                index.packString(n.getKey()).packBinaryHeader(sha.length).writePayload(sha);
                names.computeIfAbsent(n.getKey(), k -> new java.util.ArrayList<>()).add(file);
            }
            Files.write(dir.resolve(subdir).resolve("repodata_shards.msgpack.zst"), Zstd.compress(index.toByteArray()));
        }
        return names;
    }

    private static void pack(MessageBufferPacker p, JsonNode v) throws IOException {
        if (v.isObject()) {
            p.packMapHeader(v.size());
            for (var it = v.fields(); it.hasNext();) {
                var e = it.next();
                p.packString(e.getKey());
                if ((e.getKey().equals("sha256") || e.getKey().equals("md5")) && e.getValue().isTextual()) {
                    byte[] b = HexFormat.of().parseHex(e.getValue().asText());
                    p.packBinaryHeader(b.length).writePayload(b);
                } else {
                    pack(p, e.getValue());
                }
            }
        } else if (v.isArray()) {
            p.packArrayHeader(v.size());
            for (JsonNode x : v) {
                pack(p, x);
            }
        } else if (v.isTextual()) {
            p.packString(v.asText());
        } else if (v.isIntegralNumber()) {
            p.packLong(v.asLong());
        } else if (v.isNumber()) {
            p.packDouble(v.asDouble());
        } else if (v.isBoolean()) {
            p.packBoolean(v.asBoolean());
        } else {
            p.packNil();
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LockResult lock(Channel channel, Path cache, String... specs) throws Exception {
        List<MatchSpec> ms = new java.util.ArrayList<>();
        for (String s : specs) {
            ms.add(MatchSpec.parse(s));
        }
        return new CondaLocker(new RepodataCache(cache, Duration.ofSeconds(10), l -> { }))
                .lock(new LockRequest(List.of(channel), ms, List.of(), List.of(), LINUX, Set.of()));
    }

    private static Map<String, String> files(LockResult r, String base) {
        Map<String, String> out = new TreeMap<>();
        for (PackageRecord p : r.environment().values()) {
            out.put(p.name(), p.url().substring(base.length()) + " " + p.sha256().orElse("") + " " + p.md5().orElse(""));
        }
        return out;
    }

    @Test
    void aShardedChannelSolvesLikeItsRepodataJsonAndFetchesOnlyWhatItReaches() throws Exception {
        Path geo = TestData.resolver().resolve("conda/cf-geo-union");
        Map<String, List<String>> shardFiles = shard(geo, root.resolve("sharded"));
        int names = shardFiles.values().stream().mapToInt(List::size).sum();
        for (String subdir : List.of("linux-64", "noarch")) {
            Files.createDirectories(root.resolve("plain").resolve(subdir));
            Files.copy(geo.resolve(subdir).resolve("repodata.json"), root.resolve("plain").resolve(subdir).resolve("repodata.json"));
        }
        try (StaticHttpServer server = StaticHttpServer.serve(root)) {
            Channel sharded = new Channel("conda-forge", server.url() + "/sharded");
            Channel plain = new Channel("conda-forge", server.url() + "/plain");
            LockResult viaShards = lock(sharded, root.resolve("cache"), "rasterio", "python 3.12.*");
            int requests = server.requests();
            LockResult viaJson = lock(plain, root.resolve("cache"), "rasterio", "python 3.12.*");
            assertThat(files(viaShards, sharded.baseUrl())).isEqualTo(files(viaJson, plain.baseUrl()));
            assertThat(viaShards.environment().get("python").sha256()).get().asString().hasSize(64);
            // two shard indexes, and shards for the names reached (and prefetched) only, far fewer than all
            assertThat(requests).isLessThan(names / 2).isGreaterThan(viaShards.environment().size());
            int before = server.requestedPaths().size();
            LockResult warm = lock(sharded, root.resolve("cache"), "rasterio", "python 3.12.*");
            List<String> warmPaths = server.requestedPaths().subList(before, server.requestedPaths().size());
            assertThat(warmPaths.stream().filter(p -> p.endsWith("/repodata_shards.msgpack.zst")))
                    .as("a warm cache revalidates the two indexes").hasSize(2);
            // prefetches still under way when the first lock returned are cancelled (not cached): only those may come again
            for (String name : viaShards.environment().keySet()) {
                for (String file : shardFiles.get(name)) {
                    assertThat(warmPaths).as("warm: the shard of %s comes from the cache", name)
                            .noneMatch(p -> p.endsWith("/shards/" + file));
                }
            }
            assertThat(files(warm, sharded.baseUrl())).isEqualTo(files(viaShards, sharded.baseUrl()));
        }
    }

    @Test
    void aShardThatIsNotItsHashOrIsMissingIsOneLineNamingIt() throws Exception {
        Path geo = TestData.resolver().resolve("conda/cf-geo-union");
        shard(geo, root.resolve("bad"));
        Path shards = root.resolve("bad/noarch/shards");
        List<Path> all;
        try (var list = Files.list(shards)) {
            all = list.sorted().toList();
        }
        try (StaticHttpServer server = StaticHttpServer.serve(root)) {
            Channel channel = new Channel("bad", server.url() + "/bad");
            for (Path p : all) {
                Files.write(p, Zstd.compress("{}".getBytes())); // altered: no longer what its name says
            }
            assertThatThrownBy(() -> lock(channel, root.resolve("cache1"), "affine"))
                    .isInstanceOf(RepodataException.class)
                    .hasMessageContaining(server.url() + "/bad/noarch/shards/").hasMessageContaining("damaged or altered")
                    .hasMessageNotContaining("\n");
            for (Path p : all) {
                Files.delete(p);
            }
            assertThatThrownBy(() -> lock(channel, root.resolve("cache2"), "affine"))
                    .isInstanceOf(RepodataException.class).hasMessageContaining("HTTP 404");
        }
    }
}
