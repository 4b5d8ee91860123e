package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.faults.SensorFeed.Sighting;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.validation.ContractLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile (or broken) sensor writes, straight to the sensor-events topic, records meant to stop
 * the hub, while well-behaved sensors keep publishing and the hub runs in its own JVM:
 * <ul>
 *   <li>a value of 4 MiB of zeros behind a valid wire-format header: gzip makes it a few KiB on the
 *       wire, so the broker takes it, and it decompresses to four times what a producer may send
 *       (before issue 11, its dead letter — the original bytes — could not be written, and the hub
 *       stopped at that offset on every restart);</li>
 *   <li>a key of 2 MiB, compressible in the same way, with a valid event;</li>
 *   <li>an event carrying one tag of 1 MiB, one with a tag just over the longest a label may be, and
 *       one with one tag more than an event may carry;</li>
 *   <li>state-growing events: many reports of one indicator, each within the contract's limits but
 *       each with its own tags, families and campaign, which merged without a bound would grow the
 *       indicator's state (and its changelog and output records) past what Kafka accepts.</li>
 * </ul>
 * Then: the hub still runs, every valid indicator reaches the partner exactly once as NEW (the
 * state-growing one included), and exactly the five bad records are dead-lettered, each with its
 * reason, a dead letter that fits, and the SHA-256 of the value it stands for.
 */
class HostileSensorIT {

    private static final String INTERPOL = "interpol";
    private static final int GROWING_REPORTS = 120;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("HostileSensorIT");

    @TempDir
    Path work;

    @Test
    void shouldKeepRunningAndDeliverTheValidEventsAroundRecordsMeantToStopTheHub() throws Exception {
        TestCluster cluster = TestCluster.shared();
        ThreatlineTopics topics = TestCluster.freshTopics("hostile");
        String prefix = topics.prefix();
        cluster.createTopics(topics, List.of(INTERPOL));
        cluster.putAgreements(
                topics,
                List.of(TestCluster.agreement(
                        INTERPOL, Tlp.GREEN, AgreementScope.newBuilder().build(), List.of())));

        try (SensorFeed feed = new SensorFeed(cluster.publisherConfig(topics), "hostile", 200);
                PartnerFeeds partners =
                        new PartnerFeeds(cluster.bootstrapServers(), cluster.registryUrl(), topics, List.of(INTERPOL));
                KafkaProducer<byte[], byte[]> hostile = hostileProducer(cluster)) {
            // Given a running hub and sensors publishing
            ChildJvm hub = jvms.start("hub", 512, cluster.hubArgs(prefix, work.resolve("hub-state")));
            feed.publishBacklog(200);
            feed.start();
            partners.awaitNewsBeyond(20, "the hub delivering");

            // When a hostile sensor writes records meant to stop it, between the valid ones
            byte[] header = Arrays.copyOf(serialize(cluster, topics, growing(0)), 5);
            byte[] zeros = new byte[4 << 20];
            System.arraycopy(header, 0, zeros, 0, header.length);
            send(hostile, topics.sensorEvents(), "domain:zeros.example.com".getBytes(StandardCharsets.UTF_8), zeros);
            byte[] hugeKey = new byte[2 << 20];
            Arrays.fill(hugeKey, (byte) 'k');
            send(
                    hostile,
                    topics.sensorEvents(),
                    hugeKey,
                    serialize(cluster, topics, event("huge-key.example.com", List.of())));
            send(
                    hostile,
                    topics.sensorEvents(),
                    null,
                    serialize(cluster, topics, event("huge-tag.example.com", List.of("x".repeat(1 << 20)))));
            send(
                    hostile,
                    topics.sensorEvents(),
                    null,
                    serialize(
                            cluster,
                            topics,
                            event("long-tag.example.com", List.of("y".repeat(ContractLimits.MAX_LABEL_LENGTH + 1)))));
            send(
                    hostile,
                    topics.sensorEvents(),
                    null,
                    serialize(
                            cluster,
                            topics,
                            event(
                                    "many-tags.example.com",
                                    IntStream.rangeClosed(0, ContractLimits.MAX_TAGS)
                                            .mapToObj(t -> "tag-" + t)
                                            .toList())));
            for (int i = 0; i < GROWING_REPORTS; i++) {
                send(hostile, topics.sensorEvents(), null, serialize(cluster, topics, growing(i)));
            }
            long before = partners.newsTotal();
            partners.awaitNewsBeyond(before + 50, "the hub delivering after the hostile records");

            // Then the hub is still running, and once the sensors are done everything valid arrived
            SensorFeed.Outcome outcome = feed.finish();
            assertThat(outcome.failures())
                    .as("reports the publisher could not get in")
                    .isEmpty();
            Set<String> expected = outcome.published().stream()
                    .filter(s -> s.tlp() == Tlp.GREEN || s.tlp() == Tlp.CLEAR)
                    .map(Sighting::id)
                    .collect(Collectors.toCollection(HashSet::new));
            expected.add("domain:growing.example.com");
            partners.awaitAll(
                    Map.of(INTERPOL, expected),
                    () -> cluster.lag(prefix + "hub", topics.sensorEvents()) == 0,
                    "hostile");
            assertThat(hub.isAlive())
                    .as("the hub process is alive\n%s", hub.tail(40))
                    .isTrue();
            assertThat(hub.printed("shutting the hub down"))
                    .as("the hub shut nothing down\n%s", hub.tail(40))
                    .isFalse();
            partners.readToEnd();
            partners.assertEachGrantedNewExactlyOnce(INTERPOL, expected, "hostile");

            List<DeadLetter> letters = deadLetters(cluster, topics);
            assertThat(letters)
                    .as("dead letters")
                    .extracting(DeadLetter::getReasonCode)
                    .containsExactlyInAnyOrder(
                            "RECORD_TOO_LARGE",
                            "RECORD_TOO_LARGE",
                            "RECORD_TOO_LARGE",
                            "FIELD_TOO_LARGE",
                            "FIELD_TOO_LARGE");
            assertThat(letters)
                    .as("the dead letter of the 4 MiB value says its size")
                    .anySatisfy(l -> assertThat(l.getOriginalSize()).isEqualTo(4 << 20));
            assertThat(letters)
                    .as("the dead letter of the 2 MiB key says its size")
                    .anySatisfy(l -> assertThat(l.getOriginalKeySize()).isEqualTo(2 << 20));
            assertThat(hub.stop())
                    .as("exit code of the hub, stopped with SIGTERM")
                    .isIn(0, ChildJvm.SIGTERM_EXIT);
        }
    }

