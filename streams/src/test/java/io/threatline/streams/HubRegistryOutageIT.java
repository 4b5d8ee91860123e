package io.threatline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.RestartableRegistry;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub on the shared broker with a real schema registry over HTTP that goes away and comes back:
 * sensor events written with a schema id the hub has not read yet arrive while the registry is
 * down. None is dead-lettered; the stream thread fails and is replaced until the registry answers,
 * then every event becomes exactly one NEW indicator and reaches the partner, as without the outage.
 */
class HubRegistryOutageIT {

    /** Kafka Streams rethrows a replaced thread's failure on that thread; Awaitility must not take it for the test's. */
    private static final Duration WAIT = Duration.ofSeconds(180);

    private static final String PARTNER = "p1";

    @TempDir
    Path stateDir;

    private RestartableRegistry registry;
    private HubApp hub;
    private KafkaProducer<String, byte[]> producer;

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldNeitherDeadLetterNorLoseEventsWhoseSchemaTheHubCannotFetchWhileTheRegistryIsDown() throws Exception {
        // Given a hub on its own registry, its topics, an agreement, and 20 events it has processed
        registry = RestartableRegistry.start();
        String prefix = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 2, (short) 1);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            List<NewTopic> all = new ArrayList<>(topics.coreTopics());
            all.addAll(topics.partnerTopics(PARTNER, Duration.ofDays(7)));
            TopicProvisioner.ensure(admin, all);
        }
        Map<String, Object> serde =
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString());
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
        send(topics.agreements(), PARTNER, values.serialize(topics.agreements(), agreement()));
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ThreatEvent event = event("before-" + i);
            before.add("domain:" + event.getIndicatorValue());
            send(
                    topics.sensorEvents(),
                    "domain:" + event.getIndicatorValue(),
                    values.serialize(topics.sensorEvents(), event));
        }
        // (and one record that is not Avro at all, so the hub has written a dead letter, as a running hub has)
        send(topics.sensorEvents(), "garbage", "{\"not\": \"avro\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        hub = new HubApp(hubSettings(prefix), stateDir);
        hub.start();
        try (OutputReader out = new OutputReader(topics, serde)) {
            await().dontCatchUncaughtExceptions()
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> out.poll().newIndicators.size() >= 20 && out.deadLetters == 1);

            // and 30 more events written by a newer sensor release, whose schema (a compatible v2) the hub has never
            // read
            Schema v2 = withSensorBuild(ThreatEvent.getClassSchema());
            List<byte[]> newer = new ArrayList<>();
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ThreatEvent event = event("after-" + i);
                after.add("domain:" + event.getIndicatorValue());
                newer.add(values.serialize(topics.sensorEvents(), asV2(event, v2)));
            }
            Set<Integer> newIds = newer.stream()
                    .map(b -> java.nio.ByteBuffer.wrap(b, 1, 4).getInt())
                    .collect(Collectors.toSet());
            assertThat(newIds)
                    .as("the newer events carry a schema id the hub has not seen")
                    .hasSize(1)
                    .doesNotContain(java.nio.ByteBuffer.wrap(values.serialize(topics.sensorEvents(), event("x")), 1, 4)
                            .getInt());

            // When the registry goes away and those events arrive
            registry.stop();
            for (int i = 0; i < newer.size(); i++) {
                send(topics.sensorEvents(), after.get(i), newer.get(i));
            }

            // Then the hub waits and fails its stream thread, which is replaced (twice at least), instead of rejecting
            // them
            await().dontCatchUncaughtExceptions()
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        assertThat(out.poll().deadLetters)
                                .as("nothing more dead-lettered while the registry is down")
                                .isEqualTo(1);
                        return hub.counters().threadsReplaced.sum() >= 2;
                    });
            assertThat(hub.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
            assertThat(out.poll().deadLetters)
                    .as("nothing more dead-lettered while the registry is down")
                    .isEqualTo(1);
            assertThat(out.newIndicators).hasSize(20);
            assertThat(hub.counters().rejectedCount()).isEqualTo(1);

            // When the registry comes back
            registry.restart();

            // Then every event becomes exactly one NEW indicator and partner record, none is dead-lettered, and the hub
            // runs on
            await().dontCatchUncaughtExceptions()
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> out.poll().partnerNew.size() >= 50 && out.newIndicators.size() >= 50);
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                out.poll();
            }
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            assertThat(out.newIndicators.keySet()).containsExactlyInAnyOrderElementsOf(all);
            assertThat(out.newIndicators.values()).as("each NEW exactly once").allMatch(n -> n == 1);
            assertThat(out.partnerNew.keySet()).containsExactlyInAnyOrderElementsOf(all);
            assertThat(out.partnerNew.values()).allMatch(n -> n == 1);
            assertThat(out.deadLetters).as("only the record that is not Avro").isEqualTo(1);
            assertThat(hub.counters().rejectedCount()).isEqualTo(1);
            assertThat(hub.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        }
    }

    private Map<String, Object> hubSettings(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        settings.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url().toString());
        settings.put(AvroSerdeConfig.REQUEST_TIMEOUT_MS, 2_000);
        settings.put(HubConfig.TOPIC_PREFIX, prefix);
        settings.put(HubConfig.REGISTRY_WAIT, "PT1S");
        settings.put("application.id", prefix + "hub");
        settings.put("commit.interval.ms", 200);
        // A replaced thread's member stays in the group until its session expires: keep that short here.
        settings.put("consumer.session.timeout.ms", 10_000);
        settings.put("consumer.heartbeat.interval.ms", 1_000);
        return settings;
    }

    private void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static ThreatEvent event(String n) {
        return ThreatEvent.newBuilder()
                .setEventId(n)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue("c2-" + n + ".outage-test.com")
                .setObservedAt(Instant.now().minusSeconds(60))
                .setVendor("acme")
                .setSensorId("s-1")
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .build();
    }

    private static PartnerAgreement agreement() {
        return PartnerAgreement.newBuilder()
                .setPartnerId(PARTNER)
                .setPartnerName("Partner One")
                .setAgreementId("mou-p1")
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.RED)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }

    /** ThreatEvent as a newer sensor release writes it: one optional field more (BACKWARD compatible). */
    private static Schema withSensorBuild(Schema v1) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : v1.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(
                "sensorBuild",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Sensor software build, added in v2",
                Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    private static GenericRecord asV2(ThreatEvent event, Schema v2) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<ThreatEvent>(ThreatEvent.getClassSchema()).write(event, encoder);
            encoder.flush();
            GenericRecord record = new GenericDatumReader<GenericRecord>(ThreatEvent.getClassSchema(), v2)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
            record.put("sensorBuild", "7.2.0");
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hub's outputs as downstream readers see them (read_committed): NEW per indicator, dead letters. */
    private static final class OutputReader implements AutoCloseable {
        final Map<String, Integer> newIndicators = new HashMap<>();
        final Map<String, Integer> partnerNew = new HashMap<>();
        int deadLetters;
        private final ThreatlineTopics topics;
        private final KafkaConsumer<String, byte[]> consumer;
        private final ConfluentAvroDeserializer<Indicator> indicators;
        private final ConfluentAvroDeserializer<PartnerIndicator> partnerIndicators;
        private final SchemaRegistryClient client;

        OutputReader(ThreatlineTopics topics, Map<String, Object> serde) {
            this.topics = topics;
            this.client = new AvroSerdeConfig(serde).newClient();
            this.indicators = new ConfluentAvroDeserializer<>(client, Indicator.class, serde, false);
            this.partnerIndicators = new ConfluentAvroDeserializer<>(client, PartnerIndicator.class, serde, false);
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.indicators(), topics.partnerIndicators(PARTNER), topics.deadLetter())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Reads what is there; decoding needs the registry only for schemas not yet cached. */
        OutputReader poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topics.deadLetter())) {
                    deadLetters++;
                } else if (r.topic().equals(topics.indicators())) {
                    if (indicators.deserialize(r.topic(), r.value()).getAction() == LifecycleAction.NEW) {
                        newIndicators.merge(r.key(), 1, Integer::sum);
                    }
                } else {
                    PartnerIndicator shared = partnerIndicators.deserialize(r.topic(), r.value());
                    if (shared.getAction() == LifecycleAction.NEW) {
                        partnerNew.merge(shared.getIndicatorId(), 1, Integer::sum);
                    }
                }
            }
            return this;
        }

        @Override
        public void close() {
            consumer.close();
            client.close();
        }
    }
}
