package io.threatline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.validate.RegistryUnavailableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class HubThreadFailuresTest {

    private final HubCounters counters = new HubCounters();
    private final HubThreadFailures handler = new HubThreadFailures(counters);

    @Test
    void shouldReplaceAThreadThatFailedBecauseTheRegistryWasUnavailable() {
        SchemaRegistryException refused =
                new SchemaRegistryException("unreachable", SchemaRegistryException.UNREACHABLE, 0, null);
        SchemaRegistryException serverError = new SchemaRegistryException("backend", 50001, 503, null);

        assertThat(handler.handle(new StreamsException(
                        "Exception caught in process", new RegistryUnavailableException("waited", refused))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(handler.handle(new StreamsException("Error encountered sending record", serverError)))
                .as("a serializer that could not register an output schema")
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(counters.threadsReplaced.sum()).isEqualTo(2);
    }

    @Test
    void shouldReplaceAThreadWhoseTransactionABrokerFailureBroke() {
        assertThat(handler.handle(new StreamsException(
                        "Error encountered trying to commit a transaction",
                        new org.apache.kafka.common.errors.InvalidTxnStateException(
                                "The producer attempted a transactional operation in an invalid state."))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(counters.threadsReplaced.sum()).isEqualTo(1);
    }

    @Test
    void shouldShutTheHubDownForAnythingElse() {
        SchemaRegistryException incompatible =
                new SchemaRegistryException("Incompatible schema", SchemaRegistryException.INCOMPATIBLE, 409, null);

        assertThat(handler.handle(new StreamsException("bug", new IllegalStateException("no"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(handler.handle(new StreamsException("Error encountered sending record", incompatible)))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(counters.threadsReplaced.sum()).isZero();
    }
}
