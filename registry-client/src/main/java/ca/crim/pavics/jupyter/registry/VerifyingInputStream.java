package ca.crim.pavics.jupyter.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes content through while hashing it, and checks it against the digest (and size) it was requested by when the
 * end is reached: the last {@code read} throws {@link RegistryException} ({@link RegistryException.Kind#DIGEST_MISMATCH})
 * instead of returning the end, so a consumer that reads to the end never completes with altered content. More bytes
 * than the expected size fail at once. A consumer that stops before the end calls {@link #verifyRest()} to read and
 * check the remainder. A silent connection ({@link SocketTimeoutException}) surfaces as
 * {@link RegistryException.Kind#TIMEOUT} naming the content.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest hasher;
    private long count;
    private boolean verified;

    /**
     * @param expected {@code sha256:HEX} or {@code sha512:HEX}
     * @param expectedSize the size in bytes, or -1 when unknown
     * @param what names the content in messages, e.g. "blob sha256:… of 127.0.0.1:5000/birdhouse/base"
     */
    public VerifyingInputStream(InputStream in, String expected, long expectedSize, String what) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.hasher = Digests.hasherFor(expected);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.TIMEOUT, what + ": the registry stopped sending for longer"
                    + " than the read timeout", e);
        }
        if (n < 0) {
            verify();
            return -1;
        }
        hasher.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + ": more than the " + expectedSize
                    + " bytes its descriptor gives; expected digest " + expected);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads whatever is left and checks the whole content. */
    public void verifyRest() throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (read(buffer, 0, buffer.length) >= 0) {
            // hashing in read
        }
    }

    /** Bytes passed through so far. */
    public long count() {
        return count;
    }

    private void verify() throws RegistryException {
        if (verified) {
            return;
        }
        String actual = expected.substring(0, expected.indexOf(':') + 1) + HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(expected) || (expectedSize >= 0 && count != expectedSize)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, what + " does not match its digest:"
                    + " expected " + expected + (expectedSize >= 0 ? " (" + expectedSize + " bytes)" : "") + ", got "
                    + actual + " (" + count + " bytes); nothing was kept");
        }
        verified = true;
    }
}
