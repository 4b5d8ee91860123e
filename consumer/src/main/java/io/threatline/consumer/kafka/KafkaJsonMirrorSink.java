package io.threatline.consumer.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.ReliableProducers;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.RecordFields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The JSON mirror of a partner's Kafka feed, for SIEMs that subscribe to Kafka but do not speak
 * Avro: each indicator becomes a JSON object with the fields of {@link RecordFields} on
 * {@code ti.partner.<id>.indicators.json.v1}, keyed by indicator id, with a
 * {@code threatline.delivery-id} header. The batch is confirmed once the broker acknowledged every
 * record ({@code acks=all}, idempotent producer). Statistics stay on the Avro statistics topic.
 */
public final class KafkaJsonMirrorSink implements ChannelSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final Producer<String, byte[]> producer;
    private final String topic;

    KafkaJsonMirrorSink(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    static KafkaJsonMirrorSink open(Map<String, Object> clientProperties, String topic) {
        Map<String, Object> props = ReliableProducers.settings(clientProperties, "threatline-json-mirror");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaJsonMirrorSink(
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), topic);
    }

    @Override
    public String target() {
        return "kafka:" + topic;
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return record.isIndicator()
                ? Optional.empty()
                : Optional.of(
                        "the Kafka JSON mirror carries indicators; statistics are on the partner's Avro statistics topic");
    }

    @Override
    public void deliver(DeliveryBatch batch) throws DeliveryException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        for (DeliveryRecord record : batch.records()) {
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(RecordFields.of(record));
            } catch (JsonProcessingException e) {
                throw DeliveryException.permanent(
                        "CHANNEL_CANNOT_EXPRESS",
                        "record " + record.deliveryId() + " cannot be written as JSON: " + e.getMessage());
            }
            ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, record.recordId(), json);
            out.headers()
                    .add(new RecordHeader(
                            "threatline.delivery-id",
                            record.deliveryId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            sends.add(producer.send(out));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.transientFailure("interrupted while waiting for " + topic, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthorizationException || cause instanceof RecordTooLargeException) {
                throw DeliveryException.permanent(
                        "CHANNEL_REJECTED", "the broker refused a record for " + topic + ": " + cause.getMessage());
            }
            throw DeliveryException.transientFailure(
                    "the broker did not acknowledge the batch on " + topic + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw DeliveryException.transientFailure("no acknowledgement from " + topic + " within " + ACK_TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
