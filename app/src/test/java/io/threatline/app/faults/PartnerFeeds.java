package io.threatline.app.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;

/**
 * Reads partners' indicator topics the way a partner's SIEM does (read_committed, from the
 * beginning) and counts, per partner, the NEW records of each indicator and every record at all.
 */
public final class PartnerFeeds implements AutoCloseable {

    /** What one partner received. */
    public static final class Received {
        final Map<String, Integer> news = new ConcurrentHashMap<>();
        final Set<String> anyAction = ConcurrentHashMap.newKeySet();
        final Set<String> agreements = ConcurrentHashMap.newKeySet();
        volatile long records;

        /** Indicators received as NEW at least once. */
        public Set<String> newIds() {
            return news.keySet();
        }

        /** Indicators received as NEW more than once, with their count. */
        public Map<String, Integer> newTwice() {
            return news.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        /** Indicators of any record received (NEW, UPDATE, ...). */
        public Set<String> anyIds() {
            return anyAction;
        }

        /** {@code agreementId vN} of every record. */
        public Set<String> agreements() {
            return new TreeSet<>(agreements);
        }

        public long records() {
            return records;
        }
    }

    private final KafkaConsumer<String, PartnerIndicator> consumer;
    private final Map<String, Received> byTopic = new HashMap<>();
    private final Map<String, Received> byPartner = new HashMap<>();

    public PartnerFeeds(String bootstrapServers, String registryUrl, ThreatlineTopics topics, List<String> partners) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new io.threatline.schemas.serde.ConfluentAvroDeserializer<PartnerIndicator>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl, AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
        for (String partner : partners) {
            Received received = new Received();
            byTopic.put(topics.partnerIndicators(partner), received);
            byPartner.put(partner, received);
        }
        consumer.subscribe(List.copyOf(byTopic.keySet()));
    }

    public Received of(String partner) {
        return byPartner.get(partner);
    }

    /** Reads what is there now (one poll). */
    public void poll() {
        for (ConsumerRecord<String, PartnerIndicator> r : consumer.poll(Duration.ofMillis(200))) {
            Received received = byTopic.get(r.topic());
            PartnerIndicator value = r.value();
            received.records++;
            received.anyAction.add(value.getIndicatorId());
            received.agreements.add(value.getAgreementId() + " v" + value.getAgreementVersion());
            if (value.getAction() == LifecycleAction.NEW) {
                received.news.merge(value.getIndicatorId(), 1, Integer::sum);
            }
        }
    }

    /**
     * Reads until every partition's last stable offset, as it is now: once the writers have
     * stopped, everything they committed has been counted.
     */
    public void readToEnd() {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int partitions = byTopic.keySet().stream().mapToInt(t -> consumer.partitionsFor(t, Duration.ofSeconds(60)).size()).sum();
        while (consumer.assignment().size() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the reader was not assigned all " + partitions + " partitions within 2 minutes");
            }
            poll();
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(60));
        while (assigned.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(60)) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partner topics not read to their end within 2 minutes: " + end);
            }
            poll();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
