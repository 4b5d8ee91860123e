package io.threatline.streams;

import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.streams.topology.HubCounters;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub does when a stream thread dies. A schema registry outage (see
 * {@link SchemaRegistryException#isRetriable()}) — whether validation gave up waiting for a sensor
 * event's schema or a serializer could not register an output schema — replaces the thread: the
 * new one resumes from the last commit, exactly-once having aborted what the dead one wrote since,
 * and it keeps failing and being replaced until the registry answers again; nothing is consumed
 * meanwhile. So does a transaction that a broker failure broke while it was being committed
 * ({@link InvalidTxnStateException}: the coordinator was killed or moved mid-commit, as the fault
 * suite's ClusterFailuresIT does): exactly-once aborts it and the new thread does the work again.
 * Anything else shuts the hub down: an unexpected failure must not loop, and stopping fails closed. (The global thread, which reads agreements and reference data, cannot be replaced;
 * Kafka Streams shuts the hub down whatever this says, and a restart resumes it.)
 */
final class HubThreadFailures implements StreamsUncaughtExceptionHandler {

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(HubThreadFailures.class);

    private final HubCounters counters;

    HubThreadFailures(HubCounters counters) {
        this.counters = counters;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        Optional<SchemaRegistryException> outage = SchemaRegistryException.retriableIn(failure);
        if (outage.isPresent()) {
            counters.threadsReplaced.increment();
            LOGGER.warn(
                    "Hub stream thread failed because the schema registry is unavailable; replacing it, it resumes "
                            + "from the last commit: {}",
                    outage.get().getMessage());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        if (causedBy(failure, InvalidTxnStateException.class)) {
            counters.threadsReplaced.increment();
            LOGGER.warn(
                    "Hub stream thread failed: a broker failure broke its transaction; replacing it, it resumes from "
                            + "the last commit: {}",
                    failure.toString());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOGGER.error("Hub stream thread failed; shutting the hub down: {}", failure.toString());
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
