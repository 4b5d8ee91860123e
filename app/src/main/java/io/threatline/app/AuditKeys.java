package io.threatline.app;

import io.threatline.consumer.audit.AuditFiles;
import io.threatline.consumer.audit.AuditSigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * The deployment's audit signing key, made on first use and kept under the secrets folder like the
 * other generated secrets: {@code audit/head-signing-key.pem} (PKCS#8, mode 600) and
 * {@code audit/head-signing-key.pub.pem} (X.509), the public half an operator gives partners so
 * they can check the chain heads they are handed.
 */
final class AuditKeys {

    static final String PRIVATE_FILE = "audit/head-signing-key.pem";
    static final String PUBLIC_FILE = "audit/head-signing-key.pub.pem";

    private AuditKeys() {}

    /** The key pair and whether it was made just now. */
    record Loaded(KeyPair pair, boolean generated, Path privateFile, Path publicFile) {}

    /** Reads the key pair under {@code secrets}, generating it when neither file exists. */
    static Loaded ensure(Path secrets) throws IOException {
        Path privateFile = secrets.resolve(PRIVATE_FILE).toAbsolutePath();
        Path publicFile = secrets.resolve(PUBLIC_FILE).toAbsolutePath();
        if (!Files.exists(privateFile) && !Files.exists(publicFile)) {
            KeyPair pair = AuditSigningKeys.generate();
            PrivateFiles.write(privateFile, AuditSigningKeys.privatePem(pair.getPrivate()));
            Files.writeString(publicFile, AuditSigningKeys.publicPem(pair.getPublic()), StandardCharsets.UTF_8);
            return new Loaded(pair, true, privateFile, publicFile);
        }
        if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
            // Half a key pair: making a new one would silently orphan every head signed with the old.
            throw new IllegalStateException(
                    "the audit signing key is incomplete: " + (Files.exists(privateFile) ? publicFile : privateFile)
                            + " is missing (restore it from a backup; heads already handed out were signed with the old key)");
        }
        PublicKey publicKey = publicKey(publicFile);
        try {
            KeyPair pair = new KeyPair(publicKey, AuditSigningKeys.privateKey(AuditFiles.read(privateFile)));
            return new Loaded(pair, false, privateFile, publicFile);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(privateFile + ": " + e.getMessage(), e);
        }
    }

    /** Reads an X.509 PEM Ed25519 public key file. */
    static PublicKey publicKey(Path file) throws IOException {
        try {
            return AuditSigningKeys.publicKey(AuditFiles.read(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }
}
