package io.threatline.app;

import io.threatline.app.ops.OpsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Starts a command's operations endpoint and console as its {@code --ops-port}, {@code --ops-host}
 * and {@code --ops-password-file} say, and tells where they are.
 */
final class Ops {

    private Ops() {}

    /**
     * The port the endpoint will listen on: {@code port} itself, or for 0 a free one picked now, so that
     * the hub can name its endpoint as its {@code application.server} before the endpoint starts.
     */
    static int resolvePort(int port) throws IOException {
        if (port != 0) {
            return port;
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** @return the running endpoint, or a closed-down one that serves nothing when {@code port} is -1 */
    static OpsServer start(OpsAccess access, int port, PrintWriter out, UnaryOperator<OpsServer> parts)
            throws IOException {
        return start(access.host, access.passwordFile, access.password(), port, out, parts);
    }

    /**
     * As {@link #start(OpsAccess, int, PrintWriter, UnaryOperator)}, with the password given.
     *
     * @param passwordFile where the password is, to tell the operator (null when there is none)
     */
    static OpsServer start(
            String host, Path passwordFile, String password, int port, PrintWriter out, UnaryOperator<OpsServer> parts)
            throws IOException {
        OpsServer server = parts.apply(new OpsServer());
        if (port < 0) {
            return server;
        }
        boolean loopback = OpsServer.loopback(host);
        // On loopback the console reads without the password; its decisions still ask for it.
        server.withPassword(password).start(host, port);
        boolean everywhere = host.equals("0.0.0.0") || host.equals("::");
        String shown = everywhere || loopback ? "localhost" : host;
        String base = "http://" + shown + ":" + server.port();
        out.println("Operations: " + base + "/metrics (Prometheus), /health/live, /health/ready"
                + (everywhere ? " (on every interface)" : ""));
        if (loopback) {
            out.println("Console: " + base + "/ (this machine only)");
        } else if (password != null) {
            out.println("Console: " + base + "/ (user operator, password in " + passwordFile + ")");
        } else {
            out.println("Console: off on " + host + " (no --ops-password-file)");
        }
        out.flush();
        return server;
    }
}
