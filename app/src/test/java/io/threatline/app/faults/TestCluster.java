package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka and schema registry a fault test runs against (the shared test platform, or a
 * platform the test starts and kills itself), with what the tests do to it: create Threatline's
 * topics, put agreements, tell whether a consumer group has read a topic to its end.
 */
public record TestCluster(String bootstrapServers, String registryUrl) {

    /** The shared test platform ({@link SharedPlatform}) of this JVM. */
    public static TestCluster shared() {
        return new TestCluster(
                SharedPlatform.bootstrapServers(), SharedPlatform.registryUrl().toString());
    }

    /** Threatline's topic names under a prefix of their own, {@code <name>-<random>.}, 3 partitions each. */
    public static ThreatlineTopics freshTopics(String name) {
        return new ThreatlineTopics(
                name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".", 3, (short) 1);
    }

    /** {@code --bootstrap-servers ... --schema-registry-url ...} for a {@code threatline} command. */
    public List<String> connectionArgs() {
        return List.of("--bootstrap-servers", bootstrapServers, "--schema-registry-url", registryUrl);
    }

    /**
     * {@code threatline hub ...} on this cluster: application id {@code <prefix>hub}, state in
     * {@code stateDir}, no ops endpoint, the shortest session timeout the broker allows (a killed
     * hub's tasks move on after it) and commits every 200 ms.
     */
    public List<String> hubArgs(String prefix, java.nio.file.Path stateDir) {
        List<String> args = new ArrayList<>(List.of("hub"));
        args.addAll(connectionArgs());
        args.addAll(List.of(
                "--topic-prefix",
                prefix,
                "--application-id",
                prefix + "hub",
                "--state-dir",
                stateDir.toString(),
                "--ops-port",
                "-1",
                "--set",
                "session.timeout.ms=6000",
                "--set",
                "commit.interval.ms=200"));
        return args;
    }

    /** Settings of a {@code ThreatPublisher} writing the sensor events of {@code topics}. */
    public Map<String, Object> publisherConfig(ThreatlineTopics topics) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(PublisherConfig.TOPIC, topics.sensorEvents());
        return config;
    }

    /** Creates the core topics and each partner's topics (ready for writes, KAFKA-15591). */
    public void createTopics(ThreatlineTopics topics, List<String> partners) {
        List<NewTopic> all = new ArrayList<>(topics.coreTopics());
        partners.forEach(p -> all.addAll(topics.partnerTopics(p, Duration.ofDays(7))));
        try (Admin admin = admin()) {
            TopicProvisioner.ensure(admin, all);
        }
    }

    /** Creates {@code topics} (ready for writes). */
    public void createTopics(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            TopicProvisioner.ensure(admin, topics);
        }
    }

    /** An agreement in force since 2026-01-01 granting indicators up to {@code ceiling} within {@code scope}. */
    public static PartnerAgreement agreement(
            String partnerId, Tlp ceiling, AgreementScope scope, List<ChannelSettings> channels) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partnerId)
                .setPartnerName(partnerId.toUpperCase(java.util.Locale.ROOT))
                .setAgreementId("MOU-" + partnerId)
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(ceiling)
                .setScope(scope)
                .setRedaction(Redaction.newBuilder().build())
                .setChannels(channels)
                .build();
    }

    public void putAgreements(ThreatlineTopics topics, List<PartnerAgreement> agreements) throws Exception {
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
        try (KafkaProducer<String, PartnerAgreement> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new StringSerializer(),
                values)) {
            for (PartnerAgreement agreement : agreements) {
                producer.send(new ProducerRecord<>(topics.agreements(), agreement.getPartnerId(), agreement))
                        .get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * How many records of {@code topic} the group {@code groupId} has not committed yet, summed over
     * partitions (for a topic written without transactions, 0 means it read everything there now).
     */
    public long lag(String groupId, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(60, TimeUnit.SECONDS);
            Map<TopicPartition, Long> end = endOffsets(admin, topic);
            return end.entrySet().stream()
                    .mapToLong(e -> {
                        OffsetAndMetadata c = committed.get(e.getKey());
                        return Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
                    })
                    .sum();
        }
    }

    /** The hub's group ({@code hubGroup}) read every sensor event, and nothing was dead-lettered. */
    public void assertHubReadAllAndNothingDeadLettered(String hubGroup, ThreatlineTopics topics, String context)
            throws Exception {
        assertThat(lag(hubGroup, topics.sensorEvents()))
                .as("sensor events the hub never read (%s)", context)
                .isZero();
        assertThat(records(topics.deadLetter()))
                .as("dead letters (%s)", context)
                .isZero();
    }

    /** Records in {@code topic} (end minus start offsets; markers of transactions included). */
    public long records(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> end = endOffsets(admin, topic);
            Map<TopicPartition, Long> start = offsets(admin, topic, OffsetSpec.earliest());
            return end.entrySet().stream()
                    .mapToLong(e -> e.getValue() - start.get(e.getKey()))
                    .sum();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        return offsets(admin, topic, OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) throws Exception {
        var description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toMap(Function.identity(), p -> spec));
        return admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Admin admin() {
        return Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrapServers));
    }
}
