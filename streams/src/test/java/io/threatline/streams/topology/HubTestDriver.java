package io.threatline.streams.topology;

import io.threatline.contract.DataKind;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import io.threatline.streams.enrich.ReferenceEnrichment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The hub topology under TopologyTestDriver with the production configuration and an in-memory registry. */
final class HubTestDriver implements AutoCloseable {

    static final ThreatlineTopics TOPICS = ThreatlineTopics.defaults();
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    /** The deployment's indicator key in these tests, and its file, which the hub is given. */
    static final io.threatline.schemas.privacy.IndicatorKey KEY;

    static final java.nio.file.Path KEY_FILE;

    static {
        try {
            KEY_FILE = java.nio.file.Files.createTempDirectory("hub-test-indicator-key")
                    .resolve("indicator-key");
            KEY_FILE.toFile().deleteOnExit();
            KEY = io.threatline.schemas.privacy.IndicatorKey.ensure(KEY_FILE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    final TopologyTestDriver driver;
    final HubSerdes serdes;
    final HubCounters counters = new HubCounters();
    final TestInputTopic<byte[], byte[]> rawEvents;
    final TestInputTopic<String, PartnerAgreement> agreements;
    final TestInputTopic<String, io.threatline.contract.reference.FamilyAlias> familyAliases;
    final TestInputTopic<String, io.threatline.contract.reference.IpRange> ipRanges;
    final TestInputTopic<String, io.threatline.contract.reference.BenignEntry> benign;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<String, Indicator> indicators;

    HubTestDriver(Map<String, Object> hubSettings) {
        this(hubSettings, new InMemorySchemaRegistryClient());
    }

    /** With the registry client the hub's serdes use (and the test's, which share them). */
    HubTestDriver(Map<String, Object> hubSettings, SchemaRegistryClient registry) {
        this(hubSettings, registry, ReferenceEnrichment.fromGlobalStores());
    }

    /** With the reference-data lookups the dedup stage uses. */
    HubTestDriver(
            Map<String, Object> hubSettings,
            SchemaRegistryClient registry,
            java.util.function.Function<
                            org.apache.kafka.streams.processor.api.ProcessorContext<?, ?>,
                            io.threatline.streams.enrich.Enrichment>
                    enrichment) {
        serdes = new HubSerdes(registry, Map.of());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hub-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        Map<String, Object> settings = new java.util.HashMap<>(hubSettings);
        settings.putIfAbsent(io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING, KEY_FILE.toString());
        props.putAll(settings);
        HubConfig config = new HubConfig(settings);
        HubApp.errorHandlers(props, config, serdes, counters);
        // The hub judges time on its own clock; the test's clock starts at T0 and moves as records are sent (send).
        driver = new TopologyTestDriver(HubTopology.build(config, serdes, counters, enrichment, clock), props, T0);
        rawEvents =
                driver.createInputTopic(TOPICS.sensorEvents(), new ByteArraySerializer(), new ByteArraySerializer());
        agreements =
                driver.createInputTopic(TOPICS.agreements(), new StringSerializer(), serdes.agreement.serializer());
        familyAliases = driver.createInputTopic(
                TOPICS.reference(io.threatline.schemas.topics.ReferenceKind.FAMILY_ALIASES),
                new StringSerializer(),
                serdes.familyAlias.serializer());
        ipRanges = driver.createInputTopic(
                TOPICS.reference(io.threatline.schemas.topics.ReferenceKind.IP_RANGES),
                new StringSerializer(),
                serdes.ipRange.serializer());
        benign = driver.createInputTopic(
                TOPICS.reference(io.threatline.schemas.topics.ReferenceKind.BENIGN),
                new StringSerializer(),
                serdes.benignEntry.serializer());
        deadLetters = driver.createOutputTopic(
                TOPICS.deadLetter(), new StringDeserializer(), serdes.deadLetter.deserializer());
        indicators = driver.createOutputTopic(
                TOPICS.indicators(), new StringDeserializer(), serdes.indicator.deserializer());
    }

    HubTestDriver() {
        this(Map.of());
    }

    TestOutputTopic<String, PartnerIndicator> partner(String partnerId) {
        return driver.createOutputTopic(
                TOPICS.partnerIndicators(partnerId), new StringDeserializer(), serdes.partnerIndicator.deserializer());
    }

    /** Sends a partner's report to its inbound topic, as the partner (or the TAXII server) writes it. */
    void report(String partnerId, io.threatline.contract.PartnerReport report, Instant at) {
        clockTo(at);
        String topic = TOPICS.partnerInbound(partnerId);
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(null, serdes.partnerReport.serializer().serialize(topic, report), at);
    }

    <T> TestOutputTopic<String, T> output(String topic, org.apache.kafka.common.serialization.Deserializer<T> values) {
        return driver.createOutputTopic(topic, new StringDeserializer(), values);
    }

    /** Sends the event as a publisher would: keyed by the given key, Avro in the wire format. */
    void send(String key, ThreatEvent event, Instant at) {
        clockTo(at);
        rawEvents.pipeInput(
                key == null ? null : key.getBytes(),
                serdes.threatEvent.serializer().serialize(TOPICS.sensorEvents(), event),
                at);
    }

    void sendBytes(String key, byte[] value, Instant at) {
        clockTo(at);
        rawEvents.pipeInput(key == null ? null : key.getBytes(), value, at);
    }

    /** The hub's clock moves to {@code at} (never back), running its wall-clock punctuations on the way. */
    void clockTo(Instant at) {
        long ahead = at.toEpochMilli() - now().toEpochMilli();
        if (ahead > 0) {
            advance(java.time.Duration.ofMillis(ahead));
        }
    }

    /** Moves the hub's clock on by {@code step}, running its wall-clock punctuations (the reconciler's and the embargo's). */
    void advance(java.time.Duration step) {
        clockNow = clockNow.plus(step);
        driver.advanceWallClockTime(step);
    }

    Instant now() {
        return clockNow;
    }

    private Instant clockNow = T0;

    /** The hub's clock: the driver's wall clock, which only {@link #advance} moves. */
    private final java.time.Clock clock = new java.time.Clock() {
        @Override
        public Instant instant() {
            return clockNow;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    };

    static ThreatEvent event(
            String id, IndicatorType type, String value, Tlp tlp, int confidence, String vendor, String... families) {
        return ThreatEvent.newBuilder()
                .setEventId(id)
                .setIndicatorType(type)
                .setIndicatorValue(value)
                .setObservedAt(T0)
                .setVendor(vendor)
                .setSensorId("sensor-1")
                .setConfidence(confidence)
                .setTlp(tlp)
                .setMalwareFamilies(List.of(families))
                .build();
    }

    static PartnerAgreement agreement(String partnerId, Tlp ceiling) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partnerId)
                .setPartnerName(partnerId)
                .setAgreementId("mou-" + partnerId)
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setValidUntil(Instant.parse("2029-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(ceiling)
                .setScope(io.threatline.contract.AgreementScope.newBuilder().build())
                .setRedaction(io.threatline.contract.Redaction.newBuilder().build())
                .build();
    }

    @Override
    public void close() {
        driver.close();
    }
}