    private static KafkaProducer<byte[], byte[]> hostileProducer(TestCluster cluster) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", cluster.bootstrapServers());
        config.put("compression.type", "gzip");
        // The producer checks a record's uncompressed size; the broker only sees the compressed batch.
        config.put("max.request.size", 16 << 20);
        config.put("buffer.memory", 64L << 20);
        config.put("acks", "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }

    private static ThreatEvent event(String domain, List<String> tags) {
        return ThreatEvent.newBuilder()
                .setEventId("hostile-" + domain)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue(domain)
                .setObservedAt(Instant.now())
                .setVendor("vendor-h")
                .setSensorId("h-1")
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setTags(tags)
                .build();
    }

    /** Report {@code i} of one indicator: as many tags and families as one event may carry, all its own. */
    private static ThreatEvent growing(int i) {
        List<String> tags = IntStream.range(0, ContractLimits.MAX_TAGS)
                .mapToObj(t -> "tag-" + i + "-" + t + "-" + "t".repeat(ContractLimits.MAX_LABEL_LENGTH - 20))
                .toList();
        List<String> families = IntStream.range(0, ContractLimits.MAX_FAMILIES)
                .mapToObj(f -> "family-" + i + "-" + f + "-" + "f".repeat(ContractLimits.MAX_LABEL_LENGTH - 20))
                .toList();
        return ThreatEvent.newBuilder(event("growing.example.com", tags))
                .setEventId("growing-" + i)
                .setSensorId("h-" + i)
                .setVendor("vendor-" + i)
                .setMalwareFamilies(families)
                .setCampaign("campaign-" + i + "-" + "c".repeat(ContractLimits.MAX_LABEL_LENGTH - 20))
                .build();
    }

    private static byte[] serialize(TestCluster cluster, ThreatlineTopics topics, ThreatEvent event) {
        try (ConfluentAvroSerializer<ThreatEvent> serializer = new ConfluentAvroSerializer<>()) {
            serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl()), false);
            return serializer.serialize(topics.sensorEvents(), event);
        }
    }

    /** The dead letters of the topic, each checked to fit and to name the value it stands for. */
    private static List<DeadLetter> deadLetters(TestCluster cluster, ThreatlineTopics topics) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", cluster.bootstrapServers());
        config.put("isolation.level", "read_committed");
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        List<DeadLetter> all = new ArrayList<>();
        try (ConfluentAvroDeserializer<DeadLetter> values = new ConfluentAvroDeserializer<>();
                KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            values.configure(
                    Map.of(
                            AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                            cluster.registryUrl(),
                            AvroSerdeConfig.SPECIFIC_AVRO_READER,
                            true),
                    false);
            List<TopicPartition> partitions = consumer.partitionsFor(topics.deadLetter()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    all.add(values.deserialize(r.topic(), r.value()));
                }
            }
        }
        for (DeadLetter letter : all) {
            assertThat(letter.getReason())
                    .as("reason of %s", letter.getReasonCode())
                    .isNotBlank();
            assertThat(letter.getOriginalValue().remaining())
                    .as("bytes kept of a %s", letter.getReasonCode())
                    .isLessThanOrEqualTo(ContractLimits.MAX_DEAD_LETTER_ORIGINAL_BYTES)
                    .isEqualTo((int) Math.min(letter.getOriginalSize(), ContractLimits.MAX_DEAD_LETTER_ORIGINAL_BYTES));
            assertThat(letter.getOriginalSha256())
                    .as("SHA-256 of the value of a %s", letter.getReasonCode())
                    .hasSize(64);
            if (letter.getOriginalKey() != null) {
                assertThat(letter.getOriginalKey().remaining())
                        .as("key bytes kept")
                        .isLessThanOrEqualTo(ContractLimits.MAX_DEAD_LETTER_KEY_BYTES);
            }
        }
        return all;
    }
}
