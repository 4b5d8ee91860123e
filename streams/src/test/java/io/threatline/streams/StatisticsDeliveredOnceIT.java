package io.threatline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub on the shared broker, stopped and started again after it delivered an hourly window: a
 * sighting that arrives late for that window after the restart must not reopen it. The window is
 * delivered once, with the count it had when it closed (issue 12 §4).
 */
class StatisticsDeliveredOnceIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final String PARTNER = "europol-ec3";

    @TempDir
    Path stateDir;

    private HubApp hub;
    private KafkaProducer<String, byte[]> producer;
    private int events;

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void shouldDeliverAWindowOnceWithItsFinalCountAcrossARestartOfTheHub() throws Exception {
        // Given a hub (one partition, so the order of the sightings is the order they are written in)
        // with a statistics partner, that has delivered the Shylock count of an hour a few hours ago
        String prefix = "stats-once-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            List<NewTopic> all = new ArrayList<>(topics.coreTopics());
            all.addAll(topics.partnerTopics(PARTNER, Duration.ofDays(7)));
            TopicProvisioner.ensure(admin, all);
        }
        Map<String, Object> serde = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedPlatform.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        ConfluentAvroSerializer<Object> values = new ConfluentAvroSerializer<>();
        values.configure(serde, false);
        send(topics.agreements(), PARTNER, values.serialize(topics.agreements(), agreement()), Instant.now());

        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(6));
        Instant hourEnd = hour.plus(Duration.ofHours(1));
        // The hub counts by its own clock (a sensor's timestamps count for nothing), so the test moves that clock.
        MovableClock clock = new MovableClock();
        clock.set(hour.plus(Duration.ofMinutes(10)));
        hub = new HubApp(hubSettings(prefix), stateDir, clock);
        hub.start();
        for (int i = 0; i < 3; i++) {
            shylockDomain(topics, values, hour.plus(Duration.ofMinutes(10 + i)));
        }
        awaitChanges(3);
        clock.set(hourEnd.plus(GRACE).plusSeconds(1));
        shylockDomain(topics, values, hourEnd.plus(GRACE).plusSeconds(1)); // closes the hour
        try (StatisticsReader out = new StatisticsReader(topics.partnerStatistics(PARTNER), serde)) {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !out.poll().of(hour).isEmpty());
            assertThat(out.of(hour)).extracting(TrendStatistic::getCount).containsExactly(3L);

            // When the hub is stopped and started again, and then a sighting of that hour arrives late: the
            // host's clock was set back into it (the only way, now that a sensor's timestamps count for nothing),
            // followed by one that closes the next hour too
            hub.close();
            hub = new HubApp(hubSettings(prefix), stateDir, clock);
            hub.start();
            clock.set(hour.plus(Duration.ofMinutes(30)));
            shylockDomain(topics, values, hour.plus(Duration.ofMinutes(30)));
            awaitChanges(1);
            clock.set(hourEnd.plus(Duration.ofHours(1)).plus(GRACE).plusSeconds(1));
            shylockDomain(
                    topics,
                    values,
                    hourEnd.plus(Duration.ofHours(1)).plus(GRACE).plusSeconds(1));

            // Then the next hour is delivered (with the count of the first closer) and the first hour not again
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !out.poll().of(hourEnd).isEmpty());
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                out.poll();
            }
            assertThat(out.of(hourEnd)).extracting(TrendStatistic::getCount).containsExactly(1L);
            assertThat(out.of(hour))
                    .as("the hour delivered before the restart, once, with its final count")
                    .extracting(TrendStatistic::getWindowStart, TrendStatistic::getCount)
                    .containsExactly(tuple(hour, 3L));
        }
    }

    /** Waits until the running hub has made {@code changes} indicator changes, i.e. read and stamped the events. */
    private void awaitChanges(long changes) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> hub.counters().indicatorChanges.sum() >= changes);
    }

    private void shylockDomain(ThreatlineTopics topics, ConfluentAvroSerializer<Object> values, Instant at)
            throws Exception {
        String domain = "c2-" + (++events) + ".shylock-example.com";
        ThreatEvent event = ThreatEvent.newBuilder()
                .setEventId("e" + events)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue(domain)
                .setObservedAt(at)
                .setVendor("acme")
                .setSensorId("s-1")
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setMalwareFamilies(List.of("Shylock"))
                .build();
        send(topics.sensorEvents(), "domain:" + domain, values.serialize(topics.sensorEvents(), event), at);
    }

    private Map<String, Object> hubSettings(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        settings.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        settings.put(HubConfig.TOPIC_PREFIX, prefix);
        settings.put("application.id", prefix + "hub");
        settings.put("commit.interval.ms", 200);
        return settings;
    }

    private void send(String topic, String key, byte[] value, Instant at) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value))
                .get(30, TimeUnit.SECONDS);
    }

    private static PartnerAgreement agreement() {
        return PartnerAgreement.newBuilder()
                .setPartnerId(PARTNER)
                .setPartnerName("Europol EC3")
                .setAgreementId("mou-ec3")
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.STATISTICS))
                .setTlpCeiling(Tlp.GREEN)
                .setStatisticsMinimumCount(1)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }

    /** The partner's hourly Shylock counts as it reads them (read_committed), by window start. */
    private static final class StatisticsReader implements AutoCloseable {
        private final Map<Instant, List<TrendStatistic>> hourly = new HashMap<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final ConfluentAvroDeserializer<TrendStatistic> statistics;
        private final SchemaRegistryClient client;

        StatisticsReader(String topic, Map<String, Object> serde) {
            client = new AvroSerdeConfig(serde).newClient();
            statistics = new ConfluentAvroDeserializer<>(client, TrendStatistic.class, serde, false);
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        StatisticsReader poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TrendStatistic s = statistics.deserialize(r.topic(), r.value());
                if (s.getWindow() == StatisticWindow.HOURLY
                        && s.getDimension() == StatisticDimension.MALWARE_FAMILY
                        && s.getDimensionValue().equals("Shylock")) {
                    hourly.computeIfAbsent(s.getWindowStart(), k -> new ArrayList<>())
                            .add(s);
                }
            }
            return this;
        }

        List<TrendStatistic> of(Instant windowStart) {
            return hourly.getOrDefault(windowStart, List.of());
        }

        @Override
        public void close() {
            consumer.close();
            client.close();
        }
    }
}
