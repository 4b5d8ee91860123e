package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.TOPICS;
import static io.threatline.streams.topology.HubTestDriver.agreement;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sensor speaks only for itself (issue 11, docs/security.md): the vendor is the one whose topic
 * the event came from, a vendor's retraction withdraws only its own sightings, and only the
 * operator revokes what other vendors still assert.
 */
class HubSensorSourcesTest {

    private final HubTestDriver hub = new HubTestDriver();
    private final TestInputTopic<byte[], byte[]> acme = topic(TOPICS.vendorEvents("acme"));
    private final TestInputTopic<byte[], byte[]> northwind = topic(TOPICS.vendorEvents("northwind"));
    private final TestInputTopic<byte[], byte[]> operator = topic(TOPICS.operatorActions());

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldDeadLetterAnEventOnAVendorsTopicThatNamesAnotherVendor() {
        send(acme, event("e1", IndicatorType.DOMAIN, "claimed.example.com", Tlp.GREEN, 80, "northwind"));
        send(acme, event("e2", IndicatorType.DOMAIN, "own.example.com", Tlp.GREEN, 80, "acme"));

        DeadLetter letter = hub.deadLetters.readValue();
        assertThat(letter.getReasonCode()).isEqualTo("VENDOR_MISMATCH");
        assertThat(letter.getReason()).contains("names vendor 'northwind'").contains("topic of vendor 'acme'");
        assertThat(letter.getSourceTopic()).isEqualTo("ti.vendor.acme.events.v1");
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.indicators.readValue().getVendors()).containsExactly("acme");
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseAnOperatorsNameFromAnySensorAndAnythingButARetractionOnTheOperatorsTopic() {
        ThreatEvent posing =
                retraction(event("e1", IndicatorType.DOMAIN, "x.example.com", Tlp.GREEN, 80, "operator:alice"));
        hub.send(null, posing, T0);
        send(acme, posing);
        send(operator, event("e2", IndicatorType.DOMAIN, "x.example.com", Tlp.GREEN, 80, "operator:alice"));
        send(operator, retraction(event("e3", IndicatorType.DOMAIN, "x.example.com", Tlp.GREEN, 80, "acme")));

        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(
                        "VENDOR_MISMATCH", "VENDOR_MISMATCH", "OPERATOR_ACTION_INVALID", "OPERATOR_ACTION_INVALID");
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    @Test
    void shouldWithdrawOnlyTheRetractingVendorsSightingsAndRevokeOnceNoVendorAssertsIt() {
        // Given an indicator two vendors reported, which a partner holds
        hub.agreements.pipeInput("interpol", agreement("interpol", Tlp.GREEN));
        var partner = hub.partner("interpol");
        send(acme, event("a1", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "acme"));
        send(northwind, event("n1", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "northwind"));
        assertThat(partner.readValuesToList())
                .extracting(p -> p.getAction().toString())
                .containsExactly("NEW", "UPDATE");

        // When one vendor retracts it, and a vendor that never reported it retracts it too
        send(northwind, retraction(event("n2", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "northwind")));
        send(
                topic(TOPICS.vendorEvents("mallory")),
                retraction(event("m1", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "mallory")));

        // Then only the retracting vendor's sightings leave; the partner keeps the indicator
        PartnerIndicator withdrawn = partner.readValue();
        assertThat(withdrawn.getAction().toString()).isEqualTo("UPDATE");
        assertThat(partner.isEmpty()).isTrue();
        List<io.threatline.contract.Indicator> changes = hub.indicators.readValuesToList();
        assertThat(changes.get(changes.size() - 1).getVendors()).containsExactly("acme");
        assertThat(changes.get(changes.size() - 1).getSensors()).containsExactly("acme/sensor-1");

        // and when the last vendor retracts it, the partner is told to revoke it
        send(acme, retraction(event("a2", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "acme")));
        assertThat(partner.readValue().getAction().toString()).isEqualTo("REVOKE");
        assertThat(partner.isEmpty()).isTrue();
        assertThat(hub.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRevokeOnTheOperatorsRetractionWhateverTheVendorsSay() {
        hub.agreements.pipeInput("interpol", agreement("interpol", Tlp.GREEN));
        var partner = hub.partner("interpol");
        send(acme, event("a1", IndicatorType.DOMAIN, "fp.example.com", Tlp.GREEN, 80, "acme"));
        send(northwind, event("n1", IndicatorType.DOMAIN, "fp.example.com", Tlp.GREEN, 80, "northwind"));
        partner.readValuesToList();

        ThreatEvent revoke = ThreatEvent.newBuilder(retraction(
                        event("op-1", IndicatorType.DOMAIN, "fp[.]example.com", Tlp.GREEN, 100, "operator:alice")))
                .setRetractionReason("false positive: a CDN's shared address (ticket 4711)")
                .build();
        send(operator, revoke);

        List<PartnerIndicator> after = partner.readValuesToList();
        assertThat(after)
                .extracting(p -> p.getIndicatorId() + " " + p.getAction())
                .containsExactly("domain:fp.example.com REVOKE");
        assertThat(hub.deadLetters.isEmpty()).isTrue();
    }

    private TestInputTopic<byte[], byte[]> topic(String name) {
        return hub.driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void send(TestInputTopic<byte[], byte[]> topic, ThreatEvent event) {
        topic.pipeInput(null, hub.serdes.threatEvent.serializer().serialize(TOPICS.sensorEvents(), event), T0);
    }

    private static ThreatEvent retraction(ThreatEvent event) {
        return ThreatEvent.newBuilder(event).setRetraction(true).build();
    }
}
