package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaxiiKeysTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeTheKeyWithoutThePasswordOnKeytoolsCommandLine() throws Exception {
        // Given keytool runs are recorded on their way to the real keytool
        List<List<String>> runs = new ArrayList<>();
        Path secrets = dir.resolve("secrets");

        // When the local TAXII key is made
        Path keystore = TaxiiKeys.ensure(dir.resolve("taxii"), secrets, args -> {
            runs.add(args);
            TaxiiKeys.keytool(args);
        });

        // Then no argument holds the password (others would see it in the process list); it is read from its private
        // file
        String password = TaxiiKeys.password(secrets);
        assertThat(password).hasSize(32);
        assertThat(runs).hasSize(2);
        for (List<String> args : runs) {
            assertThat(args)
                    .noneMatch(a -> a.contains(password))
                    .doesNotContain("-storepass", "-keypass")
                    .contains("-storepass:file");
        }
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(secrets.resolve("local/taxii-keystore-password"))))
                .isEqualTo("rw-------");

        // And the key store opens with that password and holds the localhost key, whose certificate was exported
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        assertThat(store.isKeyEntry("taxii")).isTrue();
        assertThat(store.getKey("taxii", password.toCharArray())).isNotNull();
        X509Certificate exported;
        try (InputStream in = Files.newInputStream(dir.resolve("taxii/taxii-cert.pem"))) {
            exported = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(exported).isEqualTo(store.getCertificate("taxii"));
        assertThat(exported.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }

    @Test
    void shouldKeepAnExistingKeyStore() throws Exception {
        // Given a key store already made
        Path secrets = dir.resolve("secrets");
        Path keystore = TaxiiKeys.ensure(dir.resolve("taxii"), secrets);
        byte[] before = Files.readAllBytes(keystore);

        // When asked again / Then keytool does not run and the store is the same
        List<List<String>> runs = new ArrayList<>();
        assertThat(TaxiiKeys.ensure(dir.resolve("taxii"), secrets, runs::add)).isEqualTo(keystore);
        assertThat(runs).isEmpty();
        assertThat(Files.readAllBytes(keystore)).isEqualTo(before);
    }
}
