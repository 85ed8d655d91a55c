package ca.crim.pavics.jupyter.lock.repodata;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One subdir's {@code repodata.json}, read only as far as a solve needs it: a scan of the file (not a parse) finds,
 * for each record of {@code packages} and {@code packages.conda}, its file name, its package name and where its JSON
 * object lies; {@link #records} then parses only the records of the names asked for. The scan is kept beside the file
 * ({@code .index}, rebuilt when the file changes), so a later solve opens it without reading the repodata again.
 * When a package exists as both {@code .tar.bz2} and {@code .conda}, the {@code .conda} record is used, as conda does.
 */
public final class RepodataIndex implements SubdirRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INDEX_FORMAT = 1;

    /** Where one record lies in the file. */
    private record Span(String fileName, long start, int length) {
    }

    private final Path file;
    private final String channel;
    private final String subdir;
    private final FileChannel fileChannel;
    private final Map<String, List<Span>> byName;

    private RepodataIndex(Path file, String channel, String subdir, FileChannel fileChannel, Map<String, List<Span>> byName) {
        this.file = file;
        this.channel = channel;
        this.subdir = subdir;
        this.fileChannel = fileChannel;
        this.byName = byName;
    }

    /**
     * Opens a repodata file, scanning it unless its index is current.
     *
     * @param channel the channel URL records get when they name none
     * @throws IOException when the file cannot be read or is not repodata (one line naming it)
     */
    public static RepodataIndex open(Path file, String channel, String subdir) throws IOException {
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = fc.size();
            long mtime = Files.getLastModifiedTime(file).toMillis();
            Path indexFile = file.resolveSibling(file.getFileName() + ".index");
            Map<String, List<Span>> byName = readIndex(indexFile, size, mtime);
            if (byName == null) {
                byName = scan(fc, source(channel, subdir));
                writeIndex(indexFile, size, mtime, byName);
            }
            return new RepodataIndex(file, channel, subdir, fc, byName);
        } catch (IOException | RuntimeException e) {
            fc.close();
            throw e;
        }
    }

    /** The package names of this subdir. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /** How many records the index holds. */
    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The records of a name, parsed now.
     *
     * @throws IOException when a record is not valid JSON or lacks name, version or build (names the file)
     */
    public List<PackageRecord> records(String name) throws IOException {
        List<Span> spans = byName.get(name);
        if (spans == null) {
            return List.of();
        }
        Map<String, PackageRecord> byDist = new LinkedHashMap<>();
        for (Span s : spans) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(s.length());
            long pos = s.start();
            while (buffer.hasRemaining()) {
                int n = fileChannel.read(buffer, pos);
                if (n < 0) {
                    throw new IOException(source(channel, subdir) + ": ends inside the record " + s.fileName());
                }
                pos += n;
            }
            JsonNode json;
            try {
                json = JSON.readTree(buffer.array());
            } catch (IOException e) {
                throw new IOException(source(channel, subdir) + ": record " + s.fileName() + " is not valid JSON");
            }
            PackageRecord r;
            try {
                r = PackageRecord.fromJson(s.fileName(), json, channel, subdir);
            } catch (IllegalArgumentException e) {
                throw new IOException(source(channel, subdir) + ": " + e.getMessage());
            }
            if (r.url().isEmpty()) {
                r = r.withUrl(channel + "/" + subdir + "/" + s.fileName());
            }
            String stem = stem(s.fileName());
            PackageRecord before = byDist.get(stem);
            if (before == null || s.fileName().endsWith(".conda")) {
                byDist.put(stem, r);
            }
        }
        return new ArrayList<>(byDist.values());
    }

    private static String stem(String fileName) {
        return fileName.endsWith(".conda") ? fileName.substring(0, fileName.length() - 6)
                : fileName.endsWith(".tar.bz2") ? fileName.substring(0, fileName.length() - 8) : fileName;
    }

    @Override
    public void close() throws IOException {
        fileChannel.close();
    }

    // ---- the scan ----------------------------------------------------------------------------------------------

    /** How messages name a subdir's repodata: its URL. */
    static String source(String channel, String subdir) {
        return channel + "/" + subdir + "/repodata.json";
    }

    private static Map<String, List<Span>> scan(FileChannel fc, String file) throws IOException {
        long size = fc.size();
        if (size > Integer.MAX_VALUE) {
            throw new IOException(file + ": repodata larger than 2 GB is not supported");
        }
        MappedByteBuffer buf = fc.map(FileChannel.MapMode.READ_ONLY, 0, size);
        Scanner sc = new Scanner(buf, (int) size, file);
        Map<String, List<Span>> out = new HashMap<>();
        sc.skipWs();
        sc.expect('{');
        sc.skipWs();
        if (sc.peek() == '}') {
            return out;
        }
        while (true) {
            String key = sc.string();
            sc.skipWs();
            sc.expect(':');
            sc.skipWs();
            if (key.equals("packages") || key.equals("packages.conda")) {
                sc.records(out);
            } else {
                sc.skipValue();
            }
            sc.skipWs();
            if (sc.peek() == ',') {
                sc.pos++;
                sc.skipWs();
                continue;
            }
            sc.expect('}');
            return out;
        }
    }

    /** A byte scanner over JSON that skips values without building them. */
    private static final class Scanner {
        final MappedByteBuffer b;
        final int size;
        final String file;
        int pos;

        Scanner(MappedByteBuffer b, int size, String file) {
            this.b = b;
            this.size = size;
            this.file = file;
        }

        IOException error(String what) {
            return new IOException(file + ": not valid repodata (" + what + " at byte " + pos + ")");
        }

        byte peek() throws IOException {
            if (pos >= size) {
                throw error("unexpected end");
            }
            return b.get(pos);
        }

        void skipWs() {
            while (pos < size) {
                byte c = b.get(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        void expect(char c) throws IOException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** Reads a string (escapes other than \" and \\ kept as written: names and file names have none). */
        String string() throws IOException {
            expect('"');
            int start = pos;
            boolean escaped = false;
            while (true) {
                byte c = peek();
                if (c == '\\') {
                    escaped = true;
                    pos += 2;
                    continue;
                }
                if (c == '"') {
                    break;
                }
                pos++;
            }
            byte[] raw = new byte[pos - start];
            b.get(start, raw);
            pos++;
            String s = new String(raw, StandardCharsets.UTF_8);
            return escaped ? s.replace("\\\"", "\"").replace("\\\\", "\\").replace("\\/", "/") : s;
        }

        void skipString() throws IOException {
            expect('"');
            while (true) {
                byte c = peek();
                if (c == '\\') {
                    pos += 2;
                } else if (c == '"') {
                    pos++;
                    return;
                } else {
                    pos++;
                }
            }
        }

        void skipValue() throws IOException {
            byte c = peek();
            if (c == '"') {
                skipString();
            } else if (c == '{' || c == '[') {
                int depth = 0;
                while (true) {
                    byte d = peek();
                    if (d == '"') {
                        skipString();
                        continue;
                    }
                    pos++;
                    if (d == '{' || d == '[') {
                        depth++;
                    } else if (d == '}' || d == ']') {
                        if (--depth == 0) {
                            return;
                        }
                    }
                }
            } else {
                while (pos < size) {
                    byte d = b.get(pos);
                    if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t') {
                        return;
                    }
                    pos++;
                }
            }
        }

        /** The members of a {@code packages} object: each record's span and name. */
        void records(Map<String, List<Span>> out) throws IOException {
            expect('{');
            skipWs();
            if (peek() == '}') {
                pos++;
                return;
            }
            while (true) {
                String fileName = string();
                skipWs();
                expect(':');
                skipWs();
                int start = pos;
                String name = recordName();
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(new Span(fileName, start, pos - start));
                skipWs();
                byte c = peek();
                pos++;
                if (c == '}') {
                    return;
                }
                if (c != ',') {
                    throw error("expected ',' or '}'");
                }
                skipWs();
            }
        }

        /** Skips a record object, returning its {@code name}. */
        String recordName() throws IOException {
            expect('{');
            String name = null;
            skipWs();
            if (peek() == '}') {
                pos++;
                throw error("a record without a name");
            }
            while (true) {
                skipWs();
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                if (key.equals("name") && peek() == '"') {
                    name = string();
                } else {
                    skipValue();
                }
                skipWs();
                byte c = peek();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error("expected ',' or '}' in a record");
                }
            }
            if (name == null) {
                throw error("a record without a name");
            }
            return name;
        }
    }

    // ---- the index file ----------------------------------------------------------------------------------------

    private static Map<String, List<Span>> readIndex(Path index, long size, long mtime) {
        if (!Files.isRegularFile(index)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(index), 1 << 16))) {
            if (in.readInt() != INDEX_FORMAT || in.readLong() != size || in.readLong() != mtime) {
                return null;
            }
            int names = in.readInt();
            Map<String, List<Span>> out = new HashMap<>(names * 2);
            for (int i = 0; i < names; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                List<Span> spans = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    spans.add(new Span(in.readUTF(), in.readLong(), in.readInt()));
                }
                out.put(name, spans);
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeIndex(Path index, long size, long mtime, Map<String, List<Span>> byName) {
        Path tmp = index.resolveSibling(index.getFileName() + ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp),
                    1 << 16))) {
                out.writeInt(INDEX_FORMAT);
                out.writeLong(size);
                out.writeLong(mtime);
                out.writeInt(byName.size());
                for (Map.Entry<String, List<Span>> e : byName.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().size());
                    for (Span s : e.getValue()) {
                        out.writeUTF(s.fileName());
                        out.writeLong(s.start());
                        out.writeInt(s.length());
                    }
                }
            }
            Files.move(tmp, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a cache: the scan is done again next time
            }
        } catch (UncheckedIOException e) {
            // same
        }
    }
}
