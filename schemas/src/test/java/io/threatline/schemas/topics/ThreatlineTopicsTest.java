package io.threatline.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class ThreatlineTopicsTest {

    @Test
    void shouldDeclareTheCoreTopicsWithTheirCleanupPolicies() {
        var topics = ThreatlineTopics.defaults().coreTopics();

        assertThat(topics)
                .extracting(NewTopic::name)
                .containsExactly(
                        "ti.sensor-events.v1",
                        "ti.indicators.v1",
                        "ti.agreements.v1",
                        "ti.agreements.history.v1",
                        "ti.reference.family-aliases.v1",
                        "ti.reference.ip-ranges.v1",
                        "ti.reference.benign.v1",
                        "ti.dead-letter.v1",
                        "ti.delivery-audit.v1",
                        "ti.delivery-receipt-requests.v1",
                        "ti.operator.actions.v1",
                        "ti.false-positives.v1",
                        "ti.suppressions.v1",
                        "ti.feed-state.v1",
                        "ti.erasures.v1",
                        "ti.erasure-requests.v1");
        // Data protection (docs/data-protection.md): the indicators topic is compacted within a day or two of a
        // tombstone; erasures are kept for good, the requests (which name the value) no longer than sensor events.
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.indicators.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs())
                        .containsEntry(
                                "segment.ms", Long.toString(Duration.ofDays(1).toMillis()))
                        .containsEntry(
                                "max.compaction.lag.ms",
                                Long.toString(Duration.ofDays(1).toMillis()))
                        .containsEntry(
                                "delete.retention.ms",
                                Long.toString(Duration.ofDays(1).toMillis())));
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.erasures.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.erasure-requests.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs())
                        .containsEntry("cleanup.policy", "delete")
                        .containsEntry(
                                "retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.sensor-events.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs())
                        .containsEntry("cleanup.policy", "delete")
                        .containsEntry(
                                "retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
        assertThat(topics)
                .filteredOn(t -> t.name().contains("indicators")
                        || t.name().equals("ti.agreements.v1")
                        || t.name().equals("ti.false-positives.v1")
                        || t.name().equals("ti.suppressions.v1")
                        || t.name().equals("ti.feed-state.v1")
                        || t.name().contains("reference"))
                .allSatisfy(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
        // The history of agreements is a log kept forever, stamped by the broker: no entry is ever compacted away.
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.agreements.history.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs())
                        .containsEntry("cleanup.policy", "delete")
                        .containsEntry("retention.ms", "-1")
                        .containsEntry("retention.bytes", "-1")
                        .containsEntry("message.timestamp.type", "LogAppendTime"));
        assertThat(topics)
                .filteredOn(t -> t.name().equals("ti.dead-letter.v1"))
                .singleElement()
                .satisfies(t -> assertThat(t.configs())
                        .containsEntry(
                                "retention.ms",
                                Long.toString(Duration.ofDays(30).toMillis())));
    }

    @Test
    void shouldNamePartnerTopicsUnderThePrefix() {
        ThreatlineTopics topics = new ThreatlineTopics("acme.", 3, (short) 1);

        assertThat(topics.partnerIndicators("interpol")).isEqualTo("acme.partner.interpol.indicators.v1");
        assertThat(topics.partnerStatistics("europol-ec3")).isEqualTo("acme.partner.europol-ec3.statistics.v1");
        assertThat(topics.partnerTopics("interpol", Duration.ofDays(3)))
                .extracting(NewTopic::numPartitions)
                .containsExactly(3, 1, 1, 1);
        assertThat(topics.partnerInbound("interpol")).isEqualTo("acme.partner.interpol.inbound.v1");
        assertThat(topics.partnerOfInbound("acme.partner.interpol.inbound.v1")).contains("interpol");
        assertThat(topics.partnerOfInbound("acme.partner.interpol.indicators.v1"))
                .isEmpty();
        assertThat(topics.partnerOfInbound("other.partner.interpol.inbound.v1")).isEmpty();
        assertThat(topics.partnerOfInbound("acme.partner.Bad_Id.inbound.v1")).isEmpty();
        assertThat(topics.partnerInboundPattern()
                        .matcher("acme.partner.nca.inbound.v1")
                        .matches())
                .isTrue();
        assertThat(topics.sensorInputPattern()
                        .matcher("acme.partner.nca.inbound.v1")
                        .matches())
                .as("a partner's reports are never read as a sensor's events")
                .isFalse();
    }

    @Test
    void shouldReadEveryVendorsOwnTopicAndTellWhoseItIs() {
        ThreatlineTopics topics = new ThreatlineTopics("acme.", 3, (short) 1);
        SensorSources sources = new SensorSources(topics);

        assertThat(topics.vendorEvents("northwind-labs")).isEqualTo("acme.vendor.northwind-labs.events.v1");
        assertThat(topics.sensorInputPattern()
                        .matcher("acme.vendor.northwind-labs.events.v1")
                        .matches())
                .isTrue();
        assertThat(topics.sensorInputPattern().matcher("acme.sensor-events.v1").matches())
                .isTrue();
        assertThat(topics.sensorInputPattern()
                        .matcher("acme.operator.actions.v1")
                        .matches())
                .isTrue();
        assertThat(topics.sensorInputPattern()
                        .matcher("acme.vendor.Evil.events.v1")
                        .matches())
                .isFalse();
        assertThat(topics.sensorInputPattern()
                        .matcher("acme.partner.interpol.indicators.v1")
                        .matches())
                .isFalse();
        assertThat(sources.vendorOf("acme.vendor.northwind-labs.events.v1")).contains("northwind-labs");
        assertThat(sources.vendorOf("acme.sensor-events.v1")).isEmpty();
        assertThat(sources.vendorOf("acme.vendor..events.v1")).isEmpty();
        assertThat(sources.vendorWriter("acme", "User:vendor.acme"))
                .extracting(b -> b.pattern().name() + " " + b.entry().operation())
                .containsExactly("acme.vendor.acme. WRITE", "acme.vendor.acme. DESCRIBE");
        assertThat(topics.vendorEventsTopic("acme").numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAPartnerIdThatIsUnsafeInTopicNamesAndAcls() {
        ThreatlineTopics topics = ThreatlineTopics.defaults();
        assertThatThrownBy(() -> topics.partnerIndicators("Interpol*")).hasMessageContaining("partner id 'Interpol*'");
        assertThatThrownBy(() -> topics.partnerIndicators("")).hasMessageContaining("partner id ''");
        assertThatThrownBy(() -> new ThreatlineTopics("ti/", 1, (short) 1)).hasMessageContaining("topic prefix 'ti/'");
    }

    @Test
    void shouldRefuseReservedPartnerIdsForAgreementsNamingWhy() {
        // Given the super user's name and a name Threatline uses for a service, When an agreement uses them, Then
        // refused
        assertThatThrownBy(() -> ThreatlineTopics.checkAgreementPartnerId("admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'admin' is reserved");
        assertThatThrownBy(() -> ThreatlineTopics.checkAgreementPartnerId("hub"))
                .hasMessageContaining("'hub' is reserved");
        assertThatThrownBy(() -> ThreatlineTopics.checkAgreementPartnerId("anonymous"))
                .hasMessageContaining("reserved");
        // and an ordinary partner passes
        assertThat(ThreatlineTopics.checkAgreementPartnerId("interpol")).isEqualTo("interpol");
    }
}
