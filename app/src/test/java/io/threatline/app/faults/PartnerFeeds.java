package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Reads partners' indicator topics the way a partner's SIEM does (read_committed, from the
 * beginning) and counts, per partner, the NEW records of each indicator and every record at all.
 * It reads without a consumer group, from positions it keeps itself: a group member whose broker is
 * killed rejoins and restarts from the group's committed offsets, and would count again what it had
 * already read — a repeat of the reader's, not of the hub's.
 */
public final class PartnerFeeds implements AutoCloseable {

    /** What one partner received. */
    public static final class Received {
        final Map<String, Integer> news = new ConcurrentHashMap<>();
        final Set<String> anyAction = ConcurrentHashMap.newKeySet();
        final Set<String> agreements = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> revokes = new ConcurrentHashMap<>();
        final Set<String> holds = ConcurrentHashMap.newKeySet();
        final Set<String> deliveryIds = ConcurrentHashMap.newKeySet();
        volatile long records;

        /** Every record read, by the id delivery gives it: {@code <topic>/<partition>/<offset>}. */
        public Set<String> deliveryIds() {
            return deliveryIds;
        }

        /** Indicators received as REVOKE, with how many times. */
        public Map<String, Integer> revokes() {
            return revokes;
        }

        /** What the partner holds now: every NEW not followed by a REVOKE or EXPIRE. */
        public Set<String> holds() {
            return holds;
        }

        /** Indicators received as NEW at least once. */
        public Set<String> newIds() {
            return news.keySet();
        }

        /** Indicators received as NEW more than once, with their count. */
        public Map<String, Integer> newTwice() {
            return news.entrySet().stream()
                    .filter(e -> e.getValue() > 1)
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
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fault-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new io.threatline.schemas.serde.ConfluentAvroDeserializer<PartnerIndicator>();
        values.configure(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl, AvroSerdeConfig.SPECIFIC_AVRO_READER, true),
                false);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
        for (String partner : partners) {
            Received received = new Received();
            byTopic.put(topics.partnerIndicators(partner), received);
            byPartner.put(partner, received);
        }
        List<TopicPartition> partitions = byTopic.keySet().stream()
                .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(60)).stream()
                        .map(i -> new TopicPartition(t, i.partition())))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public Received of(String partner) {
        return byPartner.get(partner);
    }

    /** Indicators received as NEW, summed over the partners. */
    public long newsTotal() {
        return byPartner.values().stream().mapToLong(r -> r.news.size()).sum();
    }

    /** Polls until more than {@code than} indicators have arrived as NEW (summed over the partners). */
    public void awaitNewsBeyond(long than, String what) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(180))
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    poll();
                    return newsTotal() > than;
                });
    }

    /**
     * Polls until each partner has received every indicator of {@code expected} as NEW and
     * {@code andThen} holds too, for at most 240 s; a timeout is only printed, since the assertions
     * that follow say what is missing better than a timeout could.
     */
    public void awaitAll(Map<String, Set<String>> expected, Callable<Boolean> andThen, String context) {
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(240))
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        poll();
                        return expected.entrySet().stream()
                                        .allMatch(e -> of(e.getKey()).newIds().containsAll(e.getValue()))
                                && andThen.call();
                    });
        } catch (ConditionTimeoutException e) {
            System.out.println(
                    "[faults] not everything arrived within 240 s; what is missing follows (" + context + ")");
        }
    }

    /**
     * Asserts that {@code partner} received every indicator of {@code granted} as NEW exactly once,
     * and no record at all of any other indicator, each naming the partner's agreement.
     */
    public void assertEachGrantedNewExactlyOnce(String partner, Set<String> granted, String context) {
        Received received = of(partner);
        Set<String> missing = new TreeSet<>(granted);
        missing.removeAll(received.newIds());
        Set<String> notGranted = new TreeSet<>(received.anyIds());
        notGranted.removeAll(granted);
        assertThat(first(missing))
                .as(
                        "%s: %d of %d indicators never received as NEW, the first 20 (%s)",
                        partner, missing.size(), granted.size(), context)
                .isEmpty();
        assertThat(received.newTwice())
                .as("%s: indicators received as NEW more than once (%s)", partner, context)
                .isEmpty();
        assertThat(first(notGranted))
                .as(
                        "%s: %d indicators received that the agreement does not grant, the first 20 (%s)",
                        partner, notGranted.size(), context)
                .isEmpty();
        assertThat(received.agreements())
                .as("%s: agreements named by the records (%s)", partner, context)
                .containsExactly("MOU-" + partner + " v1");
    }

    private static List<String> first(Set<String> ids) {
        return ids.stream().limit(20).toList();
    }

    /** Reads what is there now (one poll). */
    public void poll() {
        for (ConsumerRecord<String, PartnerIndicator> r : consumer.poll(Duration.ofMillis(200))) {
            Received received = byTopic.get(r.topic());
            PartnerIndicator value = r.value();
            received.records++;
            received.deliveryIds.add(r.topic() + "/" + r.partition() + "/" + r.offset());
            received.anyAction.add(value.getIndicatorId());
            received.agreements.add(value.getAgreementId() + " v" + value.getAgreementVersion());
            if (value.getAction() == LifecycleAction.NEW) {
                received.news.merge(value.getIndicatorId(), 1, Integer::sum);
                received.holds.add(value.getIndicatorId());
            } else if (value.getAction() == LifecycleAction.REVOKE || value.getAction() == LifecycleAction.EXPIRE) {
                received.holds.remove(value.getIndicatorId());
                if (value.getAction() == LifecycleAction.REVOKE) {
                    received.revokes.merge(value.getIndicatorId(), 1, Integer::sum);
                }
            }
        }
    }

    /**
     * Reads until every partition's last stable offset, as it is now: once the writers have
     * stopped, everything they committed has been counted.
     */
    public void readToEnd() {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
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
