package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.Erasure;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.privacy.Erasures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erasure on request through the whole hub topology (docs/data-protection.md): the holders get an
 * erased REVOKE, the state and the indicators topic lose the indicator (a tombstone is its last
 * record), sensors' sightings of it are refused without their content while the erasure stands, and
 * taken again once it is lifted.
 */
class HubErasureTest {

    private static final String VALUE = "phisher@example.org";
    private static final String ID = "email:" + VALUE;

    private HubTestDriver hub;
    private TestOutputTopic<String, PartnerIndicator> interpol;
    private TestOutputTopic<String, PartnerIndicator> nca;
    private TestInputTopic<String, Erasure> erasures;
    private TestInputTopic<byte[], byte[]> requests;

    @BeforeEach
    void start() {
        hub = new HubTestDriver();
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.AMBER), T0);
        hub.agreements.pipeInput("nca", HubTestDriver.agreement("nca", Tlp.CLEAR), T0);
        interpol = hub.partner("interpol");
        nca = hub.partner("nca");
        erasures = hub.driver.createInputTopic(
                HubTestDriver.TOPICS.erasures(), new StringSerializer(), hub.serdes.erasure.serializer());
        requests = hub.driver.createInputTopic(
                HubTestDriver.TOPICS.erasureRequests(), new ByteArraySerializer(), new ByteArraySerializer());
        hub.send(null, HubTestDriver.event("e1", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "acme"), T0);
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getAction)
                .containsExactly(LifecycleAction.NEW);
        assertThat(nca.readValuesToList()).as("above nca's ceiling").isEmpty();
        hub.indicators.readValuesToList();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void shouldRevokeForTheHoldersDropTheStateAndTombstoneTheIndicator() {
        // When an operator erases it: the erasure (by reference), then the request
        erase(T0.plusSeconds(10));

        // Then INTERPOL, which held it, gets a REVOKE marked erased; nca, which never held it, nothing
        assertThat(interpol.readValuesToList()).singleElement().satisfies(p -> {
            assertThat(p.getAction()).isEqualTo(LifecycleAction.REVOKE);
            assertThat(p.getErased()).isTrue();
        });
        assertThat(nca.readValuesToList()).isEmpty();
        // and the indicators topic gets the REVOKE, then the tombstone, its last record
        List<TestRecord<String, Indicator>> records = hub.indicators.readRecordsToList();
        assertThat(records).extracting(TestRecord::key).containsOnly(ID);
        assertThat(records.get(0).value().getAction()).isEqualTo(LifecycleAction.REVOKE);
        assertThat(records.get(records.size() - 1).value()).isNull();
        // and the hub's state no longer holds it
        assertThat(hub.driver
                        .<String, Object>getKeyValueStore(DedupProcessor.STATE_STORE)
                        .get(ID))
                .isNull();
        assertThat(hub.counters.erased.sum()).isEqualTo(1);
    }

    @Test
    void shouldRefuseSensorsSightingsWhileTheErasureStandsWithoutKeepingThemAndTakeThemOnceLifted() {
        Erasure erasure = erase(T0.plusSeconds(10));
        interpol.readValuesToList();
        hub.indicators.readValuesToList();

        // When a sensor reports it again, keyed by its value
        hub.send(ID, HubTestDriver.event("e2", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "acme"), T0.plusSeconds(20));

        // Then it is dead-lettered as erased, naming the reference, keeping neither the record's key nor its value
        List<TestRecord<String, DeadLetter>> letters = hub.deadLetters.readRecordsToList();
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.key()).isNull();
            assertThat(l.value().getReasonCode()).isEqualTo(Erasures.ERASED);
            assertThat(l.value().getReason())
                    .contains(HubTestDriver.KEY.ref(ID))
                    .doesNotContain(VALUE);
            assertThat(l.value().getOriginalKey()).isNull();
            assertThat(l.value().getOriginalValue()).isNull();
        });
        assertThat(hub.indicators.readValuesToList()).isEmpty();
        assertThat(interpol.readValuesToList()).isEmpty();

        // When the erasure is lifted, the next sighting is a new indicator again
        erasure.setLiftedBy("operator:alice");
        erasure.setLiftedAt(T0.plusSeconds(30));
        erasure.setLiftReason("request withdrawn");
        erasures.pipeInput(erasure.getIndicatorRef(), erasure, T0.plusSeconds(30));
        hub.send(
                null, HubTestDriver.event("e3", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "acme"), T0.plusSeconds(40));
        assertThat(hub.indicators.readValuesToList())
                .extracting(Indicator::getAction)
                .containsExactly(LifecycleAction.NEW);
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getAction, PartnerIndicator::getErased)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LifecycleAction.NEW, false));
    }

    @Test
    void shouldCountAnErasureMadeWithAnotherKeyWhichItCannotMatch() {
        Erasure foreign = new Erasure(
                "hmac-sha256:" + "0".repeat(64), "not-this-key", "REQ-2", "operator:bob", T0, null, null, null);
        erasures.pipeInput(foreign.getIndicatorRef(), foreign, T0.plusSeconds(5));
        assertThat(hub.counters.erasureKeyMismatches.sum()).isEqualTo(1);
        // and sightings of other indicators go on as before
        hub.send(
                null,
                HubTestDriver.event("e4", IndicatorType.DOMAIN, "c2.example.net", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(6));
        assertThat(hub.indicators.readValuesToList())
                .extracting(Indicator::getAction)
                .containsExactly(LifecycleAction.NEW);
    }

    @Test
    void shouldNotTreatASensorsRetractionWithTheErasureSensorIdAsAnErasure() {
        // A sensor may not use an operator's vendor name, so it cannot ask for an erasure: its event is refused
        ThreatEvent forged = HubTestDriver.event("e5", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "operator:mallory");
        forged.setSensorId(SensorSources.ERASURE_SENSOR);
        forged.setRetraction(true);
        hub.send(null, forged, T0.plusSeconds(5));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly("VENDOR_MISMATCH");
        assertThat(hub.indicators.readValuesToList()).isEmpty();
    }

    @Test
    void shouldTellAPartnerThatReceivedItBeforeButNoLongerHoldsItAndNobodyElse() {
        // Given the indicator revoked by its only vendor, so INTERPOL, which received it, no longer holds it
        ThreatEvent retraction = HubTestDriver.event("e6", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "acme");
        retraction.setRetraction(true);
        hub.send(null, retraction, T0.plusSeconds(5));
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getAction, PartnerIndicator::getErased)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LifecycleAction.REVOKE, false));

        // When it is erased, the request naming INTERPOL as a recipient (from its receipts)
        erase(T0.plusSeconds(10), List.of("interpol"), HubTestDriver.KEY.keyId());

        // Then INTERPOL hears it is erased, naming nothing but the indicator; nca, which never had it, hears nothing
        assertThat(interpol.readValuesToList()).singleElement().satisfies(p -> {
            assertThat(p.getAction()).isEqualTo(LifecycleAction.REVOKE);
            assertThat(p.getErased()).isTrue();
            assertThat(p.getIndicatorId()).isEqualTo(ID);
            assertThat(p.getMalwareFamilies()).isEmpty();
            assertThat(p.getVendors()).isEmpty();
        });
        assertThat(nca.readValuesToList()).isEmpty();
        List<TestRecord<String, Indicator>> records = hub.indicators.readRecordsToList();
        assertThat(records.get(records.size() - 1).value()).isNull();
    }

    @Test
    void shouldRecordTheErasureUnderItsOwnKeyWhenTheRequestWasMadeWithAnotherAndStillRefuseTheIndicator() {
        TestOutputTopic<String, Erasure> recorded =
                hub.output(HubTestDriver.TOPICS.erasures(), hub.serdes.erasure.deserializer());

        // When an erasure is requested by an operator whose key is not the hub's (its record the hub cannot match)
        erase(T0.plusSeconds(10), List.of(), "another-key-id");

        // Then the hub records it under its own key
        assertThat(recorded.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(HubTestDriver.KEY.ref(ID));
            assertThat(r.value().getKeyId()).isEqualTo(HubTestDriver.KEY.keyId());
            assertThat(r.value().getReason()).contains("another-key-id");
        });
        // and (once that record is read back, as the erasures topic is) refuses the indicator from sensors
        Erasure own = new Erasure(
                HubTestDriver.KEY.ref(ID),
                HubTestDriver.KEY.keyId(),
                "recorded by the hub",
                "operator:alice",
                T0.plusSeconds(10),
                null,
                null,
                null);
        erasures.pipeInput(own.getIndicatorRef(), own, T0.plusSeconds(11));
        hub.indicators.readValuesToList();
        hub.send(
                null, HubTestDriver.event("e7", IndicatorType.EMAIL, VALUE, Tlp.GREEN, 80, "acme"), T0.plusSeconds(20));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(Erasures.ERASED);
        assertThat(hub.indicators.readValuesToList()).isEmpty();
    }

    @Test
    void shouldRefuseAPartnersReportOfAnErasedIndicatorWithoutKeepingItsContentAndReceiptTheRefusal() {
        // Given INTERPOL may report sightings, and the indicator is erased
        io.threatline.contract.PartnerAgreement terms = HubTestDriver.agreement("interpol", Tlp.AMBER);
        terms.setInbound(new io.threatline.contract.InboundTerms(
                List.of(io.threatline.contract.ReportKind.SIGHTING), Tlp.AMBER, false));
        hub.agreements.pipeInput("interpol", terms, T0.plusSeconds(1));
        erase(T0.plusSeconds(10));
        interpol.readValuesToList();
        hub.indicators.readValuesToList();
        TestOutputTopic<String, io.threatline.contract.DeliveryReceipt> receipts =
                hub.output(HubTestDriver.TOPICS.deliveryReceiptRequests(), hub.serdes.deliveryReceipt.deserializer());

        // When INTERPOL reports a sighting of it
        hub.report(
                "interpol",
                io.threatline.contract.PartnerReport.newBuilder()
                        .setReportId("r-1")
                        .setKind(io.threatline.contract.ReportKind.SIGHTING)
                        .setIndicatorType(IndicatorType.EMAIL)
                        .setIndicatorValue(VALUE)
                        .setCount(2)
                        .setLastSeen(T0)
                        .setTlp(Tlp.GREEN)
                        .build(),
                T0.plusSeconds(20));

        // Then it is refused as erased: the dead letter keeps neither key nor value, the receipt says why by the
        // partner's own report id, and nothing changes
        List<TestRecord<String, DeadLetter>> letters = hub.deadLetters.readRecordsToList();
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.key()).isNull();
            assertThat(l.value().getReasonCode()).isEqualTo(Erasures.ERASED);
            assertThat(l.value().getOriginalKey()).isNull();
            assertThat(l.value().getOriginalValue()).isNull();
            assertThat(l.value().getReason()).doesNotContain(VALUE);
        });
        assertThat(receipts.readValuesToList())
                .singleElement()
                .satisfies(r -> assertThat(r.getRecordIds()).containsExactly("refused:" + Erasures.ERASED + ":r-1"));
        assertThat(hub.indicators.readValuesToList()).isEmpty();
        assertThat(interpol.readValuesToList()).isEmpty();
    }

    /** What `threatline indicators erase` writes: the erasure, by reference, then the request to the hub. */
    private Erasure erase(Instant at) {
        return erase(at, List.of(), HubTestDriver.KEY.keyId());
    }

    private Erasure erase(Instant at, List<String> recipients, String keyId) {
        String ref = HubTestDriver.KEY.ref(ID);
        Erasure erasure =
                new Erasure(ref, HubTestDriver.KEY.keyId(), "REQ-2026-117", "operator:alice", at, null, null, null);
        if (keyId.equals(HubTestDriver.KEY.keyId())) {
            erasures.pipeInput(ref, erasure, at);
        }
        List<String> tags = new java.util.ArrayList<>();
        tags.add(SensorSources.ERASURE_KEY_TAG + keyId);
        recipients.forEach(p -> tags.add(SensorSources.ERASURE_RECIPIENT_TAG + p));
        ThreatEvent request = ThreatEvent.newBuilder()
                .setEventId("operator-erase-1")
                .setIndicatorType(IndicatorType.EMAIL)
                .setIndicatorValue(VALUE)
                .setObservedAt(at)
                .setVendor("operator:alice")
                .setSensorId(SensorSources.ERASURE_SENSOR)
                .setConfidence(100)
                .setTlp(Tlp.CLEAR)
                .setRetraction(true)
                .setRetractionReason("erased on a data-protection request")
                .setTags(tags)
                .build();
        hub.clockTo(at);
        requests.pipeInput(
                ID.getBytes(StandardCharsets.UTF_8),
                hub.serdes.threatEvent.serializer().serialize(HubTestDriver.TOPICS.erasureRequests(), request),
                at);
        return erasure;
    }
}
