package io.threatline.platform.testing;

import io.threatline.platform.runtime.KafkaBackedRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local schema registry on the shared Kafka that a test can stop and start again, for outage
 * tests: while stopped, clients get "connection refused" at its URL, as from a registry that went
 * away. It keeps its schemas in a compacted topic of its own, and starts again on the same port,
 * so clients configured with {@link #url()} reach the restarted instance, which serves the same
 * ids. Never the {@link SharedPlatform} registry: other tests keep using that one.
 */
public final class RestartableRegistry implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RestartableRegistry.class);
    private static final long REBIND_MILLIS = 10_000;

    private final String schemasTopic;
    private final URI url;
    private KafkaBackedRegistry running;

    private RestartableRegistry(String schemasTopic, KafkaBackedRegistry first) {
        this.schemasTopic = schemasTopic;
        this.running = first;
        this.url = first.url();
    }

    /** Starts a registry on a free port with a fresh schemas topic on {@link SharedKafka}. */
    public static RestartableRegistry start() {
        String topic = "_schemas-restartable-" + UUID.randomUUID().toString().substring(0, 8);
        return new RestartableRegistry(
                topic, KafkaBackedRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0, topic, Map.of()));
    }

    /** The registry's base URL, the same across restarts. */
    public URI url() {
        return url;
    }

    public synchronized boolean isRunning() {
        return running != null;
    }

    /** Stops serving: its port refuses connections until {@link #restart()}. */
    public synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
            LOGGER.info("Registry at {} stopped for an outage test", url);
        }
    }

    /** Starts again on the same port, rebuilding its schemas from its topic. */
    public synchronized void restart() {
        if (running != null) {
            return;
        }
        long deadline = System.currentTimeMillis() + REBIND_MILLIS;
        while (true) {
            try {
                running = KafkaBackedRegistry.start(
                        SharedKafka.bootstrapServers(), "localhost", url.getPort(), schemasTopic, Map.of());
                LOGGER.info("Registry at {} started again", url);
                return;
            } catch (UncheckedIOException bindFailed) {
                // The port may linger a moment after the previous instance closed it.
                if (System.currentTimeMillis() > deadline) {
                    throw bindFailed;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw bindFailed;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
