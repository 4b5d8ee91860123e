package io.threatline.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.UnaryOperator;

import io.threatline.app.ops.OpsServer;

/** Starts a command's operations endpoint as its {@code --ops-port} says, and tells where it is. */
final class Ops {

    private Ops() {
    }

    /** @return the running endpoint, or a closed-down one that serves nothing when {@code port} is -1 */
    static OpsServer start(int port, PrintWriter out, UnaryOperator<OpsServer> parts) throws IOException {
        OpsServer server = parts.apply(new OpsServer());
        if (port < 0) {
            return server;
        }
        server.start("0.0.0.0", port);
        out.println("Operations: http://localhost:" + server.port() + "/metrics (Prometheus), /health/live, /health/ready");
        out.flush();
        return server;
    }
}
