package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.EventPacer;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;

/**
 * The hub in its own JVM, killed with SIGKILL in the middle of a run and started again: every
 * indicator reaches the partner's topic as NEW exactly once, nothing lost, nothing twice.
 */
class HubKillRestartIT {

    private static final int INDICATORS = 4_000;

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryIndicatorAsNewExactlyOnceAcrossAKillNine() throws Exception {
        // Given Threatline's topics under a fresh prefix, an agreement granting everything, and a backlog with duplicates
        String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 3, (short) 1);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            List<NewTopic> all = new ArrayList<>(topics.coreTopics());
            all.addAll(topics.partnerTopics("p1", Duration.ofDays(7)));
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, all);
        }
        applyAgreement(topics);
        List<String> ids = new ArrayList<>(publishBacklog(topics, 0, INDICATORS / 4, 0));

        // When the hub runs while sensors keep publishing, is killed -9 part-way, and starts again
        Map<String, Integer> newCounts = new ConcurrentHashMap<>();
        Process first = startHub(prefix);
        try (PartnerReader reader = new PartnerReader(topics.partnerIndicators("p1"))) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                reader.poll(newCounts);
                return newCounts.size() >= INDICATORS / 8;
            });
            CompletableFuture<List<String>> stillPublishing = CompletableFuture.supplyAsync(
                () -> publishBacklog(topics, INDICATORS / 4, INDICATORS, 1_500));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                reader.poll(newCounts);
                return newCounts.size() >= INDICATORS * 2 / 5;
            });
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(stillPublishing).as("killed while events were still arriving").isNotDone();
            ids.addAll(stillPublishing.get(120, TimeUnit.SECONDS));

            Process second = startHub(prefix);
            try {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    reader.poll(newCounts);
                    return newCounts.size() >= INDICATORS;
                });
                // and a little longer, to catch anything delivered twice
                long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < until) {
                    reader.poll(newCounts);
                }
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        }

        // Then each indicator came exactly once as NEW
        assertThat(newCounts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(newCounts.values()).allMatch(n -> n == 1);
    }

    private Process startHub(String prefix) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            ThreatlineCommand.class.getName(), "hub",
            "--bootstrap-servers", SharedPlatform.bootstrapServers(),
            "--schema-registry-url", SharedPlatform.registryUrl().toString(),
            "--topic-prefix", prefix, "--application-id", prefix + "hub",
            "--state-dir", work.resolve("hub-state").toString(), "--ops-port", "0",
            "--set", "session.timeout.ms=10000", "--set", "commit.interval.ms=200");
        File log = work.resolve("hub-" + System.nanoTime() + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void applyAgreement(ThreatlineTopics topics) throws Exception {
        PartnerAgreement agreement = PartnerAgreement.newBuilder().setPartnerId("p1").setPartnerName("Partner One")
            .setAgreementId("mou-p1").setVersion(1).setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
            .setDataKinds(List.of(DataKind.INDICATORS)).setTlpCeiling(Tlp.RED)
            .setScope(AgreementScope.newBuilder().build()).setRedaction(Redaction.newBuilder().build()).build();
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, SharedPlatform.registryUrl().toString());
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(serde, false);
        try (KafkaProducer<String, PartnerAgreement> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()), new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topics.agreements(), "p1", agreement)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Indicators from..to, each sent three times in random order (two thirds duplicates), at a rate (0: at once). */
    private static List<String> publishBacklog(ThreatlineTopics topics, int from, int to, long eventsPerSecond) {
        List<ThreatEvent> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String domain = "host-" + i + ".kill-test-" + (i % 17) + ".com";
            ids.add("domain:" + domain);
            for (int copy = 0; copy < 3; copy++) {
                events.add(ThreatEvent.newBuilder().setEventId(i + "-" + copy).setIndicatorType(IndicatorType.DOMAIN)
                    .setIndicatorValue(copy == 1 ? domain.replace(".com", "[.]com") : domain)
                    .setObservedAt(Instant.now()).setVendor("acme").setSensorId("s-" + copy)
                    .setConfidence(80).setTlp(Tlp.GREEN).build());
            }
        }
        Collections.shuffle(events, new Random(from));
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, SharedPlatform.registryUrl().toString());
        config.put(PublisherConfig.TOPIC, topics.sensorEvents());
        try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
            EventPacer pacer = eventsPerSecond == 0 ? EventPacer.unlimited() : new EventPacer(eventsPerSecond);
            for (ThreatEvent event : events) {
                pacer.awaitNext();
                publisher.publish(event);
            }
            publisher.flush();
            assertThat(publisher.metrics().sentCount()).isEqualTo(events.size());
        }
        return ids;
    }

    /** Reads the partner topic as a partner would (read_committed), counting NEW records per indicator. */
    private static final class PartnerReader implements AutoCloseable {
        private final KafkaConsumer<String, PartnerIndicator> consumer;

        PartnerReader(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            ConfluentAvroDeserializer<PartnerIndicator> values = new ConfluentAvroDeserializer<>();
            values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, SharedPlatform.registryUrl().toString(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
            consumer.subscribe(List.of(topic));
        }

        void poll(Map<String, Integer> newCounts) {
            for (ConsumerRecord<String, PartnerIndicator> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value().getAction() == LifecycleAction.NEW) {
                    newCounts.merge(r.value().getIndicatorId(), 1, Integer::sum);
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
