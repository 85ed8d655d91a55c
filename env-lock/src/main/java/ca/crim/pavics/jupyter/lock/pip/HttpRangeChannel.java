package ca.crim.pavics.jupyter.lock.pip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.TreeMap;

/**
 * A remote file read through HTTP range requests (RFC 9110 §14), so a zip's central directory and one member can be
 * read without downloading the whole file. Blocks of at least 64 KiB are fetched and kept; the first request asks
 * for the file's last 64 KiB (where the central directory is). A server that ignores ranges answers the whole file,
 * which is then kept as one block. Counts bytes fetched.
 */
final class HttpRangeChannel implements SeekableByteChannel {
    private static final int BLOCK = 64 * 1024;

    private final HttpFetcher http;
    private final String url;
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
    private long size = -1;
    private long position;
    private long fetched;

    /**
     * @param sha256 the file's SHA-256 when known: checked when the server answers the whole file
     * @throws PypiException HTTP fails, or a whole answer does not match {@code sha256}
     */
    HttpRangeChannel(HttpFetcher http, String url, java.util.Optional<String> sha256) throws PypiException {
        this.http = http;
        this.url = url;
        HttpFetcher.Response r = http.get(url, Map.of("Range", "bytes=-" + BLOCK));
        if (r.status() == 206) {
            String range = r.header("Content-Range").orElseThrow(() -> new PypiException(url + ": a 206 answer without Content-Range"));
            size = Long.parseLong(range.substring(range.indexOf('/') + 1).strip());
            blocks.put(size - r.body().length, r.body());
        } else if (r.status() == 200) {
            size = r.body().length;
            blocks.put(0L, r.body());
            if (sha256.isPresent() && !ca.crim.pavics.jupyter.registry.Digests.sha256Hex(r.body()).equalsIgnoreCase(sha256.get())) {
                throw new PypiException(HttpFetcher.withoutUserInfo(java.net.URI.create(url))
                        + ": the file does not match the sha256 the index gives for it (damaged or altered)");
            }
        } else {
            throw new PypiException(HttpFetcher.withoutUserInfo(java.net.URI.create(url)) + ": HTTP " + r.status());
        }
        fetched += r.body().length;
    }

    /** Bytes fetched so far. */
    long fetched() {
        return fetched;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return -1;
        }
        Map.Entry<Long, byte[]> b = blocks.floorEntry(position);
        if (b == null || b.getKey() + b.getValue().length <= position) {
            long end = Math.min(size, position + Math.max(BLOCK, dst.remaining())) - 1;
            HttpFetcher.Response r;
            try {
                r = http.get(url, Map.of("Range", "bytes=" + position + "-" + end));
            } catch (PypiException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (r.status() == 206) {
                blocks.put(position, r.body());
            } else if (r.status() == 200) {
                blocks.clear();
                blocks.put(0L, r.body());
            } else {
                throw new IOException(url + ": HTTP " + r.status() + " for a range");
            }
            fetched += r.body().length;
            b = blocks.floorEntry(position);
        }
        int offset = (int) (position - b.getKey());
        int n = Math.min(dst.remaining(), b.getValue().length - offset);
        if (n <= 0) {
            throw new IOException(url + ": the server answered a shorter range than asked");
        }
        dst.put(b.getValue(), offset, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        blocks.clear();
    }
}
