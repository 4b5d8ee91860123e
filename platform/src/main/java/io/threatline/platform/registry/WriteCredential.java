package io.threatline.platform.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The HTTP Basic credential the registry requires of every request that may change it (POST, PUT,
 * DELETE): the platform's admin, the user its own services register schemas as. Reads stay open
 * so partners' deserialisers can fetch schemas by id. Only a SHA-256 digest of {@code user:password}
 * is kept, compared in constant time; {@link #toString()} shows neither.
 */
public final class WriteCredential {

    private final byte[] digest;

    private WriteCredential(byte[] digest) {
        this.digest = digest;
    }

    public static WriteCredential of(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.contains(":") || password.isEmpty()) {
            throw new IllegalArgumentException(
                    "a registry credential needs a user without ':' and a non-empty password");
        }
        return new WriteCredential(sha256(user + ":" + password));
    }

    /** Whether the {@code Authorization} header carries this credential. */
    boolean allows(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String userInfo;
        try {
            userInfo = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(userInfo));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }

    @Override
    public String toString() {
        return "WriteCredential[****]";
    }
}
