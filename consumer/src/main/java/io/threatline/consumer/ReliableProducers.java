package io.threatline.consumer;

import io.threatline.schemas.serde.AvroSerdeConfig;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for what the partner side writes and must not lose — receipts, partner dead
 * letters, the Kafka JSON mirror: {@code acks=all}, idempotent, a client id naming the writer.
 */
public final class ReliableProducers {

    private ReliableProducers() {}

    /** {@code clientProperties} (serde settings dropped) made reliable, with client id {@code <name>-<random>}. */
    public static Map<String, Object> settings(Map<String, ?> clientProperties, String name) {
        Map<String, Object> props = AvroSerdeConfig.kafkaOnly(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(
                ProducerConfig.CLIENT_ID_CONFIG,
                name + "-" + UUID.randomUUID().toString().substring(0, 8));
        return props;
    }
}
