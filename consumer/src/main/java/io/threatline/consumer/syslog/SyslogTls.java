package io.threatline.consumer.syslog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads the TLS material of a syslog channel: whom to trust (PEM CA certificates, a PKCS12/JKS
 * truststore, or the JVM's default CAs) and, for mutual TLS, the client's key and certificate from
 * a PKCS12/JKS keystore. Each loader fails with an {@link IllegalArgumentException} saying what is
 * wrong with the file, so that the caller can name the setting.
 */
final class SyslogTls {

    private SyslogTls() {}

    /** Trust managers for the CA certificates in a PEM (or DER) file. */
    static TrustManager[] trustCaFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("names " + file + ", which holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int k = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + k++, certificate);
            }
            return trustManagers(store);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "names " + file + ", which cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

    /** Trust managers for the certificates in a PKCS12 or JKS truststore. */
    static TrustManager[] trustStore(Path file, Optional<String> password) {
        try {
            return trustManagers(load(file, password));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "names " + file + ", which cannot be read as a truststore: " + e.getMessage(), e);
        }
    }

    /** Key managers for the client key and certificate in a PKCS12 or JKS keystore. */
    static KeyManager[] clientKey(Path file, String password) {
        try {
            KeyStore store = load(file, Optional.of(password));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password.toCharArray());
            return factory.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "names " + file + ", which cannot be read as a keystore with that password: " + e.getMessage(), e);
        }
    }

    /** A socket factory; null trust or key managers mean the JVM defaults and no client key. */
    static SSLSocketFactory socketFactory(TrustManager[] trust, KeyManager[] keys) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no TLS", e);
        }
    }

    private static KeyStore load(Path file, Optional<String> password) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file");
        }
        // KeyStore.getInstance(File, ...) tells PKCS12 from JKS by content.
        return KeyStore.getInstance(
                file.toFile(), password.map(String::toCharArray).orElse(null));
    }

    private static TrustManager[] trustManagers(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}
