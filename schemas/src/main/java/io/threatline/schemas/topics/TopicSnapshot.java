package io.threatline.schemas.topics;

import io.threatline.schemas.serde.AvroSerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic as it is now, from its beginning to its current end, committed records only, without
 * a consumer group, and never creating it: what the commands that look something up (the audit chain,
 * the agreements and their history, an indicator) read.
 */
public final class TopicSnapshot {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicSnapshot() {}

    /** Hands every record now in {@code topic}, tombstones too, to {@code each}, in order within each partition. */
    public static void read(
            Map<String, ?> clientProperties, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        read(clientProperties, topic, p -> true, each);
    }

    /** As {@link #read(Map, String, Consumer)}, of the partitions {@code partitions} accepts only. */
    public static void read(
            Map<String, ?> clientProperties,
            String topic,
            IntPredicate partitions,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        read(clientProperties, topic, partitions, Long.MAX_VALUE, each);
    }

    /**
     * As {@link #read(Map, String, Consumer)}, of the last {@code perPartition} offsets of each partition
     * only (fewer records where transaction markers take offsets): what a look at the latest records reads.
     */
    public static void readLatest(
            Map<String, ?> clientProperties,
            String topic,
            long perPartition,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        read(clientProperties, topic, p -> true, perPartition, each);
    }

    private static void read(
            Map<String, ?> clientProperties,
            String topic,
            IntPredicate partitions,
            long perPartition,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> props = new HashMap<>(AvroSerdeConfig.kafkaOnly(clientProperties));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "threatline-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Reading must never create a topic with the broker's defaults: only init and apply create them.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .filter(p -> partitions.test(p.partition()))
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, TIMEOUT);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(assigned, TIMEOUT);
            for (TopicPartition p : assigned) {
                consumer.seek(p, Math.max(begin.get(p), end.get(p) - Math.min(perPartition, end.get(p))));
            }
            while (assigned.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    each.accept(record);
                }
            }
        }
    }
}
