package ca.crim.pavics.jupyter.snapshot.layers;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads one image layer (a tar, gzip'd or zstd'd, streamed once) and keeps only what describes a conda environment:
 * {@code PREFIX/conda-meta/*.json} (parsed), {@code conda-meta/history} and {@code pinned}, the METADATA, INSTALLER,
 * RECORD and direct_url.json of each {@code site-packages/*.dist-info}, and the glibc version of each C library
 * ({@code libc.so.6}, {@code libc-X.Y.so}) under {@code lib*} or {@code usr/lib*}; plus the layer's whiteouts and
 * opaque folders. Everything else is read past without being kept, so memory does not grow with the layer.
 */
public final class LayerScan {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONDA_META = Pattern.compile("^(.+)/conda-meta/([^/]+)$");
    private static final Pattern DIST_INFO = Pattern.compile(
            "^(.+/site-packages)/([^/]+\\.dist-info)/(METADATA|INSTALLER|RECORD|direct_url\\.json)$");
    private static final Pattern LIBC = Pattern.compile("^(usr/)?lib[^/]*(/[^/]+)*/(libc\\.so\\.6|libc-(\\d+\\.\\d+)(\\.\\d+)?\\.so)$");
    private static final Pattern GLIBC_BANNER = Pattern.compile("release version (\\d+\\.\\d+)");
    /** Kept text files larger than this are refused (a conda-meta history is kilobytes to a few megabytes). */
    private static final int MAX_KEPT = 256 << 20;

    private LayerScan() {
    }

    /** The media types of layers: OCI and Docker, gzip, zstd or none. */
    public static InputStream decompress(InputStream blob, String mediaType) throws IOException {
        String m = mediaType.toLowerCase(java.util.Locale.ROOT);
        InputStream in = new BufferedInputStream(blob, 1 << 16);
        if (m.endsWith("gzip") || m.endsWith("+gzip")) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (m.endsWith("zstd")) {
            return new ZstdInputStream(in);
        }
        if (m.endsWith(".tar") || m.endsWith("+tar") || m.endsWith("tar")) {
            return in;
        }
        throw new IOException("layer media type " + mediaType + " is not a tar, tar+gzip or tar+zstd layer");
    }

    /**
     * Scans an uncompressed layer tar.
     *
     * @param what names the layer in messages
     * @throws IOException when the tar is damaged, or a kept file is not what it should be (one line naming it)
     */
    public static LayerDelta scan(InputStream tarStream, String what) throws IOException {
        List<String> whiteouts = new ArrayList<>();
        List<String> opaque = new ArrayList<>();
        Map<String, Kept> kept = new HashMap<>();
        long bytes = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, 1 << 16);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            bytes += e.getSize();
            String path = normalize(e.getName());
            if (path.isEmpty()) {
                continue;
            }
            int slash = path.lastIndexOf('/');
            String dir = slash < 0 ? "" : path.substring(0, slash);
            String name = path.substring(slash + 1);
            if (name.startsWith(".wh.")) {
                if (name.equals(".wh..wh..opq")) {
                    opaque.add(dir);
                } else {
                    whiteouts.add((dir.isEmpty() ? "" : dir + "/") + name.substring(4));
                }
                continue;
            }
            Matcher libc = LIBC.matcher(path);
            if (e.isSymbolicLink() && libc.matches()) {
                kept.put(path, new Kept.Link(e.getLinkName()));
                continue;
            }
            if (e.isLink() && libc.matches()) {
                String target = normalize(e.getLinkName());
                if (kept.get(target) instanceof Kept.Libc l) {
                    kept.put(path, l);
                }
                continue;
            }
            if (!e.isFile()) {
                continue;
            }
            if (libc.matches()) {
                Optional<String> version = glibcVersion(tar);
                if (version.isEmpty() && libc.group(4) != null) {
                    version = Optional.of(libc.group(4));
                }
                version.ifPresent(v -> kept.put(path, new Kept.Libc(v)));
                continue;
            }
            Matcher meta = CONDA_META.matcher(path);
            if (meta.matches()) {
                String file = meta.group(2);
                if (file.equals("history") || file.equals("pinned")) {
                    kept.put(path, new Kept.Text(text(tar, e, path, what)));
                } else if (file.endsWith(".json")) {
                    kept.put(path, condaMeta(tar, e, path, what));
                }
                continue;
            }
            Matcher dist = DIST_INFO.matcher(path);
            if (dist.matches()) {
                String content = text(tar, e, path, what);
                kept.put(path, switch (dist.group(3)) {
                    case "METADATA" -> metadata(content);
                    case "RECORD" -> record(content);
                    default -> new Kept.Text(content);
                });
            }
        }
        return new LayerDelta(whiteouts, opaque, kept, bytes);
    }

    /** A tar path as a relative path: no leading {@code ./} or {@code /}, no trailing slash. */
    static String normalize(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals(".") ? "" : p;
    }

    private static String text(InputStream in, TarArchiveEntry e, String path, String what) throws IOException {
        if (e.getSize() > MAX_KEPT) {
            throw new IOException(what + ": " + path + " is " + e.getSize() + " bytes, more than a metadata file can be");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static Kept condaMeta(InputStream in, TarArchiveEntry e, String path, String what) throws IOException {
        if (e.getSize() > MAX_KEPT) {
            throw new IOException(what + ": " + path + " is " + e.getSize() + " bytes, more than a conda record can be");
        }
        JsonNode json;
        try {
            json = JSON.readTree(in.readAllBytes());
        } catch (IOException x) {
            throw new IOException(what + ": " + path + " is not JSON: " + String.valueOf(x.getMessage()).lines().findFirst()
                    .orElse(""));
        }
        PackageRecord record;
        try {
            record = PackageRecord.fromJson(null, json, "", "");
        } catch (IllegalArgumentException x) {
            throw new IOException(what + ": " + path + ": " + x.getMessage());
        }
        List<String> files = new ArrayList<>();
        json.path("files").forEach(f -> files.add(f.asText()));
        JsonNode site = json.path("python_site_packages_path");
        return new Kept.CondaMeta(record, site.isTextual() ? Optional.of(site.asText()) : Optional.empty(), files);
    }

    /** The headers of a core metadata file (email-header format; the body after the first blank line is skipped). */
    static Kept.Metadata metadata(String content) {
        String name = "";
        String version = "";
        List<String> requires = new ArrayList<>();
        String last = null;
        StringBuilder value = new StringBuilder();
        for (String line : (content + "\n\n").split("\r?\n", -1)) {
            if (!line.isEmpty() && Character.isWhitespace(line.charAt(0)) && last != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (last != null) {
                String v = value.toString().strip();
                switch (last.toLowerCase(java.util.Locale.ROOT)) {
                    case "name" -> name = v;
                    case "version" -> version = v;
                    case "requires-dist" -> requires.add(v);
                    default -> {
                    }
                }
                last = null;
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                last = line.substring(0, colon).strip();
                value.setLength(0);
                value.append(line.substring(colon + 1).strip());
            }
        }
        return new Kept.Metadata(name, version, requires);
    }

    /** The paths of a RECORD file (CSV: path, hash, size; a path with a comma is quoted). */
    static Kept.Record record(String content) {
        List<String> paths = new ArrayList<>();
        for (String line : content.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            String path;
            if (line.startsWith("\"")) {
                int end = line.indexOf("\",", 1);
                path = end < 0 ? line.substring(1) : line.substring(1, end).replace("\"\"", "\"");
            } else {
                int comma = line.indexOf(',');
                path = comma < 0 ? line : line.substring(0, comma);
            }
            paths.add(path);
        }
        return new Kept.Record(paths);
    }

    /** Finds glibc's banner ("... release version 2.35 ...") in a C library, streamed. */
    private static Optional<String> glibcVersion(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        String carry = "";
        int n;
        Optional<String> found = Optional.empty();
        while ((n = in.read(buffer)) > 0) {
            if (found.isPresent()) {
                continue;
            }
            String chunk = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            Matcher m = GLIBC_BANNER.matcher(chunk);
            if (m.find()) {
                found = Optional.of(m.group(1));
            }
            carry = chunk.substring(Math.max(0, chunk.length() - 64));
        }
        return found;
    }
}
