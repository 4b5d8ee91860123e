package io.threatline.app;

import io.threatline.app.ops.OpsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.UnaryOperator;

/** Starts a command's operations endpoint as its {@code --ops-host} and {@code --ops-port} say, and tells where it is. */
final class Ops {

    private Ops() {}

    /** @return the running endpoint, or a closed-down one that serves nothing when {@code port} is -1 */
    static OpsServer start(String host, int port, PrintWriter out, UnaryOperator<OpsServer> parts) throws IOException {
        OpsServer server = parts.apply(new OpsServer());
        if (port < 0) {
            return server;
        }
        server.start(host, port);
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.equals("127.0.0.1") ? "localhost" : host;
        out.println("Operations: http://" + shown + ":" + server.port()
                + "/metrics (Prometheus), /health/live, /health/ready"
                + (host.equals("0.0.0.0") || host.equals("::") ? " (on every interface)" : ""));
        out.flush();
        return server;
    }
}
