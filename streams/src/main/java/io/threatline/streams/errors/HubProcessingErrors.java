package io.threatline.streams.errors;

import io.threatline.schemas.serde.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's processing exception handler: a failure while processing one sensor event dead-letters
 * that event ({@value #PROCESSING_FAILED}, with the processor and the exception) and goes on, so that
 * no single record can stop a stream thread for good. Two kinds of failure still fail the thread,
 * on purpose:
 * <ul>
 *   <li>a schema registry outage: it says nothing about the record, which is read again by the
 *       replacement thread ({@code HubThreadFailures});</li>
 *   <li>anything not about a sensor event — an agreement or reference record on the global thread,
 *       a scheduled scan: skipping an agreement that does not apply would keep its older, perhaps
 *       wider, terms in force, so the hub fails closed.</li>
 * </ul>
 */
public final class HubProcessingErrors implements ProcessingExceptionHandler {

    public static final String PROCESSING_FAILED = "PROCESSING_FAILED";
    private static final Logger LOGGER = LoggerFactory.getLogger(HubProcessingErrors.class);

    private HubDeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = HubDeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (SchemaRegistryException.retriableIn(exception).isPresent()) {
            return Response.fail();
        }
        if (!deadLetters.isSensorInput(context.topic())) {
            LOGGER.error(
                    "Processing failed in {} on a record of {} (not a sensor event); the hub fails closed: {}",
                    context.processorNodeId(),
                    context.topic(),
                    exception.toString());
            return Response.fail();
        }
        return Response.resume(deadLetters.of(context, PROCESSING_FAILED, exception));
    }
}
