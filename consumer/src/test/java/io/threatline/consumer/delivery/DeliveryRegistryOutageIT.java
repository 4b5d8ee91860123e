package io.threatline.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.testing.RestartableRegistry;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery service with a real schema registry over HTTP that goes away and comes back. What it
 * reads while the registry is down carries schema ids it has not cached (written by a newer hub
 * release); nothing of it is dead-lettered for the outage or lost: the partner's feed is held and
 * retried, then delivered exactly once, each record with its receipt, when the registry is back.
 */
class DeliveryRegistryOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> SETTINGS = Map.of("url", "https://siem.example/hook");

    private RestartableRegistry registry;
    private DeliveryFixture fixture;
    private RecordingSink.Factory factory;
    private DeliveryService service;
    private ConfluentAvroSerializer<Object> generic;

    @BeforeEach
    void setUp() {
        registry = RestartableRegistry.start();
        fixture = new DeliveryFixture(registry.url());
        factory = new RecordingSink.Factory(DeliveryChannel.WEBHOOK);
        generic = new ConfluentAvroSerializer<>(
                new io.threatline.schemas.serde.AvroSerdeConfig(fixture.client).newClient(), fixture.client, false);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        fixture.close();
        registry.close();
    }

    @Test
    void shouldHoldAFeedItCannotReadWhileTheRegistryIsDownAndDeliverItAllOnceWhenItIsBack() throws Exception {
        // Given a running service that has delivered bravo's first records and dead-lettered one that is not Avro (so
        // it
        // knows the schemas of today's hub, its receipts and dead letters)
        fixture.createPartnerTopics("alpha", "bravo");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.putAgreement(DeliveryFixture.agreement("bravo", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
        fixture.send(fixture.topics.partnerIndicators("bravo"), "garbage", garbage);
        List<String> bravo = new ArrayList<>(fixture.publishIndicators("bravo", 0, 10, 1));
        start();
        await().atMost(WAIT)
                .until(() -> factory.sink("bravo").deliveredIds().size() == 10
                        && deadLetters("bravo").size() == 1);

        // and alpha's records written by a newer hub release (a compatible PartnerIndicator v2, a schema id the service
        // has not read), followed by one that is not Avro either, all in one partition
        Schema v2 = withExtraField(PartnerIndicator.getClassSchema(), "hubBuild");
        String alphaTopic = fixture.topics.partnerIndicators("alpha");
        List<String> alpha = new ArrayList<>();
        List<byte[]> alphaBytes = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            PartnerIndicator indicator = DeliveryFixture.indicator("alpha", n, 1);
            alpha.add(indicator.getIndicatorId());
            alphaBytes.add(generic.serialize(alphaTopic, asNewer(indicator, v2, "hubBuild")));
        }

        // When the registry goes away and those records arrive (and some more of bravo's, in today's schema)
        registry.stop();
        for (int n = 0; n < alphaBytes.size(); n++) {
            fixture.send(alphaTopic, 0, alpha.get(n), alphaBytes.get(n));
        }
        fixture.send(alphaTopic, 0, "garbage", garbage);
        bravo.addAll(fixture.publishIndicators("bravo", 10, 15, 1));

        // Then alpha's feed is held — failing, retried, nothing delivered, dead-lettered or committed — while bravo's
        // flows
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(deadLetters("alpha"))
                    .as("nothing valid is dead-lettered for the outage")
                    .isEmpty();
            return alphaCounters().failingSince.get() > 0
                    && alphaCounters().retries.sum() >= 3;
        });
        await().atMost(WAIT).until(() -> factory.sink("bravo").deliveredIds().size() == 15);
        assertThat(factory.sink("alpha").attemptedKeys)
                .as("nothing of alpha reaches its channel")
                .isEmpty();
        assertThat(committed("alpha")).isZero();
        assertThat(service.runningWorkers()).contains("alpha/WEBHOOK", "bravo/WEBHOOK");
        assertThat(service.counters().summary()).contains("alpha/WEBHOOK 0", "FAILING");

        // When the registry comes back
        registry.restart();

        // Then all 30 reach alpha exactly once, only the record that is not Avro is dead-lettered, and the feed is
        // healthy
        await().atMost(WAIT).until(() -> committed("alpha") == 31);
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyInAnyOrderElementsOf(alpha);
        assertThat(deadLetters("alpha")).singleElement().satisfies(l -> {
            assertThat(l.getReasonCode()).isEqualTo("DESERIALIZATION_FAILED");
            assertThat(l.getReason()).contains("magic byte");
            assertThat(l.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
        });
        assertThat(factory.sink("bravo").deliveredIds()).containsExactlyInAnyOrderElementsOf(bravo);
        await().atMost(WAIT).until(() -> alphaCounters().failingSince.get() == 0);
        await().atMost(WAIT)
                .until(() -> AuditVerifier.verify(
                                        "alpha",
                                        receipts(),
                                        Instant.EPOCH,
                                        Instant.now().plusSeconds(60))
                                .recordIds()
                                .size()
                        == 30);
        AuditVerifier.Report report = AuditVerifier.verify(
                "alpha", receipts(), Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(report.intact()).as("breaks: %s", report.breaks()).isTrue();
        assertThat(report.recordIds()).containsExactlyInAnyOrderElementsOf(DeliveryFixture.refs(alpha));
    }

    @Test
    void shouldHoldABadRecordWhoseDeadLetterTheRegistryCannotTakeYetAndDeadLetterItOnceItCan() throws Exception {
        // Given alpha being delivered, its dead-letter topic never written (its subject not registered)
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        List<String> ids = new ArrayList<>(fixture.publishIndicators("alpha", 0, 5, 1));
        start();
        await().atMost(WAIT).until(() -> factory.sink("alpha").deliveredIds().size() == 5);
        String alphaTopic = fixture.topics.partnerIndicators("alpha");
        List<byte[]> later = new ArrayList<>();
        for (int n = 5; n < 10; n++) {
            PartnerIndicator indicator = DeliveryFixture.indicator("alpha", n, 1);
            ids.add(indicator.getIndicatorId());
            later.add(fixture.serdes.partnerIndicator.serializer().serialize(alphaTopic, indicator));
        }
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);

        // When, with the registry down, a record that is not Avro arrives, and good ones after it
        registry.stop();
        fixture.send(alphaTopic, 0, "garbage", garbage);
        for (int i = 0; i < later.size(); i++) {
            fixture.send(alphaTopic, 0, ids.get(5 + i), later.get(i));
        }

        // Then the worker holds at the bad record (its dead letter cannot be written yet) instead of dying or skipping
        // it
        await().atMost(WAIT)
                .until(() -> alphaCounters().failingSince.get() > 0
                        && alphaCounters().retries.sum() >= 3);
        assertThat(factory.sink("alpha").deliveredIds()).hasSize(5);
        assertThat(committed("alpha")).isEqualTo(5);
        assertThat(service.runningWorkers()).contains("alpha/WEBHOOK");

        // When the registry comes back, the bad record is dead-lettered with its reason and the good ones are delivered
        registry.restart();
        await().atMost(WAIT).until(() -> committed("alpha") == 11);
        assertThat(deadLetters("alpha")).singleElement().satisfies(l -> {
            assertThat(l.getReasonCode()).isEqualTo("DESERIALIZATION_FAILED");
            assertThat(l.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
        });
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void shouldResumeAPartnerWhoseNewAgreementCouldNotBeReadWhileTheRegistryWasDown() throws Exception {
        // Given alpha being delivered under agreement v1
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        List<String> ids = new ArrayList<>(fixture.publishIndicators("alpha", 0, 5, 1));
        start();
        await().atMost(WAIT).until(() -> factory.sink("alpha").deliveredIds().size() == 5);

        // When, with the registry down, its agreement v2 arrives — written with a newer PartnerAgreement schema
        PartnerAgreement v2Agreement = DeliveryFixture.agreement("alpha", 2, DeliveryChannel.WEBHOOK, SETTINGS);
        byte[] newer = generic.serialize(
                fixture.topics.agreements(),
                asNewer(v2Agreement, withExtraField(PartnerAgreement.getClassSchema(), "signedBy"), "signedBy"));
        registry.stop();
        fixture.send(fixture.topics.agreements(), "alpha", newer);

        // Then alpha's delivery stops (an agreement that cannot be read grants nothing), and what arrives waits
        await().atMost(WAIT).until(() -> !service.runningWorkers().contains("alpha/WEBHOOK"));
        ids.addAll(fixture.publishIndicators("alpha", 5, 10, 2));

        // When the registry comes back, the agreement is read after all and alpha's delivery resumes by itself
        registry.restart();
        await().atMost(WAIT).until(() -> factory.sink("alpha").deliveredIds().size() == 10);
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(service.runningWorkers()).contains("alpha/WEBHOOK");
    }

    private void start() throws InterruptedException {
        service = new DeliveryService(fixture.deliverySettings(), List.of(factory));
        service.start();
    }

    private List<DeadLetter> deadLetters(String partnerId) {
        return fixture.readValues(
                fixture.topics.partnerDeadLetter(partnerId), fixture.serdes.deadLetter.deserializer());
    }

    private DeliveryCounters.Channel alphaCounters() {
        return service.counters().channel("alpha", "WEBHOOK");
    }

    private List<DeliveryReceipt> receipts() throws InterruptedException {
        return fixture.receipts(service);
    }

    private long committed(String partnerId) throws Exception {
        String group = fixture.topics.prefix() + "deliver." + partnerId + ".webhook";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", fixture.client.get("bootstrap.servers")))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(fixture.topics.partnerIndicators(partnerId))
                            && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    /** The schema as a newer release writes it: one optional string field more (compatible both ways). */
    private static Schema withExtraField(Schema schema, String field) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(
                field,
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added by a newer release",
                Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static <T extends SpecificRecord> GenericRecord asNewer(T record, Schema newer, String field) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
            encoder.flush();
            GenericRecord generic = new GenericDatumReader<GenericRecord>(record.getSchema(), newer)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
            generic.put(field, "v2");
            return generic;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
