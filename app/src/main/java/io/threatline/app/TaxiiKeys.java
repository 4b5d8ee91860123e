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
 *
 * <p>keytool reads the password from that file ({@code -storepass:file}): a password given on the
 * command line would be visible to every local user in the process list while keytool runs.
 */
final class TaxiiKeys {

    private static final String PASSWORD_FILE = "local/taxii-keystore-password";

    /** Runs keytool with these arguments; a seam for the test that checks what they hold. */
    @FunctionalInterface
    interface Keytool {
        void run(List<String> args) throws IOException, InterruptedException;
    }

    private TaxiiKeys() {}

    static Path ensure(Path dir, Path secrets) throws IOException, InterruptedException {
        return ensure(dir, secrets, TaxiiKeys::keytool);
    }

    static Path ensure(Path dir, Path secrets, Keytool keytool) throws IOException, InterruptedException {
        Path keystore = dir.resolve("keystore.p12").toAbsolutePath();
        if (Files.exists(keystore)) {
            return keystore;
        }
        Files.createDirectories(dir);
        Path passwordFile = secrets.resolve(PASSWORD_FILE).toAbsolutePath();
        PrivateFiles.write(passwordFile, PrivateFiles.randomHex(16));
        keytool.run(List.of(
                "-genkeypair",
                "-alias",
                "taxii",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "825",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass:file",
                passwordFile.toString(),
                "-keypass:file",
                passwordFile.toString()));
        keytool.run(List.of(
                "-exportcert",
                "-rfc",
                "-alias",
                "taxii",
                "-keystore",
                keystore.toString(),
                "-storepass:file",
                passwordFile.toString(),
                "-file",
                dir.resolve("taxii-cert.pem").toAbsolutePath().toString()));
        return keystore;
    }

    static String password(Path secrets) throws IOException {
        return Files.readString(secrets.resolve(PASSWORD_FILE), StandardCharsets.UTF_8)
                .strip();
    }

    /** Runs the JDK's keytool. */
    static void keytool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            // keytool's own message; the password is not in it.
            throw new IOException("keytool " + args.get(0) + " failed: " + output.strip());
        }
    }
}
