package io.threatline.consumer.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The deployment's audit signing key: an Ed25519 key pair (from the JDK) that signs the chain
 * heads an operator hands to partners ({@link SignedHead}). The private key is kept as PKCS#8 PEM,
 * the public key as X.509 PEM; a key is named by its {@link #keyId fingerprint}. Reading and
 * writing files (and their permissions) is the caller's job: this class only converts.
 */
public final class AuditSigningKeys {

    /** The JCA name of the signature algorithm. */
    public static final String ALGORITHM = "Ed25519";

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private AuditSigningKeys() {}

    /** A fresh key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 is required of every Java 15+ JVM", e);
        }
    }

    /** {@code SHA256:<hex>} of the public key's X.509 encoding: what a head names its key by. */
    public static String keyId(PublicKey key) {
        try {
            return "SHA256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE_LABEL, key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /**
     * @throws IllegalArgumentException when {@code pem} is not a PKCS#8 PEM Ed25519 private key
     */
    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(PRIVATE_LABEL, pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException when {@code pem} is not an X.509 PEM Ed25519 public key
     */
    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(PUBLIC_LABEL, pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (X.509 PEM): " + e.getMessage(), e);
        }
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no '" + begin + "' ... '" + end + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + label + " block is not base64: " + e.getMessage(), e);
        }
    }
}
