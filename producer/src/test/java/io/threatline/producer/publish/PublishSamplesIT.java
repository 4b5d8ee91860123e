package io.threatline.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.InputAdapters;
import io.threatline.producer.adapters.ParsedRecord;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each adapter's sample, through the publisher, into a real broker and registry, and back through
 * the deserializer: what comes back is exactly what was accepted, keyed by canonical id, with the
 * sensor header; what was rejected says why.
 */
class PublishSamplesIT {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stix-bundle.json", "misp-event.json", "indicators.csv", "events.jsonl"})
    void shouldReadBackExactlyWhatWasAccepted(String sample) throws Exception {
        // Given the sample parsed by its adapter
        String topic = "samples-" + sample.replace('.', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 3, (short) 1)));
        }
        List<ParsedRecord> parsed = parse(sample);
        List<ThreatEvent> events = parsed.stream()
                .filter(r -> r instanceof ParsedRecord.Event)
                .map(r -> ((ParsedRecord.Event) r).event())
                .toList();
        assertThat(events).as("the sample yields events").isNotEmpty();

        // When every event is published
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (ThreatPublisher publisher = new ThreatPublisher(config(topic), null)) {
            events.forEach(e -> results.add(publisher.publish(e)));
            publisher.flush();
        }
        Map<String, PublishResult.Accepted> accepted = new HashMap<>();
        for (CompletableFuture<PublishResult> f : results) {
            PublishResult result = f.get(30, TimeUnit.SECONDS);
            assertThat(result).as("nothing fails against a healthy broker").isNotInstanceOf(PublishResult.Failed.class);
            if (result instanceof PublishResult.Accepted a) {
                accepted.put(a.eventId(), a);
            } else {
                assertThat(((PublishResult.Rejected) result).reason().message()).isNotBlank();
            }
        }
        assertThat(accepted).as("some of the sample is valid").isNotEmpty();

        // Then reading the topic back gives exactly the accepted events, keyed by canonical id
        List<ConsumerRecord<String, ThreatEvent>> read = readAll(topic, accepted.size());
        assertThat(read).hasSize(accepted.size());
        Map<String, ThreatEvent> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.getEventId(), e));
        for (ConsumerRecord<String, ThreatEvent> record : read) {
            PublishResult.Accepted a = accepted.get(record.value().getEventId());
            assertThat(a).as("read back only what was accepted").isNotNull();
            assertThat(record.value()).isEqualTo(byId.get(a.eventId()));
            assertThat(record.key()).isEqualTo(a.indicatorId());
            assertThat(record.offset()).isEqualTo(a.offset());
            assertThat(new String(
                            record.headers()
                                    .lastHeader(ThreatPublisher.SENSOR_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(record.value().getSensorId());
        }
    }

    private static List<ParsedRecord> parse(String sample) throws Exception {
        List<ParsedRecord> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                PublishSamplesIT.class.getResourceAsStream("/samples/" + sample), StandardCharsets.UTF_8))) {
            reader.mark(1 << 16);
            char[] head = new char[4096];
            int n = reader.read(head);
            reader.reset();
            var format = InputAdapters.detect(sample, new String(head, 0, n)).orElseThrow();
            InputAdapters.forFormat(format)
                    .read(
                            reader,
                            sample,
                            new AdapterDefaults(
                                    "it-vendor", "it-sensor", Tlp.AMBER, 50, Instant.parse("2026-11-29T00:00:00Z")),
                            out::add);
        }
        return out;
    }

    private static Map<String, Object> config(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        config.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        config.put(PublisherConfig.TOPIC, topic);
        return config;
    }

    private static List<ConsumerRecord<String, ThreatEvent>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> serde = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER,
                true);
        ConfluentAvroDeserializer<ThreatEvent> values = new ConfluentAvroDeserializer<>();
        values.configure(serde, false);
        List<ConsumerRecord<String, ThreatEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, ThreatEvent> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Read until the expected count, then a little longer to catch anything extra.
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return records;
    }
}
