package io.threatline.streams.errors;

import io.threatline.contract.DeadLetter;
import io.threatline.schemas.deadletter.DeadLetters;
import io.threatline.streams.topology.HubCounters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub's error handlers ({@link HubProcessingErrors}, {@link HubProductionErrors}) need to
 * dead-letter the sensor record behind a failure: the dead-letter topic, its serializer, the
 * counters, and which input topics are sensors' ({@link SensorInput}: only their records may be
 * dead-lettered). Kafka Streams creates the handlers by class name, so the hub passes this to them in its
 * settings under {@link #CONFIG}. The dead letter stands for the input record being processed (its
 * raw bytes, bounded by {@link DeadLetters}), which is what an operator can publish again.
 */
public final class HubDeadLetters {

    /** The setting under which the handlers find this. */
    public static final String CONFIG = "threatline.hub.internal.dead-letters";

    private static final Logger LOGGER = LoggerFactory.getLogger(HubDeadLetters.class);

    private final String topic;
    private final Serializer<DeadLetter> serializer;
    private final HubCounters counters;
    private final SensorInput sensorInput;

    public HubDeadLetters(
            String topic, Serializer<DeadLetter> serializer, HubCounters counters, SensorInput sensorInput) {
        this.topic = topic;
        this.serializer = serializer;
        this.counters = counters;
        this.sensorInput = sensorInput;
    }

    /** Whether a record of {@code topic} is a sensor's, and so may be dead-lettered. */
    boolean isSensorInput(String topic) {
        return sensorInput.test(topic);
    }

    static HubDeadLetters from(Map<String, ?> configs) {
        Object value = configs.get(CONFIG);
        if (!(value instanceof HubDeadLetters deadLetters)) {
            throw new IllegalStateException(
                    CONFIG + " is not set: the hub's error handlers need the dead-letter topic");
        }
        return deadLetters;
    }

    /** The dead-letter record of the input record {@code context} is processing, counted by reason. */
    List<ProducerRecord<byte[], byte[]>> of(ErrorHandlerContext context, String reasonCode, Exception failure) {
        counters.rejected(reasonCode);
        String reason =
                failure.getClass().getSimpleName() + " in " + context.processorNodeId() + ": " + failure.getMessage();
        DeadLetters.Source source = context.topic() == null
                ? DeadLetters.Source.UNKNOWN
                : new DeadLetters.Source(context.topic(), context.partition(), context.offset());
        DeadLetter letter = DeadLetters.of(
                reasonCode,
                reason,
                context.processorNodeId(),
                source,
                context.sourceRawKey(),
                context.sourceRawValue(),
                Instant.now(),
                null);
        LOGGER.warn(
                "Dead-lettering {}-{}@{} as {}: {}",
                source.topic(),
                source.partition(),
                source.offset(),
                reasonCode,
                failure.toString());
        return List.of(new ProducerRecord<>(
                topic,
                null,
                context.timestamp(),
                DeadLetters.recordKey(context.sourceRawKey()),
                serializer.serialize(topic, letter)));
    }
}
