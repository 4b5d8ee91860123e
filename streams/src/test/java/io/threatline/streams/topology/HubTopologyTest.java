package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.streams.HubConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubTopologyTest {

    private HubTestDriver hub = new HubTestDriver();

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldDeadLetterBytesThatAreNotAvroKeepingThemAndWhereTheyCameFrom() {
        byte[] json = "{\"indicator\":\"1.2.3.4\"}".getBytes();

        hub.sendBytes("ipv4:1.2.3.4", json, T0);

        TestRecord<String, DeadLetter> letter = hub.deadLetters.readRecord();
        assertThat(letter.key()).isEqualTo("ipv4:1.2.3.4");
        assertThat(letter.value().getReasonCode()).isEqualTo("DESERIALIZATION_FAILED");
        assertThat(letter.value().getReason()).contains("Unknown magic byte 0x7b");
        assertThat(letter.value().getSourceTopic()).isEqualTo("ti.sensor-events.v1");
        assertThat(letter.value().getSourcePartition()).isZero();
        assertThat(letter.value().getSourceOffset()).isZero();
        assertThat(letter.value().getOriginalValue()).isEqualTo(ByteBuffer.wrap(json));
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnEventThatBreaksTheContractAndGoOnWithTheNext() {
        hub.send("ipv4:300.1.2.3", event("e1", IndicatorType.IPV4, "300.1.2.3", Tlp.GREEN, 80, "acme"), T0);
        hub.send("ipv4:198.51.100.7", event("e2", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme"), T0);

        DeadLetter letter = hub.deadLetters.readValue();
        assertThat(letter.getReason()).contains("300.1.2.3");
        assertThat(letter.getStage()).isEqualTo("validate");
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.indicators.readValue().getId()).isEqualTo("ipv4:198.51.100.7");
        assertThat(hub.indicators.isEmpty()).isTrue();
        assertThat(hub.counters.rejectedCount()).isEqualTo(1);
    }

    @Test
    void shouldEmitNewOnceAndNothingForRepeatsOfTheSameIndicator() {
        ThreatEvent first =
                event("e1", IndicatorType.DOMAIN, "c2.shylock-example[.]com", Tlp.GREEN, 80, "acme", "Shylock");

        hub.send("domain:c2.shylock-example.com", first, T0);
        hub.send(
                "domain:c2.shylock-example.com",
                event("e2", IndicatorType.DOMAIN, "C2.SHYLOCK-EXAMPLE.COM.", Tlp.GREEN, 82, "acme", "Shylock"),
                T0.plusSeconds(1));
        hub.send(
                "domain:c2.shylock-example.com",
                event("e3", IndicatorType.DOMAIN, "c2.shylock-example.com", Tlp.CLEAR, 60, "acme"),
                T0.plusSeconds(2));

        Indicator created = hub.indicators.readValue();
        assertThat(created.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(created.getValue()).isEqualTo("c2.shylock-example.com");
        assertThat(created.getMalwareFamilies()).containsExactly("Shylock");
        assertThat(created.getSightings()).isEqualTo(1);
        assertThat(created.getExpiresAt()).isEqualTo(T0.plus(Duration.ofDays(90)));
        assertThat(hub.indicators.isEmpty()).as("repeats are deduplicated").isTrue();
        assertThat(hub.counters.duplicates.sum()).isEqualTo(2);
    }

    @Test
    void shouldEmitUpdateOnlyOnAMaterialChange() {
        String key = "ipv4:198.51.100.7";
        hub.send(key, event("e1", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 55, "acme"), T0);
        hub.send(
                key,
                event("e2", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 70, "acme"),
                T0.plusSeconds(1)); // same band
        hub.send(
                key,
                event("e3", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(2)); // band 75+
        hub.send(
                key,
                event("e4", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 10, "northwind"),
                T0.plusSeconds(3)); // new vendor
        hub.send(
                key,
                event("e5", IndicatorType.IPV4, "198.51.100.7", Tlp.AMBER, 10, "acme"),
                T0.plusSeconds(4)); // stricter TLP
        hub.send(
                key,
                event("e6", IndicatorType.IPV4, "198.51.100.7", Tlp.CLEAR, 10, "acme"),
                T0.plusSeconds(5)); // never downgraded
        hub.send(
                key,
                event("e7", IndicatorType.IPV4, "198.51.100.7", Tlp.CLEAR, 10, "acme", "Dridex"),
                T0.plusSeconds(6)); // new family

        assertThat(hub.indicators.readValuesToList())
                .extracting(
                        Indicator::getAction,
                        Indicator::getConfidence,
                        Indicator::getTlp,
                        Indicator::getVendors,
                        Indicator::getMalwareFamilies)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                LifecycleAction.NEW, 55, Tlp.GREEN, java.util.List.of("acme"), java.util.List.of()),
                        org.assertj.core.groups.Tuple.tuple(
                                LifecycleAction.UPDATE, 80, Tlp.GREEN, java.util.List.of("acme"), java.util.List.of()),
                        org.assertj.core.groups.Tuple.tuple(
                                LifecycleAction.UPDATE,
                                80,
                                Tlp.GREEN,
                                java.util.List.of("acme", "northwind"),
                                java.util.List.of()),
                        org.assertj.core.groups.Tuple.tuple(
                                LifecycleAction.UPDATE,
                                80,
                                Tlp.AMBER,
                                java.util.List.of("acme", "northwind"),
                                java.util.List.of()),
                        org.assertj.core.groups.Tuple.tuple(
                                LifecycleAction.UPDATE,
                                80,
                                Tlp.AMBER,
                                java.util.List.of("acme", "northwind"),
                                java.util.List.of("Dridex")));
    }

    @Test
    void shouldRepartitionEventsNotKeyedByTheirCanonicalIdSoTheyDedupeTogether() {
        hub.send(
                "whatever-a-foreign-producer-chose",
                event("e1", IndicatorType.MD5, "D41D8CD98F00B204E9800998ECF8427E", Tlp.GREEN, 80, "acme"),
                T0);
        hub.send(
                null,
                event("e2", IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427e", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(1));
        hub.send(
                "md5:d41d8cd98f00b204e9800998ecf8427e",
                event("e3", IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427e", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(2));

        TestRecord<String, Indicator> only = hub.indicators.readRecord();
        assertThat(only.key()).isEqualTo("md5:d41d8cd98f00b204e9800998ecf8427e");
        assertThat(only.value().getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    @Test
    void shouldRevokeOnARetractionAndStartAgainWithNewOnTheNextSighting() {
        String key = "url:http://evil.example.org/gate.php";
        hub.send(key, event("e1", IndicatorType.URL, "hxxp://evil.example.org/gate.php", Tlp.GREEN, 80, "acme"), T0);
        ThreatEvent retraction =
                event("e2", IndicatorType.URL, "http://evil.example.org/gate.php", Tlp.CLEAR, 0, "acme");
        retraction.setRetraction(true);
        retraction.setRetractionReason("sinkholed");
        hub.send(key, retraction, T0.plusSeconds(1));
        hub.send(
                key,
                event("e3", IndicatorType.URL, "http://evil.example.org/gate.php", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(2));

        assertThat(hub.indicators.readValuesToList())
                .extracting(Indicator::getAction)
                .containsExactly(LifecycleAction.NEW, LifecycleAction.REVOKE, LifecycleAction.NEW);
    }

    @Test
    void shouldExpireAnIndicatorNotSeenForItsTypesLifetime() {
        hub.close();
        hub = new HubTestDriver(Map.of(HubConfig.LIFETIME_IP, "P30D", HubConfig.SCAN_INTERVAL, "PT1H"));
        hub.send("ipv4:198.51.100.7", event("e1", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme"), T0);
        hub.send("domain:example.com", event("e2", IndicatorType.DOMAIN, "example.com", Tlp.GREEN, 80, "acme"), T0);
        assertThat(hub.indicators.readValuesToList()).hasSize(2);

        // 29 days later the IP is still alive; 31 days later it has expired, the domain (90 days) has not
        hub.send(
                "domain:example.com",
                event("e3", IndicatorType.DOMAIN, "example.com", Tlp.GREEN, 80, "acme"),
                T0.plus(Duration.ofDays(29)));
        assertThat(hub.indicators.isEmpty()).isTrue();
        hub.send(
                "domain:example.com",
                event("e4", IndicatorType.DOMAIN, "example.com", Tlp.GREEN, 80, "acme"),
                T0.plus(Duration.ofDays(31)));

        TestRecord<String, Indicator> expired = hub.indicators.readRecord();
        assertThat(expired.key()).isEqualTo("ipv4:198.51.100.7");
        assertThat(expired.value().getAction()).isEqualTo(LifecycleAction.EXPIRE);
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    @Test
    void shouldRouteToAPartnerOnlyWhatItsTlpCeilingAllowsAndEachIndicatorFirstAsNew() {
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        var interpol = hub.partner("interpol");

        hub.send(
                "domain:amber.example.com",
                event("e1", IndicatorType.DOMAIN, "amber.example.com", Tlp.AMBER, 80, "acme"),
                T0);
        hub.send(
                "domain:green.example.com",
                event("e2", IndicatorType.DOMAIN, "green.example.com", Tlp.GREEN, 60, "acme"),
                T0);
        hub.send(
                "domain:green.example.com",
                event("e3", IndicatorType.DOMAIN, "green.example.com", Tlp.GREEN, 90, "acme"),
                T0.plusSeconds(1));

        PartnerIndicator first = interpol.readValue();
        assertThat(first.getIndicatorId()).isEqualTo("domain:green.example.com");
        assertThat(first.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(first.getAgreementId()).isEqualTo("mou-interpol");
        assertThat(first.getAgreementVersion()).isEqualTo(1);
        assertThat(interpol.readValue().getAction()).isEqualTo(LifecycleAction.UPDATE);
        assertThat(interpol.isEmpty())
                .as("the AMBER indicator never reaches a GREEN partner")
                .isTrue();
    }

    @Test
    void shouldDeliverNothingToAPartnerWhoseAgreementEnded() {
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        var interpol = hub.partner("interpol");
        hub.send("domain:a.example.com", event("e1", IndicatorType.DOMAIN, "a.example.com", Tlp.GREEN, 80, "acme"), T0);
        assertThat(interpol.readValue().getIndicatorId()).isEqualTo("domain:a.example.com");

        hub.agreements.pipeInput("interpol", null, T0.plusSeconds(1));
        hub.send(
                "domain:b.example.com",
                event("e2", IndicatorType.DOMAIN, "b.example.com", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(2));

        assertThat(interpol.isEmpty()).isTrue();
    }
}
