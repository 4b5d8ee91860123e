package io.threatline.consumer.audit;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.contract.DeliveryReceipt;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the audit topic from its beginning to its current end (committed records only), without a
 * consumer group, handing every receipt to a callback in topic order.
 */
public final class AuditReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConsumerSerdes serdes;
    private final String topic;

    private AuditReader(KafkaConsumer<String, byte[]> consumer, ConsumerSerdes serdes, String topic) {
        this.consumer = consumer;
        this.serdes = serdes;
        this.topic = topic;
    }

    public static AuditReader open(Map<String, Object> clientProperties, String topic) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "threatline-audit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new AuditReader(
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
                ConsumerSerdes.from(props),
                topic);
    }

    /** Reads every receipt now in the topic, in order. */
    public void readAll(Consumer<DeliveryReceipt> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.value() != null) {
                    each.accept(serdes.receipt.deserializer().deserialize(topic, record.value()));
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        serdes.close();
    }
}
