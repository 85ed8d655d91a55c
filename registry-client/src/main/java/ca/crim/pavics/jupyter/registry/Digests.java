package ca.crim.pavics.jupyter.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Content digests as registries name blobs and manifests ({@code ALGORITHM:HEX}, OCI image spec "Digests"):
 * {@code sha256} and {@code sha512} are supported.
 */
public final class Digests {
    private static final Pattern DIGEST = Pattern.compile("^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$");

    private Digests() {
    }

    public static String sha256(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256Digest().digest(content));
    }

    /** Lower-case hex SHA-256, without the algorithm prefix. */
    public static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(sha256Digest().digest(content));
    }

    public static MessageDigest sha256Digest() {
        return messageDigest("SHA-256");
    }

    /** True for a well-formed {@code sha256:} (64 hex digits) or {@code sha512:} (128) digest. */
    public static boolean isValid(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    /**
     * A fresh hasher for the algorithm of {@code digest}.
     *
     * @throws IllegalArgumentException when the digest is not a well-formed sha256 or sha512 digest
     */
    public static MessageDigest hasherFor(String digest) {
        if (!isValid(digest)) {
            throw new IllegalArgumentException("not a sha256 or sha512 digest: " + digest);
        }
        return messageDigest(digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
    }

    /** {@code content}'s digest with the algorithm of {@code like} ({@code sha256:} or {@code sha512:}). */
    public static String digestLike(String like, byte[] content) {
        String algorithm = like.substring(0, like.indexOf(':'));
        return algorithm + ":" + HexFormat.of().formatHex(hasherFor(like).digest(content));
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
