package io.threatline.consumer.delivery;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
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

/**
 * Test fixture on the shared real broker and registry: a fresh topic prefix per test, partner
 * topics, agreements and partner indicators written the way the hub writes them, and readers.
 */
public final class DeliveryFixture implements AutoCloseable {

    public final ThreatlineTopics topics;
    public final Map<String, Object> client;
    public final ConsumerSerdes serdes;
    private final KafkaProducer<String, byte[]> producer;

    public DeliveryFixture() {
        this(SharedPlatform.registryUrl());
    }

    /** On the shared broker with the given registry (one that a test stops and starts, say). */
    public DeliveryFixture(java.net.URI registryUrl) {
        this.topics = new ThreatlineTopics("t" + UUID.randomUUID().toString().substring(0, 8) + ".", 2, (short) 1);
        this.client = new HashMap<>();
        client.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        client.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl.toString());
        this.serdes = ConsumerSerdes.from(client);
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        List<NewTopic> all = new ArrayList<>(topics.coreTopics());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, all);
        }
    }

    /** Delivery settings for a service on this fixture's topics, with fast retries. */
    public Map<String, Object> deliverySettings() {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(DeliveryConfig.TOPIC_PREFIX, topics.prefix());
        settings.put(DeliveryConfig.GROUP_PREFIX, topics.prefix() + "deliver");
        settings.put(DeliveryConfig.BACKOFF_INITIAL, "PT0.05S");
        settings.put(DeliveryConfig.BACKOFF_MAX, "PT0.2S");
        settings.put(DeliveryConfig.BATCH_MAX_RECORDS, 50);
        settings.put(io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING, KEY_FILE.toString());
        return settings;
    }

    /** The deployment's indicator key in these tests, and its file, which delivery is given. */
    public static final io.threatline.schemas.privacy.IndicatorKey KEY;

    private static final java.nio.file.Path KEY_FILE;

    static {
        try {
            KEY_FILE = java.nio.file.Files.createTempDirectory("delivery-test-indicator-key")
                    .resolve("indicator-key");
            KEY_FILE.toFile().deleteOnExit();
            KEY = io.threatline.schemas.privacy.IndicatorKey.ensure(KEY_FILE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Record ids as receipts name them: by keyed hash, never by value (docs/data-protection.md). */
    public static List<String> refs(java.util.Collection<String> ids) {
        return ids.stream().map(KEY::ref).toList();
    }

    public void createPartnerTopics(String... partnerIds) {
        List<NewTopic> all = new ArrayList<>();
        for (String p : partnerIds) {
            all.addAll(topics.partnerTopics(p, Duration.ofDays(7)));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, all);
        }
    }

    public static PartnerAgreement agreement(
            String partnerId, int version, DeliveryChannel channel, Map<String, String> settings) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partnerId)
                .setPartnerName(partnerId.toUpperCase())
                .setAgreementId("MOU-" + partnerId)
                .setVersion(version)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setValidUntil(null)
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.AMBER)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .setChannels(List.of(io.threatline.contract.ChannelSettings.newBuilder()
                        .setChannel(channel)
                        .setSettings(settings)
                        .build()))
                .build();
    }

    public void putAgreement(PartnerAgreement agreement) {
        send(
                topics.agreements(),
                agreement.getPartnerId(),
                serdes.agreement.serializer().serialize(topics.agreements(), agreement));
    }

    public void endAgreement(String partnerId) {
        send(topics.agreements(), partnerId, null);
    }

    public static PartnerIndicator indicator(String partnerId, int n, int agreementVersion) {
        String value = "198.51.100." + (n % 250) + "-" + n;
        Instant seen = Instant.parse("2026-11-20T10:00:00Z").plusSeconds(n);
        return PartnerIndicator.newBuilder()
                .setPartnerId(partnerId)
                .setAgreementId("MOU-" + partnerId)
                .setAgreementVersion(agreementVersion)
                .setIndicatorId("domain:host" + n + ".example.com")
                .setType(IndicatorType.DOMAIN)
                .setValue("host" + n + ".example.com")
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(seen)
                .setLastSeen(seen)
                .setValidUntil(seen.plus(Duration.ofDays(90)))
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setSharedAt(seen.plusSeconds(1))
                .build();
    }

    /** Writes indicators {@code from..to-1} to the partner's topic, keyed by indicator id. */
    public List<String> publishIndicators(String partnerId, int from, int to, int agreementVersion) {
        List<String> ids = new ArrayList<>();
        String topic = topics.partnerIndicators(partnerId);
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int n = from; n < to; n++) {
            PartnerIndicator indicator = indicator(partnerId, n, agreementVersion);
            ids.add(indicator.getIndicatorId());
            acks.add(producer.send(new ProducerRecord<>(
                    topic,
                    indicator.getIndicatorId(),
                    serdes.partnerIndicator.serializer().serialize(topic, indicator))));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> ack : acks) {
            try {
                ack.get();
            } catch (Exception e) {
                throw new IllegalStateException("a test record was not written to " + topic, e);
            }
        }
        return ids;
    }

    public void send(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** Writes to the given partition, for tests that need records in one order. */
    public void send(String topic, int partition, String key, byte[] value) {
        send(new ProducerRecord<>(topic, partition, key, value));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record now in {@code topic}, values decoded with {@code decode}. */
    /**
     * The receipts in the audit topic once every receipt handed in so far is chained (by {@code
     * service}'s audit sequencer or another's); with no service running, as they are.
     */
    public List<io.threatline.contract.DeliveryReceipt> receipts(DeliveryService service) throws InterruptedException {
        if (service != null && service.sequencer() != null) {
            org.assertj.core.api.Assertions.assertThat(
                            service.sequencer().awaitChained(java.time.Duration.ofSeconds(60)))
                    .as("receipts handed in but not chained within 60 s")
                    .isZero();
        }
        return readValues(topics.deliveryAudit(), serdes.receipt.deserializer());
    }

    public <T> List<T> readAll(String topic, java.util.function.BiFunction<String, byte[], T> decode) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(decode.apply(r.key(), r.value()));
                }
            }
        }
        return out;
    }

    public <T extends SpecificRecord> List<T> readValues(
            String topic, org.apache.kafka.common.serialization.Deserializer<T> deserializer) {
        return readAll(topic, (k, v) -> v == null ? null : deserializer.deserialize(topic, v));
    }

    @Override
    public void close() {
        producer.close();
        serdes.close();
    }
}
