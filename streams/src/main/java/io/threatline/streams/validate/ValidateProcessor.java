package io.threatline.streams.validate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.threatline.contract.DeadLetter;
import io.threatline.streams.topology.HubCounters;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.validation.ThreatEventValidator;

/**
 * First stage of the hub: turns raw bytes into a validated event keyed by its canonical indicator
 * id, or into a dead letter that keeps the original bytes, the reason and where the record came
 * from. Nothing here throws on bad input: a bad record never stops processing.
 */
public final class ValidateProcessor extends ContextualProcessor<byte[], byte[], String, Validated> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ValidateProcessor.class);
    public static final String DESERIALIZATION_FAILED = "DESERIALIZATION_FAILED";
    public static final String EMPTY_RECORD = "EMPTY_RECORD";

    private final Deserializer<ThreatEvent> deserializer;
    private final HubCounters counters;

    public ValidateProcessor(Deserializer<ThreatEvent> deserializer, HubCounters counters) {
        this.deserializer = deserializer;
        this.counters = counters;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        counters.eventsIn.increment();
        if (record.value() == null) {
            reject(record, EMPTY_RECORD, "the record has no value (a tombstone is not a sensor event)");
            return;
        }
        ThreatEvent event;
        try {
            event = deserializer.deserialize(topic(), record.value());
        } catch (RuntimeException e) {
            reject(record, DESERIALIZATION_FAILED, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
            return;
        }
        Result<CanonicalIndicator> valid = ThreatEventValidator.validate(event);
        if (!valid.isOk()) {
            reject(record, valid.rejection().code(), valid.rejection().message());
            return;
        }
        String id = valid.value().id();
        boolean sameKey = record.key() != null && Arrays.equals(record.key(), id.getBytes(StandardCharsets.UTF_8));
        context().forward(record.withKey(id).withValue(new Validated.Valid(event, id, sameKey)));
    }

    private void reject(Record<byte[], byte[]> record, String code, String reason) {
        counters.rejected(code);
        RecordMetadata meta = context().recordMetadata().orElse(null);
        DeadLetter letter = DeadLetter.newBuilder()
            .setReasonCode(code)
            .setReason(reason)
            .setStage("validate")
            .setSourceTopic(meta == null ? "unknown" : meta.topic())
            .setSourcePartition(meta == null ? -1 : meta.partition())
            .setSourceOffset(meta == null ? -1 : meta.offset())
            .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
            .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .setFailedAt(Instant.ofEpochMilli(record.timestamp()))
            .build();
        LOGGER.debug("Dead-lettering {}-{}@{}: {} {}", letter.getSourceTopic(), letter.getSourcePartition(),
            letter.getSourceOffset(), code, reason);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context().forward(record.withKey(key).withValue(new Validated.Rejected(letter)));
    }

    private String topic() {
        return context().recordMetadata().map(RecordMetadata::topic).orElse("unknown");
    }
}
