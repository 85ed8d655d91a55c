package ca.crim.pavics.jupyter.env.install;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Replaces a package's build prefix placeholder with the install prefix, as conda does: in text files every
 * occurrence; in binary files inside each C string, padding with NULs so every offset stays the same.
 */
public final class PrefixReplacement {
    private PrefixReplacement() {
    }

    /** Thrown when the install prefix is longer than a binary file's placeholder (conda's PaddingError). */
    public static final class PaddingException extends Exception {
        private static final long serialVersionUID = 1L;

        PaddingException(String message) {
            super(message);
        }
    }

    public static byte[] text(byte[] data, String placeholder, String prefix) {
        byte[] from = placeholder.getBytes(StandardCharsets.UTF_8);
        byte[] to = prefix.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(data, from, 0, data.length);
        if (at < 0) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int start = 0;
        while (at >= 0) {
            out.write(data, start, at - start);
            out.write(to, 0, to.length);
            start = at + from.length;
            at = indexOf(data, from, start, data.length);
        }
        out.write(data, start, data.length - start);
        return out.toByteArray();
    }

    public static byte[] binary(byte[] data, String placeholder, String prefix) throws PaddingException {
        byte[] from = placeholder.getBytes(StandardCharsets.UTF_8);
        byte[] to = prefix.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(data, from, 0, data.length);
        if (at < 0) {
            return data;
        }
        if (to.length > from.length) {
            throw new PaddingException("the install prefix " + prefix + " (" + to.length
                    + " bytes) is longer than the binary placeholder (" + from.length + " bytes)");
        }
        byte[] out = data.clone();
        while (at >= 0) {
            int end = at;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            // Rewrite the C string [at, end): every placeholder inside it replaced, then NUL padding.
            int write = at;
            int read = at;
            int hit = at;
            while (hit >= 0) {
                System.arraycopy(data, read, out, write, hit - read);
                write += hit - read;
                System.arraycopy(to, 0, out, write, to.length);
                write += to.length;
                read = hit + from.length;
                hit = indexOf(data, from, read, end);
            }
            System.arraycopy(data, read, out, write, end - read);
            write += end - read;
            java.util.Arrays.fill(out, write, end, (byte) 0);
            at = indexOf(data, from, end, data.length);
        }
        return out;
    }

    static int indexOf(byte[] data, byte[] pattern, int from, int to) {
        if (pattern.length == 0) {
            return -1;
        }
        byte first = pattern[0];
        int last = to - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
