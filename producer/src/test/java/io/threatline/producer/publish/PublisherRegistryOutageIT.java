package io.threatline.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.RestartableRegistry;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A sensor starting while its schema registry is away, real broker, real registry over HTTP that
 * is stopped and started: publish waits for the registry within {@code max.block.ms} and sends
 * every event once when it is back; past that bound each publish fails, retriably and naming the
 * registry, nothing reaches the topic, and publishing the same events again writes each once.
 */
class PublisherRegistryOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldWaitForTheRegistryWithinMaxBlockAndPublishEachEventOnceWhenItIsBack() throws Exception {
        try (RestartableRegistry registry = RestartableRegistry.start()) {
            String topic = newTopic();
            List<ThreatEvent> events = events("wait");
            try (ThreatPublisher publisher = new ThreatPublisher(config(topic, registry, 120_000), null)) {
                // Given the registry is away before the publisher ever got its schema's id
                registry.stop();

                // When the sensor publishes
                CompletableFuture<List<PublishResult>> results =
                        CompletableFuture.supplyAsync(() -> publishAll(publisher, events));

                // Then the first publish waits for the registry, and nothing is written meanwhile
                await().atMost(WAIT).until(() -> publisher.pendingEvents() == 1);
                assertThat(results).isNotDone();
                assertThat(readAll(topic, registry)).isEmpty();

                // When the registry is back
                registry.restart();

                // Then every event is accepted, once
                assertThat(results.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .allMatch(PublishResult.Accepted.class::isInstance);
                assertThat(publisher.metrics().failedCount()).isZero();
                assertThat(readAll(topic, registry))
                        .extracting(r -> r.value().getEventId())
                        .containsExactlyInAnyOrderElementsOf(
                                events.stream().map(ThreatEvent::getEventId).toList());
            }
        }
    }

    @Test
    void shouldFailRetriablyPastMaxBlockAndPublishEachEventOnceWhenSentAgain() throws Exception {
        try (RestartableRegistry registry = RestartableRegistry.start()) {
            String topic = newTopic();
            List<ThreatEvent> events = events("fail");
            // A sensor that would rather not wait long
            try (ThreatPublisher publisher = new ThreatPublisher(config(topic, registry, 500), null)) {
                // Given the registry is away before the publisher ever got its schema's id
                registry.stop();

                // When the sensor publishes
                List<PublishResult> whileAway = publishAll(publisher, events);

                // Then each publish failed within the bound, retriably, naming the registry, and nothing was written
                assertThat(whileAway)
                        .allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
                            assertThat(f.retriable()).isTrue();
                            assertThat(f.error())
                                    .contains(
                                            "schema registry unavailable",
                                            registry.url().toString());
                        }));
                assertThat(publisher.metrics().failedCount()).isEqualTo(events.size());
                assertThat(readAll(topic, registry)).isEmpty();

                // When the registry is back and the sensor publishes the same events again
                registry.restart();
                List<PublishResult> again = publishAll(publisher, events);

                // Then every one is accepted, and the topic holds each exactly once
                assertThat(again).allMatch(PublishResult.Accepted.class::isInstance);
                assertThat(readAll(topic, registry))
                        .extracting(r -> r.value().getEventId())
                        .containsExactlyInAnyOrderElementsOf(
                                events.stream().map(ThreatEvent::getEventId).toList());
            }
        }
    }

    private static String newTopic() {
        String topic = "publisher-outage-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 2, (short) 1)));
        }
        return topic;
    }

    private static Map<String, Object> config(String topic, RestartableRegistry registry, long maxBlockMs) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString());
        config.put(PublisherConfig.TOPIC, topic);
        config.put("max.block.ms", maxBlockMs);
        return config;
    }

    private static List<ThreatEvent> events(String tag) {
        List<ThreatEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(ThreatEvent.newBuilder()
                    .setEventId(tag + "-" + i)
                    .setIndicatorType(IndicatorType.DOMAIN)
                    .setIndicatorValue("c2-" + i + "." + tag + ".outage.example.com")
                    .setObservedAt(Instant.now())
                    .setVendor("acme")
                    .setSensorId("s-1")
                    .setConfidence(80)
                    .setTlp(Tlp.GREEN)
                    .build());
        }
        return events;
    }

    private static List<PublishResult> publishAll(ThreatPublisher publisher, List<ThreatEvent> events) {
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
        events.forEach(e -> futures.add(publisher.publish(e)));
        publisher.flush();
        List<PublishResult> results = new ArrayList<>();
        for (CompletableFuture<PublishResult> f : futures) {
            try {
                results.add(f.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return results;
    }

    private static List<ConsumerRecord<String, ThreatEvent>> readAll(String topic, RestartableRegistry registry) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ConfluentAvroDeserializer<ThreatEvent> values = new ConfluentAvroDeserializer<>();
        values.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        registry.url().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);
        List<ConsumerRecord<String, ThreatEvent>> out = new ArrayList<>();
        try (KafkaConsumer<String, ThreatEvent> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
