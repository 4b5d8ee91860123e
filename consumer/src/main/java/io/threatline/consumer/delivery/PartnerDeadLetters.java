package io.threatline.consumer.delivery;

import io.threatline.consumer.ReliableProducers;
import io.threatline.contract.DeadLetter;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes records a channel refused for good to the partner's dead-letter topic
 * ({@code ti.partner.<id>.dead-letter.v1}), whole (original key and value bytes) and with the
 * reason, and waits for the broker's acknowledgement: only then may the offsets move on.
 */
public final class PartnerDeadLetters implements AutoCloseable {

    private final Producer<byte[], DeadLetter> producer;
    private final ThreatlineTopics topics;

    PartnerDeadLetters(Producer<byte[], DeadLetter> producer, ThreatlineTopics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    public static PartnerDeadLetters open(
            Map<String, Object> clientProperties, ThreatlineTopics topics, Serializer<DeadLetter> serializer) {
        return new PartnerDeadLetters(
                new KafkaProducer<>(
                        ReliableProducers.settings(clientProperties, "threatline-delivery-dead-letters"),
                        new ByteArraySerializer(),
                        serializer),
                topics);
    }

    /** Writes each record with the same reason; returns once all are acknowledged. */
    public void write(
            String partnerId,
            String stage,
            String reasonCode,
            String reason,
            List<ConsumerRecord<byte[], byte[]>> records) {
        String topic = topics.partnerDeadLetter(partnerId);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            DeadLetter letter = DeadLetter.newBuilder()
                    .setReasonCode(reasonCode)
                    .setReason(reason)
                    .setStage(stage)
                    .setSourceTopic(record.topic())
                    .setSourcePartition(record.partition())
                    .setSourceOffset(record.offset())
                    .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                    .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                    .setFailedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .setPartnerId(partnerId)
                    .build();
            sends.add(producer.send(new ProducerRecord<>(topic, record.key(), letter)));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing dead letters of partner " + partnerId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not write dead letters of partner " + partnerId + " to " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
