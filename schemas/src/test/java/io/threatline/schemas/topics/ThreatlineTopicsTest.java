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

        assertThat(topics).extracting(NewTopic::name).containsExactly(
            "ti.sensor-events.v1", "ti.indicators.v1", "ti.agreements.v1",
            "ti.reference.family-aliases.v1", "ti.reference.ip-ranges.v1", "ti.reference.benign.v1",
            "ti.dead-letter.v1", "ti.delivery-audit.v1");
        assertThat(topics).filteredOn(t -> t.name().equals("ti.sensor-events.v1")).singleElement()
            .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
        assertThat(topics).filteredOn(t -> t.name().contains("indicators") || t.name().contains("agreements")
                || t.name().contains("reference"))
            .allSatisfy(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
        assertThat(topics).filteredOn(t -> t.name().equals("ti.dead-letter.v1")).singleElement()
            .satisfies(t -> assertThat(t.configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis())));
    }

    @Test
    void shouldNamePartnerTopicsUnderThePrefix() {
        ThreatlineTopics topics = new ThreatlineTopics("acme.", 3, (short) 1);

        assertThat(topics.partnerIndicators("interpol")).isEqualTo("acme.partner.interpol.indicators.v1");
        assertThat(topics.partnerStatistics("europol-ec3")).isEqualTo("acme.partner.europol-ec3.statistics.v1");
        assertThat(topics.partnerTopics("interpol", Duration.ofDays(3))).extracting(NewTopic::numPartitions).containsExactly(3, 1, 1);
    }

    @Test
    void shouldRefuseAPartnerIdThatIsUnsafeInTopicNamesAndAcls() {
        ThreatlineTopics topics = ThreatlineTopics.defaults();
        assertThatThrownBy(() -> topics.partnerIndicators("Interpol*")).hasMessageContaining("partner id 'Interpol*'");
        assertThatThrownBy(() -> topics.partnerIndicators("")).hasMessageContaining("partner id ''");
        assertThatThrownBy(() -> new ThreatlineTopics("ti/", 1, (short) 1)).hasMessageContaining("topic prefix 'ti/'");
    }
}
