package ca.crim.pavics.jupyter.files;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code image-files.lock} beside {@code image-files.yml}: for every URL the declared entries download, the SHA-256
 * and size of its content, as the lock goal found them. JSON, written by the tool only:
 * <pre>{"lockVersion": 1, "downloads": {"https://...": {"sha256": "...", "size": 123}}}</pre>
 */
public record ImageFilesLock(Map<String, Locked> downloads) {
    public static final String FILE_NAME = "image-files.lock";
    private static final int VERSION = 1;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A URL's content: lower-case hex SHA-256 and size in bytes. */
    public record Locked(String sha256, long size) {
    }

    public ImageFilesLock {
        downloads = Map.copyOf(downloads);
    }

    public Optional<Locked> get(String url) {
        return Optional.ofNullable(downloads.get(url));
    }

    /**
     * Reads a lock; empty when the file does not exist.
     *
     * @throws ImageFilesException naming the file when it is not a lock this tool wrote
     */
    public static Optional<ImageFilesLock> read(Path file) throws ImageFilesException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageFilesException(file + ": cannot read it (" + e.getMessage() + ")");
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || root.path("lockVersion").asInt() != VERSION || !root.path("downloads").isObject()) {
                throw new ImageFilesException(file + ": not an image files lock of version " + VERSION + ": write it again"
                        + " with the lock goal", true);
            }
            Map<String, Locked> downloads = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("downloads").properties()) {
                String sha = e.getValue().path("sha256").asText("");
                long size = e.getValue().path("size").asLong(-1);
                if (!SHA256.matcher(sha).matches() || size < 0) {
                    throw new ImageFilesException(file + ": the entry of " + e.getKey() + " has no valid sha256 and size:"
                            + " write the lock again with the lock goal", true);
                }
                downloads.put(e.getKey(), new Locked(sha, size));
            }
            return Optional.of(new ImageFilesLock(downloads));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new ImageFilesException(file + at + ": not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "): write it again with the lock goal", true);
        }
    }

    /** Writes the lock atomically, entries sorted by URL. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("lockVersion", VERSION);
        root.put("comment", "written by the lock goal from " + ca.crim.pavics.jupyter.spec.ImageFilesParser.FILE_NAME
                + "; do not edit");
        ObjectNode d = root.putObject("downloads");
        for (Map.Entry<String, Locked> e : new TreeMap<>(downloads).entrySet()) {
            ObjectNode n = d.putObject(e.getKey());
            n.put("sha256", e.getValue().sha256());
            n.put("size", e.getValue().size());
        }
        AtomicFiles.write(file, (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
