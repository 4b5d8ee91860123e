package io.threatline.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

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

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.RestartableRegistry;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;

/**
 * A sensor starting while its schema registry is away: every publish fails at once with a
 * retriable error that names the registry, nothing reaches the topic, and publishing the same
 * events again once the registry is back writes each exactly once. Real broker, real registry over
 * HTTP.
 */
class PublisherRegistryOutageIT {

    @Test
    void shouldFailRetriablyWhileTheRegistryIsAwayAndPublishEachEventOnceWhenItIsBack() throws Exception {
        String topic = "publisher-outage-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()));
             RestartableRegistry registry = RestartableRegistry.start()) {
            TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 2, (short) 1)));
            Map<String, Object> config = new HashMap<>();
            config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString());
            config.put(PublisherConfig.TOPIC, topic);
            List<ThreatEvent> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                events.add(ThreatEvent.newBuilder().setEventId("evt-" + i).setIndicatorType(IndicatorType.DOMAIN)
                    .setIndicatorValue("c2-" + i + ".outage.example.com").setObservedAt(Instant.now()).setVendor("acme")
                    .setSensorId("s-1").setConfidence(80).setTlp(Tlp.GREEN).build());
            }

            try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
                // Given the registry is away before the publisher ever got its schema's id
                registry.stop();

                // When the sensor publishes
                List<PublishResult> whileAway = publishAll(publisher, events);

                // Then each publish failed at once, retriably, naming the registry, and nothing was written
                assertThat(whileAway).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
                    assertThat(f.retriable()).isTrue();
                    assertThat(f.error()).contains("schema registry unavailable", registry.url().toString());
                }));
                assertThat(publisher.metrics().failedCount()).isEqualTo(5);
                assertThat(readAll(topic, registry)).isEmpty();

                // When the registry is back and the sensor publishes the same events again
                registry.restart();
                List<PublishResult> again = publishAll(publisher, events);

                // Then every one is accepted, and the topic holds each exactly once
                assertThat(again).allMatch(PublishResult.Accepted.class::isInstance);
                assertThat(readAll(topic, registry)).extracting(r -> r.value().getEventId())
                    .containsExactlyInAnyOrderElementsOf(events.stream().map(ThreatEvent::getEventId).toList());
            }
        }
    }

    private static List<PublishResult> publishAll(ThreatPublisher publisher, List<ThreatEvent> events) throws Exception {
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
        events.forEach(e -> futures.add(publisher.publish(e)));
        publisher.flush();
        List<PublishResult> results = new ArrayList<>();
        for (CompletableFuture<PublishResult> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    private static List<ConsumerRecord<String, ThreatEvent>> readAll(String topic, RestartableRegistry registry) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ConfluentAvroDeserializer<ThreatEvent> values = new ConfluentAvroDeserializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString(),
            AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        List<ConsumerRecord<String, ThreatEvent>> out = new ArrayList<>();
        try (KafkaConsumer<String, ThreatEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
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
