package ca.crim.pavics.jupyter.lock.solve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * cf-geo-union's records, their first-seen dates and its scenarios (read its README): writes the channel of a
 * scenario, the records first seen by its date, as standard repodata ({@code linux-64/} and {@code noarch/}).
 */
public final class CfGeoUnionData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode meta;
    private final Map<String, JsonNode> records = new HashMap<>();
    private final Map<String, JsonNode> info = new HashMap<>();
    private final JsonNode scenarios;

    /** Reads the data under {@code root} (testdata/resolver/conda/cf-geo-union). */
    public CfGeoUnionData(Path root) throws IOException {
        meta = JSON.readTree(root.resolve("records-meta.json").toFile());
        for (String subdir : List.of("linux-64", "noarch")) {
            JsonNode repodata = JSON.readTree(root.resolve(subdir).resolve("repodata.json").toFile());
            info.put(subdir, repodata.path("info"));
            for (String key : List.of("packages", "packages.conda")) {
                repodata.path(key).fields().forEachRemaining(e -> records.put(subdir + "/" + e.getKey(), e.getValue()));
            }
        }
        scenarios = JSON.readTree(root.resolve("scenarios/imod-python-history-2024.json").toFile());
    }

    /** The scenarios, in date order. */
    public JsonNode scenarios() {
        return scenarios;
    }

    /** The record stored for {@code SUBDIR/FILENAME}. */
    public JsonNode record(String subdirAndFile) {
        return records.get(subdirAndFile);
    }

    /**
     * Writes the channel of the records first seen by {@code dateUtc} (ISO-8601, compared as text) under
     * {@code channel}; returns how many records it holds.
     */
    public int writeChannel(Path channel, String dateUtc) throws IOException {
        int indexed = 0;
        for (String subdir : List.of("linux-64", "noarch")) {
            ObjectNode repodata = JSON.createObjectNode();
            repodata.set("info", info.get(subdir));
            ObjectNode tar = repodata.putObject("packages");
            ObjectNode conda = repodata.putObject("packages.conda");
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith(subdir + "/") && e.getValue().path("first_seen").asText().compareTo(dateUtc) <= 0) {
                    String fn = e.getKey().substring(subdir.length() + 1);
                    (fn.endsWith(".conda") ? conda : tar).set(fn, records.get(e.getKey()));
                    indexed++;
                }
            }
            Path out = Files.createDirectories(channel.resolve(subdir));
            JSON.writeValue(out.resolve("repodata.json").toFile(), repodata);
        }
        return indexed;
    }
}
