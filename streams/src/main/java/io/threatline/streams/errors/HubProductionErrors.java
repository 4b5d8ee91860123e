package io.threatline.streams.errors;

import io.threatline.schemas.serde.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * The hub's production exception handler. An output record of a sensor event that cannot be
 * serialised — among them one larger than {@link BoundedSerde} lets through — dead-letters that
 * event ({@value #OUTPUT_REJECTED}) and processing goes on; a schema registry outage fails the
 * thread, which is replaced and reads the record again. Failures of a send are left as Kafka
 * Streams' default handles them (retry what is retriable, fail the rest): under exactly-once a
 * failed send has already doomed its transaction, so going on could not keep the record's other
 * outputs anyway. That is why oversized output must be stopped before it is sent: the hub bounds
 * its input ({@code threatline.hub.max.record.bytes}), every list it keeps
 * ({@link io.threatline.schemas.validation.ContractLimits}) and, last, the size of every record it
 * serialises.
 */
public final class HubProductionErrors implements ProductionExceptionHandler {

    public static final String OUTPUT_REJECTED = "OUTPUT_REJECTED";

    private HubDeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = HubDeadLetters.from(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        return exception instanceof RetriableException ? Response.retry() : Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        if (SchemaRegistryException.retriableIn(exception).isPresent() || !deadLetters.isSensorInput(context.topic())) {
            return Response.fail();
        }
        return Response.resume(deadLetters.of(context, OUTPUT_REJECTED, exception));
    }
}
