package io.threatline.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local TAXII server's key: a self-signed certificate for {@code localhost} made once with the
 * JDK's {@code keytool} and kept in {@code <dir>/keystore.p12}; its password is a private file under
 * the secrets folder, and the certificate is exported as {@code <dir>/taxii-cert.pem} for clients
 * ({@code curl --cacert}).
 */
final class TaxiiKeys {

    private static final String PASSWORD_FILE = "local/taxii-keystore-password";

    private TaxiiKeys() {
    }

    static Path ensure(Path dir, Path secrets) throws IOException, InterruptedException {
        Path keystore = dir.resolve("keystore.p12").toAbsolutePath();
        if (Files.exists(keystore)) {
            return keystore;
        }
        Files.createDirectories(dir);
        String password = PrivateFiles.randomHex(16);
        PrivateFiles.write(secrets.resolve(PASSWORD_FILE), password);
        keytool("-genkeypair", "-alias", "taxii", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "825",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "taxii", "-keystore", keystore.toString(), "-storepass", password,
            "-file", dir.resolve("taxii-cert.pem").toAbsolutePath().toString());
        return keystore;
    }

    static String password(Path secrets) throws IOException {
        return Files.readString(secrets.resolve(PASSWORD_FILE), StandardCharsets.UTF_8).strip();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            // keytool's own message; the password is not in it.
            throw new IOException("keytool " + args[0] + " failed: " + output.strip());
        }
    }
}
