package io.threatline.app;

import io.threatline.app.console.HubStateLookup;
import io.threatline.app.ops.OpsServer;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.consumer.delivery.StandardChannels;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a long-running command runs — the hub, the delivery service and its TAXII server, the
 * operations endpoint with the console — started in order and stopped in the reverse order: the one
 * way `run`, `hub` and `deliver` start, serve operations and stop (docs/architecture.md, "The
 * launcher"). The operations endpoint takes whatever parts were started before it: the hub's
 * counters, readiness and state, the delivery's counters and readiness, and the console over them.
 */
final class Parts implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(Parts.class);

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private HubApp hub;
    private DeliveryService delivery;

    /**
     * Starts the hub on {@code clock} (the system clock, or `run`'s simulated one).
     *
     * @param listener told of the hub's state changes from before it starts; may be null
     */
    HubApp startHub(Map<String, Object> settings, Path stateDir, Clock clock, KafkaStreams.StateListener listener) {
        HubApp started = add(new HubApp(settings, stateDir, clock));
        if (listener != null) {
            started.streams().setStateListener(listener);
        }
        started.start();
        hub = started;
        return started;
    }

    /** Starts the delivery service with the standard push channels. */
    DeliveryService startDelivery(Map<String, Object> settings) throws Exception {
        DeliveryService started = add(new DeliveryService(settings, StandardChannels.pushChannels(settings)));
        started.start();
        delivery = started;
        return started;
    }

    /** Adds a part started elsewhere (the TAXII server), to be stopped before the parts started before it. */
    <T extends AutoCloseable> T add(T part) {
        running.push(part);
        return part;
    }

    /**
     * Starts the operations endpoint and console on what runs so far, and says where it is.
     *
     * @param client   the settings the console reads the topics with
     * @param password the operator's password (beyond loopback), also sent to other hub instances; may be null
     * @param passwordFile where the password is, to tell the operator; may be null
     */
    OpsServer startOps(
            String host,
            int port,
            Path passwordFile,
            String password,
            Map<String, Object> client,
            ThreatlineTopics topics,
            PrintWriter out)
            throws Exception {
        HubApp h = hub;
        DeliveryService d = delivery;
        HubStateLookup states = h == null ? null : new HubStateLookup(h.stateQuery(), password);
        return add(Ops.start(host, passwordFile, password, port, out, ops -> {
            if (h != null) {
                ops.withHub(h.counters(), () -> h.state() == KafkaStreams.State.RUNNING)
                        .withHubLag(h::inputLag)
                        .withHubState(states);
            }
            if (d != null) {
                ops.withDelivery(d.counters(), () -> d.audit() != null);
            }
            return ops.withConsole(new KafkaConsoleData(client, topics, states));
        }));
    }

    /** As {@link #startOps}, as the command's options say. */
    OpsServer startOps(OpsAccess access, int port, Map<String, Object> client, ThreatlineTopics topics, PrintWriter out)
            throws Exception {
        return startOps(access.host, port, access.passwordFile, access.password(), client, topics, out);
    }

    /** Stops every part, the last started first; a part that fails to stop does not keep the others running. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOGGER.warn("{} did not stop cleanly: {}", part.getClass().getSimpleName(), e.toString());
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
