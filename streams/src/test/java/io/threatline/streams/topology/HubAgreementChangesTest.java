package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.streams.HubConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agreements that change while the hub runs: a new version, an embargo that ends, and the
 * reconciliation of what each partner holds when the terms change (backfill, retraction, end,
 * replay), all on the hub's own clock.
 */
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
        PartnerAgreement v2 = PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.GREEN))
                .setVersion(2)
                .build();
        hub.agreements.pipeInput("nca", v2, T0.plusSeconds(1));
        hub.send(
                "domain:b.example.com",
                event("e2", IndicatorType.DOMAIN, "b.example.com", Tlp.AMBER, 80, "acme"),
                T0.plusSeconds(2));
        hub.send(
                "domain:c.example.com",
                event("e3", IndicatorType.DOMAIN, "c.example.com", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(3));

        // The AMBER indicator it held is taken back, the AMBER one after the change withheld, the GREEN one delivered
        assertThat(nca.readValuesToList())
                .extracting(
                        PartnerIndicator::getIndicatorId,
                        PartnerIndicator::getAction,
                        PartnerIndicator::getAgreementVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("domain:a.example.com", LifecycleAction.REVOKE, 2),
                        org.assertj.core.groups.Tuple.tuple("domain:c.example.com", LifecycleAction.NEW, 2));
    }

    @Test
    void shouldCountEachNewIndicatorAPartnerDidNotGetByTheRuleThatWithheldIt() {
        // Given two partners: one up to GREEN, one up to AMBER under a two-hour embargo
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        hub.agreements.pipeInput(
                "ec3",
                PartnerAgreement.newBuilder(HubTestDriver.agreement("ec3", Tlp.AMBER))
                        .setEmbargoMillis(Duration.ofHours(2).toMillis())
                        .build(),
                T0);

        // When a GREEN, two AMBER and a RED indicator appear, and the AMBER one is seen again
        sendAt("green.example.com", Tlp.GREEN, T0.plusSeconds(1));
        sendAt("amber.example.com", Tlp.AMBER, T0.plusSeconds(2));
        sendAt("amber-2.example.com", Tlp.AMBER, T0.plusSeconds(3));
        sendAt("amber.example.com", Tlp.AMBER, T0.plusSeconds(4));
        sendAt("red.example.com", Tlp.RED, T0.plusSeconds(5));

        // Then each new indicator a partner did not get is counted once, by the reason decide gave,
        // the RED one too although the agreement index ruled both agreements out before deciding
        assertThat(hub.counters.withheldByPartner())
                .containsEntry("interpol", Map.of("ABOVE_TLP_CEILING", 3L))
                .containsEntry("ec3", Map.of("EMBARGOED", 3L, "ABOVE_TLP_CEILING", 1L));
    }

    private void sendSeenAt(String domain, java.time.Instant at) {
        var e = event("e-" + domain, IndicatorType.DOMAIN, domain, Tlp.GREEN, 80, "acme");
        e.setObservedAt(at);
        hub.send("domain:" + domain, e, at);
    }

    @Test
    void shouldHoldAnEmbargoedIndicatorAndReleaseItAsNewWhenTheEmbargoEnds() {
        PartnerAgreement embargoed = PartnerAgreement.newBuilder(HubTestDriver.agreement("ec3", Tlp.GREEN))
                .setEmbargoMillis(Duration.ofHours(2).toMillis())
                .build();
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

    private void sendAt(String domain, Tlp tlp, java.time.Instant at, String... families) {
        var e = event("e-" + domain + at, IndicatorType.DOMAIN, domain, tlp, 80, "acme", families);
        e.setObservedAt(at);
        hub.send("domain:" + domain, e, at);
    }

    /** Runs the reconciler long enough to finish a small sweep. */
    private void settle() {
        for (int i = 0; i < 3; i++) {
            hub.advance(Duration.ofMillis(200));
        }
    }

    private static PartnerAgreement version(PartnerAgreement a, int version) {
        return PartnerAgreement.newBuilder(a).setVersion(version).build();
    }

    @Test
    void shouldBackfillAPartnerAddedLateWithEveryLiveIndicatorItsTermsGrantAsNew() {
        // Given indicators seen before the partner's agreement existed
        sendAt("green.example.com", Tlp.GREEN, T0);
        sendAt("amber.example.com", Tlp.AMBER, T0.plusSeconds(1));
        sendAt("red.example.com", Tlp.RED, T0.plusSeconds(2));
        var nca = hub.partner("nca");

        // When its agreement (ceiling AMBER) is applied
        hub.agreements.pipeInput("nca", version(HubTestDriver.agreement("nca", Tlp.AMBER), 3), T0.plusSeconds(3));
        settle();

        // Then it receives what its terms grant, as NEW, stamped with the agreement version, and nothing else
        var received = nca.readValuesToList();
        assertThat(received)
                .extracting(PartnerIndicator::getIndicatorId)
                .containsExactlyInAnyOrder("domain:green.example.com", "domain:amber.example.com");
        assertThat(received).allSatisfy(r -> {
            assertThat(r.getAction()).isEqualTo(LifecycleAction.NEW);
            assertThat(r.getAgreementVersion()).isEqualTo(3);
        });
        assertThat(hub.counters.backfilledByPartner()).containsEntry("nca", 2L);

        // And a second pass sends nothing more: a sweep only sends what the partner does not hold
        hub.advance(Duration.ofMinutes(5));
        assertThat(nca.isEmpty()).isTrue();
    }

    @Test
    void shouldBackfillWhatAWiderVersionGrantsAndRevokeWhatANarrowerOneNoLongerDoes() {
        hub.agreements.pipeInput("nca", HubTestDriver.agreement("nca", Tlp.GREEN), T0);
        var nca = hub.partner("nca");
        sendAt("green.example.com", Tlp.GREEN, T0.plusSeconds(1));
        sendAt("amber.example.com", Tlp.AMBER, T0.plusSeconds(2));
        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getIndicatorId)
                .containsExactly("domain:green.example.com");

        // Widened: version 2 grants AMBER
        hub.agreements.pipeInput("nca", version(HubTestDriver.agreement("nca", Tlp.AMBER), 2), T0.plusSeconds(3));
        settle();
        PartnerIndicator backfilled = nca.readValue();
        assertThat(backfilled.getIndicatorId()).isEqualTo("domain:amber.example.com");
        assertThat(backfilled.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(backfilled.getAgreementVersion()).isEqualTo(2);
        assertThat(nca.isEmpty()).isTrue();

        // Narrowed: version 3 grants GREEN only again
        hub.agreements.pipeInput("nca", version(HubTestDriver.agreement("nca", Tlp.GREEN), 3), T0.plusSeconds(4));
        settle();
        PartnerIndicator revoked = nca.readValue();
        assertThat(revoked.getIndicatorId()).isEqualTo("domain:amber.example.com");
        assertThat(revoked.getAction()).isEqualTo(LifecycleAction.REVOKE);
        assertThat(revoked.getAgreementVersion()).isEqualTo(3);
        assertThat(revoked.getTlp())
                .as("the retraction carries nothing above the new ceiling")
                .isEqualTo(Tlp.GREEN);
        assertThat(nca.isEmpty()).as("the GREEN indicator stays").isTrue();
    }

    @Test
    void shouldRevokeEverythingAPartnerHoldsWhenItsAgreementEnds() {
        hub.agreements.pipeInput("nca", HubTestDriver.agreement("nca", Tlp.AMBER), T0);
        var nca = hub.partner("nca");
        sendAt("a.example.com", Tlp.GREEN, T0.plusSeconds(1));
        sendAt("b.example.com", Tlp.AMBER, T0.plusSeconds(2));
        assertThat(nca.readValuesToList()).hasSize(2);

        hub.agreements.pipeInput("nca", null, T0.plusSeconds(3));
        settle();

        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getIndicatorId, PartnerIndicator::getAction)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("domain:a.example.com", LifecycleAction.REVOKE),
                        org.assertj.core.groups.Tuple.tuple("domain:b.example.com", LifecycleAction.REVOKE));
        // And nothing more once it has ended
        sendAt("c.example.com", Tlp.GREEN, T0.plusSeconds(4));
        settle();
        assertThat(nca.isEmpty()).isTrue();
    }

    @Test
    void shouldLeaveAPartnerItsIndicatorsWhenItsAgreementSaysKeep() {
        PartnerAgreement keep = PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.AMBER))
                .setOnEnd(io.threatline.contract.AgreementEnd.KEEP)
                .build();
        hub.agreements.pipeInput("nca", keep, T0);
        var nca = hub.partner("nca");
        sendAt("a.example.com", Tlp.GREEN, T0.plusSeconds(1));
        assertThat(nca.readValuesToList()).hasSize(1);

        hub.agreements.pipeInput("nca", null, T0.plusSeconds(2));
        settle();
        sendAt("a.example.com", Tlp.AMBER, T0.plusSeconds(3));
        settle();

        assertThat(nca.isEmpty()).as("no REVOKE, and no more records").isTrue();
    }

    /**
     * The NCA's agreement (AMBER) applied at T0 with the given start or end of its term (null: the
     * usual one), then a.example.com sighted; its feed.
     */
    private org.apache.kafka.streams.TestOutputTopic<String, PartnerIndicator> ncaWithTermAndOneIndicator(
            java.time.Instant from, java.time.Instant until) {
        PartnerAgreement term = HubTestDriver.agreement("nca", Tlp.AMBER);
        if (from != null) {
            term.setValidFrom(from);
        }
        if (until != null) {
            term.setValidUntil(until);
        }
        hub.agreements.pipeInput("nca", term, T0);
        var nca = hub.partner("nca");
        sendAt("a.example.com", Tlp.GREEN, T0.plusSeconds(1));
        return nca;
    }

    @Test
    void shouldRevokeWhenTheTermIsOverByTheHubsClock() {
        var nca = ncaWithTermAndOneIndicator(null, T0.plus(Duration.ofHours(1)));
        assertThat(nca.readValue().getAction()).isEqualTo(LifecycleAction.NEW);

        // No record arrives; the clock alone passes the end of the term
        hub.advance(Duration.ofMinutes(61));
        settle();

        PartnerIndicator revoked = nca.readValue();
        assertThat(revoked.getAction()).isEqualTo(LifecycleAction.REVOKE);
        assertThat(revoked.getSharedAt()).isAfterOrEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void shouldBackfillWhenTheTermBeginsByTheHubsClockWithNoRecordArriving() {
        var nca = ncaWithTermAndOneIndicator(T0.plus(Duration.ofHours(1)), null);
        // Many runs of the reconciler before the term begins: nothing to send, and it stays that way
        for (int i = 0; i < 50; i++) {
            hub.advance(Duration.ofSeconds(30));
        }
        assertThat(nca.isEmpty()).as("nothing before the term begins").isTrue();

        hub.advance(Duration.ofMinutes(40)); // past the beginning of the term, by the clock alone
        settle();

        PartnerIndicator backfilled = nca.readValue();
        assertThat(backfilled.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(backfilled.getIndicatorId()).isEqualTo("domain:a.example.com");
    }

    @Test
    void shouldRevokeAnIndicatorWhoseTlpIsRaisedAboveTheCeiling() {
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        var interpol = hub.partner("interpol");
        sendAt("a.example.com", Tlp.GREEN, T0.plusSeconds(1));
        assertThat(interpol.readValue().getAction()).isEqualTo(LifecycleAction.NEW);

        // Another source marks it RED
        var red = event("e-red", IndicatorType.DOMAIN, "a.example.com", Tlp.RED, 80, "other-vendor", "SecretFamily");
        hub.send("domain:a.example.com", red, T0.plusSeconds(2));

        PartnerIndicator revoked = interpol.readValue();
        assertThat(revoked.getAction()).isEqualTo(LifecycleAction.REVOKE);
        assertThat(revoked.getTlp()).isEqualTo(Tlp.GREEN);
        assertThat(revoked.getMalwareFamilies())
                .as("nothing of the RED state leaks")
                .isEmpty();
        assertThat(revoked.getVendors()).isEmpty();
        assertThat(interpol.isEmpty()).isTrue();
    }

    @Test
    void shouldRevokeAnIndicatorPutOnABenignListAfterItWasShared() {
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        var interpol = hub.partner("interpol");
        sendAt("cdn.example.com", Tlp.GREEN, T0.plusSeconds(1));
        assertThat(interpol.readValue().getAction()).isEqualTo(LifecycleAction.NEW);

        hub.benign.pipeInput(
                "cdns|HOSTNAME|cdn.example.com",
                new io.threatline.contract.reference.BenignEntry(
                        "CDN hosts",
                        io.threatline.contract.reference.BenignMatchKind.HOSTNAME,
                        "cdn.example.com",
                        java.util.List.of(IndicatorType.DOMAIN)),
                T0.plusSeconds(2));
        hub.advance(Duration.ofMinutes(2));
        settle();

        PartnerIndicator revoked = interpol.readValue();
        assertThat(revoked.getIndicatorId()).isEqualTo("domain:cdn.example.com");
        assertThat(revoked.getAction()).isEqualTo(LifecycleAction.REVOKE);
    }

    @Test
    void shouldRevokeAnIndicatorWhoseFamilyIsReassignedOutOfScope() {
        hub.familyAliases.pipeInput(
                "shylock", new io.threatline.contract.reference.FamilyAlias("Shylock", "Shylock", "test"), T0);
        PartnerAgreement shylockOnly = PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.AMBER))
                .setScope(io.threatline.contract.AgreementScope.newBuilder()
                        .setMalwareFamilies(java.util.List.of("Shylock"))
                        .build())
                .build();
        hub.agreements.pipeInput("nca", shylockOnly, T0);
        var nca = hub.partner("nca");
        sendAt("c2.example.com", Tlp.GREEN, T0.plusSeconds(1), "Shylock");
        assertThat(nca.readValue().getAction()).isEqualTo(LifecycleAction.NEW);

        // The analysts decide these servers belong to another family
        hub.familyAliases.pipeInput(
                "shylock",
                new io.threatline.contract.reference.FamilyAlias("Shylock", "Dridex", "test"),
                T0.plusSeconds(2));
        hub.advance(Duration.ofMinutes(2));
        settle();

        assertThat(nca.readValue().getAction()).isEqualTo(LifecycleAction.REVOKE);
    }

    @Test
    void shouldResendTheWholeEntitlementOnReplay() {
        hub.agreements.pipeInput("nca", HubTestDriver.agreement("nca", Tlp.AMBER), T0);
        var nca = hub.partner("nca");
        sendAt("a.example.com", Tlp.GREEN, T0.plusSeconds(1));
        sendAt("b.example.com", Tlp.AMBER, T0.plusSeconds(2));
        sendAt("c.example.com", Tlp.RED, T0.plusSeconds(3));
        assertThat(nca.readValuesToList()).hasSize(2);

        hub.agreements.pipeInput(
                "nca",
                PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.AMBER))
                        .setReplayRequest("replay-1")
                        .build(),
                T0.plusSeconds(4));
        settle();

        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getIndicatorId, PartnerIndicator::getAction)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("domain:a.example.com", LifecycleAction.NEW),
                        org.assertj.core.groups.Tuple.tuple("domain:b.example.com", LifecycleAction.NEW));
        // The same request is not replayed twice
        hub.advance(Duration.ofMinutes(1));
        assertThat(nca.isEmpty()).isTrue();
    }

    @Test
    void shouldNotLetABackDatedRecordRouteIntoAnAgreementThatHasEnded() {
        PartnerAgreement ended = PartnerAgreement.newBuilder(HubTestDriver.agreement("nca", Tlp.AMBER))
                .setValidFrom(T0.minus(Duration.ofDays(30)))
                .setValidUntil(T0.minus(Duration.ofDays(1)))
                .build();
        hub.agreements.pipeInput("nca", ended, T0);
        var nca = hub.partner("nca");

        // A sensor dates its record and its sighting inside the agreement's old period
        var e = event("e-old", IndicatorType.DOMAIN, "old.example.com", Tlp.GREEN, 80, "acme");
        e.setObservedAt(T0.minus(Duration.ofDays(10)));
        hub.rawEvents.pipeInput(
                "domain:old.example.com".getBytes(),
                hub.serdes.threatEvent.serializer().serialize(HubTestDriver.TOPICS.sensorEvents(), e),
                T0.minus(Duration.ofDays(10)));
        settle();

        assertThat(nca.isEmpty()).isTrue();
    }

    @Test
    void shouldNotLetABackDatedSightingFromAnotherVendorEndAnEmbargoEarly() {
        PartnerAgreement embargoed = PartnerAgreement.newBuilder(HubTestDriver.agreement("ec3", Tlp.GREEN))
                .setEmbargoMillis(Duration.ofHours(2).toMillis())
                .build();
        hub.agreements.pipeInput("ec3", embargoed, T0);
        var ec3 = hub.partner("ec3");
        sendAt("a.example.com", Tlp.GREEN, T0);

        // Ten minutes later another vendor claims to have seen it a day ago
        var old = event("e-b", IndicatorType.DOMAIN, "a.example.com", Tlp.GREEN, 80, "other-vendor");
        old.setObservedAt(T0.minus(Duration.ofDays(1)));
        hub.send("domain:a.example.com", old, T0.plus(Duration.ofMinutes(10)));
        hub.advance(Duration.ofMinutes(30));
        assertThat(ec3.isEmpty())
                .as("the embargo runs from the hub's first receipt")
                .isTrue();

        hub.advance(Duration.ofMinutes(90));
        PartnerIndicator released = ec3.readValue();
        assertThat(released.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(released.getSharedAt()).isAfterOrEqualTo(T0.plus(Duration.ofHours(2)));
    }
}
