package io.threatline.consumer.taxii;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A partner's TAXII password as a salted PBKDF2-HMAC-SHA256 hash; the password itself is not
 * kept. {@link #matches} compares in constant time.
 */
public final class PasswordVerifier {

    /** Iterations of a new hash; the TAXII authenticator caches successes, so this is paid once per credential. */
    public static final int DEFAULT_ITERATIONS = 210_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final int iterations;
    private final byte[] hash;

    private PasswordVerifier(byte[] salt, int iterations, byte[] hash) {
        this.salt = salt;
        this.iterations = iterations;
        this.hash = hash;
    }

    /** A verifier of {@code password} with a fresh random salt. */
    public static PasswordVerifier of(String password) {
        return of(password, DEFAULT_ITERATIONS);
    }

    public static PasswordVerifier of(String password, int iterations) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a TAXII password must not be empty");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordVerifier(salt, iterations, derive(password, salt, iterations));
    }

    /** Whether {@code candidate} is the password, compared in constant time. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(candidate, salt, iterations));
    }

    /** Identifies this hash (not the password) so that caches keyed by it forget a replaced password. */
    byte[] salt() {
        return Arrays.copyOf(salt, salt.length);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is required of every JRE", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return "PasswordVerifier[PBKDF2WithHmacSHA256, " + iterations + " iterations]";
    }
}
