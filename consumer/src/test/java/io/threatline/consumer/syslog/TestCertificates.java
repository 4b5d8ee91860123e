package io.threatline.consumer.syslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed keys and certificates for the TLS tests, made by the JDK's own {@code keytool} in a
 * directory of the test: a server key for 127.0.0.1, a client key for mutual TLS, their
 * certificates as PEM, and truststores holding each other's certificate.
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    final Path serverKeystore;
    final Path serverPem;
    final Path serverTruststore;
    final Path clientKeystore;
    final Path clientPem;
    final Path clientTruststore;

    private TestCertificates(Path dir) {
        serverKeystore = dir.resolve("server.p12");
        serverPem = dir.resolve("server.pem");
        serverTruststore = dir.resolve("server-trusts-client.p12");
        clientKeystore = dir.resolve("client.p12");
        clientPem = dir.resolve("client.pem");
        clientTruststore = dir.resolve("client-trusts-server.p12");
    }

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=syslog-receiver.test",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                c.serverKeystore.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "server",
                "-keystore",
                c.serverKeystore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                c.serverPem.toString());
        keytool(
                "-genkeypair",
                "-alias",
                "client",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=europol-ec3-client",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                c.clientKeystore.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "client",
                "-keystore",
                c.clientKeystore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                c.clientPem.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "client",
                "-file",
                c.clientPem.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                c.serverTruststore.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                c.serverPem.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                c.clientTruststore.toString(),
                "-storepass",
                PASSWORD);
        return c;
    }

    /** The receiver's TLS server socket factory: its key, trusting the client certificate. */
    SSLServerSocketFactory serverSocketFactory() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStore.getInstance(serverKeystore.toFile(), PASSWORD.toCharArray()), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStore.getInstance(serverTruststore.toFile(), PASSWORD.toCharArray()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context.getServerSocketFactory();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
