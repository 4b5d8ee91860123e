package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.streams.HubConfig;

/** Agreements that change while the hub runs: a new version, and an embargo that ends. */
class HubAgreementChangesTest {

    private final HubTestDriver hub = new HubTestDriver(Map.of(HubConfig.SCAN_INTERVAL, "PT1M"));

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldApplyANewAgreementVersionToTheVeryNextRecord() {
        hub.agreements.pipeInput("nca", HubTestDriver.agreement("nca", Tlp.AMBER), T0);
        var nca = hub.partner("nca");
        hub.send("domain:a.example.com", event("e1", IndicatorType.DOMAIN, "a.example.com", Tlp.AMBER, 80, "acme"), T0);
        assertThat(nca.readValue().getAgreementVersion()).isEqualTo(1);

        // The agreement is narrowed to GREEN in version 2
        PartnerAgreement v2 = PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.GREEN)).setVersion(2).build();
        hub.agreements.pipeInput("nca", v2, T0.plusSeconds(1));
        hub.send("domain:b.example.com", event("e2", IndicatorType.DOMAIN, "b.example.com", Tlp.AMBER, 80, "acme"), T0.plusSeconds(2));
        hub.send("domain:c.example.com", event("e3", IndicatorType.DOMAIN, "c.example.com", Tlp.GREEN, 80, "acme"), T0.plusSeconds(3));

        PartnerIndicator next = nca.readValue();
        assertThat(next.getIndicatorId()).isEqualTo("domain:c.example.com");
        assertThat(next.getAgreementVersion()).isEqualTo(2);
        assertThat(nca.isEmpty()).as("the AMBER indicator after the change is withheld").isTrue();
    }

    private void sendSeenAt(String domain, java.time.Instant at) {
        var e = event("e-" + domain, IndicatorType.DOMAIN, domain, Tlp.GREEN, 80, "acme");
        e.setObservedAt(at);
        hub.send("domain:" + domain, e, at);
    }

    @Test
    void shouldHoldAnEmbargoedIndicatorAndReleaseItAsNewWhenTheEmbargoEnds() {
        PartnerAgreement embargoed = PartnerAgreement.newBuilder(HubTestDriver.agreement("ec3", Tlp.GREEN))
            .setEmbargoMillis(Duration.ofHours(2).toMillis()).build();
        hub.agreements.pipeInput("ec3", embargoed, T0);
        var ec3 = hub.partner("ec3");

        sendSeenAt("a.example.com", T0);
        sendSeenAt("b.example.com", T0.plus(Duration.ofHours(1)));
        assertThat(ec3.isEmpty()).as("nothing before the embargo ends").isTrue();

        // Stream time passes the end of the first indicator's embargo
        sendSeenAt("c.example.com", T0.plus(Duration.ofMinutes(125)));

        PartnerIndicator released = ec3.readValue();
        assertThat(released.getIndicatorId()).isEqualTo("domain:a.example.com");
        assertThat(released.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(ec3.isEmpty()).as("b and c are still under embargo").isTrue();
    }
}
