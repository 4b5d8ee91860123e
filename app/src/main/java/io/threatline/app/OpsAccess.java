package io.threatline.app;

import io.threatline.app.ops.OpsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command's operations endpoint listens and who may see its console there: the options
 * {@code run}, {@code hub} and {@code deliver} share (each has its own {@code --ops-port}).
 */
final class OpsAccess {

    @Option(
            names = "--ops-host",
            defaultValue = OpsServer.DEFAULT_HOST,
            description =
                    "Address the operations endpoint listens on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--ops-password-file",
            paramLabel = "FILE",
            description =
                    "The operator's console password (user 'operator'), asked for when --ops-host is not the loopback address; "
                            + "without it the console is off there (metrics and health still answer).")
    Path passwordFile;

    @Option(
            names = "--ops-advertised-host",
            paramLabel = "HOST",
            description =
                    "The name other hub instances reach this one's operations endpoint by, to read the part of the hub's state it holds "
                            + "(default: --ops-host, or this machine's name when that is every interface).")
    String advertisedHost;

    /**
     * {@code host:port} of the endpoint as other instances reach it: the hub's {@code application.server},
     * so a console on any instance can read any indicator's state (interactive queries).
     */
    String advertised(int port) throws IOException {
        String name = advertisedHost;
        if (name == null) {
            name = OpsServer.loopback(host)
                    ? "localhost"
                    : host.equals("0.0.0.0") || host.equals("::")
                            ? java.net.InetAddress.getLocalHost().getHostName()
                            : host;
        }
        return name + ":" + port;
    }

    /** The password the file holds, or null when there is no file. */
    String password() throws IOException {
        if (passwordFile == null) {
            return null;
        }
        if (!Files.isReadable(passwordFile)) {
            throw new IOException("--ops-password-file " + passwordFile + ": cannot read it");
        }
        String password = Files.readString(passwordFile).strip();
        if (password.length() < 12) {
            throw new IOException(
                    "--ops-password-file " + passwordFile + ": the password is shorter than 12 characters");
        }
        return password;
    }
}
