package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.consumer.audit.AuditSigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditKeysTest {

    @TempDir
    Path secrets;

    @Test
    void shouldMakeTheKeyOnFirstUseWithAPrivateFileAndReadTheSameKeyAfterwards() throws Exception {
        // When the key is asked for twice
        AuditKeys.Loaded first = AuditKeys.ensure(secrets);
        AuditKeys.Loaded second = AuditKeys.ensure(secrets);

        // Then it was made once, mode 600, and read back as the same pair
        assertThat(first.generated()).isTrue();
        assertThat(second.generated()).isFalse();
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(secrets.resolve(AuditKeys.PRIVATE_FILE))))
                .isEqualTo("rw-------");
        assertThat(second.pair().getPublic()).isEqualTo(first.pair().getPublic());
        assertThat(second.pair().getPrivate().getEncoded())
                .isEqualTo(first.pair().getPrivate().getEncoded());
        assertThat(Files.readString(secrets.resolve(AuditKeys.PUBLIC_FILE))).startsWith("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void shouldRefuseHalfAKeyPairRatherThanReplaceIt() throws Exception {
        // Given the public key file lost
        AuditKeys.ensure(secrets);
        Files.delete(secrets.resolve(AuditKeys.PUBLIC_FILE));

        // When the key is asked for, Then it refuses, naming the missing file, and makes no new key
        assertThatThrownBy(() -> AuditKeys.ensure(secrets))
                .hasMessageContaining(AuditKeys.PUBLIC_FILE)
                .hasMessageContaining("missing");
        assertThat(secrets.resolve(AuditKeys.PUBLIC_FILE)).doesNotExist();
    }

    @Test
    void shouldNameTheFileThatIsNotAKey() throws Exception {
        // Given a private key file that holds something else
        AuditKeys.ensure(secrets);
        Files.writeString(
                secrets.resolve(AuditKeys.PRIVATE_FILE),
                AuditSigningKeys.publicPem(AuditSigningKeys.generate().getPublic()));

        // When the key is read, Then the error names the file
        assertThatThrownBy(() -> AuditKeys.ensure(secrets))
                .hasMessageContaining(AuditKeys.PRIVATE_FILE)
                .hasMessageContaining("Ed25519 private key");
    }

    @Test
    void shouldRefuseAKeyFileFarLargerThanAKeyWithoutReadingItWhole() throws Exception {
        // Given a "public key" of 1 GiB (sparse: the wrong file, or one planted to exhaust memory)
        Path huge = secrets.resolve("partner-kept.pub.pem");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(1L << 30);
        }

        // Then reading it is refused, naming the file and the bound
        assertThatThrownBy(() -> AuditKeys.publicKey(huge))
                .hasMessageContaining(huge.toString())
                .hasMessageContaining("more than 65536 bytes");
    }
}
