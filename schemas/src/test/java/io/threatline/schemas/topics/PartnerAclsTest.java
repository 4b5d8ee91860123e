package io.threatline.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;

class PartnerAclsTest {

    private final PartnerAcls acls = new PartnerAcls(ThreatlineTopics.defaults());

    @Test
    void shouldAllowOnlyThePartnersOwnUserAsPrincipal() {
        assertThat(PartnerAcls.checkPrincipal("interpol", " User:interpol ")).isEqualTo("User:interpol");
        assertThatThrownBy(() -> PartnerAcls.checkPrincipal("interpol", "User:*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'User:*'")
                .hasMessageContaining("wildcard");
        assertThatThrownBy(() -> PartnerAcls.checkPrincipal("interpol", "User:inter*"))
                .hasMessageContaining("wildcard");
        assertThatThrownBy(() -> PartnerAcls.checkPrincipal("interpol", "User:europol-ec3"))
                .hasMessageContaining("'User:europol-ec3'")
                .hasMessageContaining("only principal partner 'interpol' may have is User:interpol");
        assertThatThrownBy(() -> PartnerAcls.checkPrincipal("interpol", "User:admin"))
                .hasMessageContaining("not the partner's own user");
        assertThatThrownBy(() -> PartnerAcls.checkPrincipal("interpol", "Group:interpol"))
                .hasMessageContaining("not the partner's own user");
    }

    @Test
    void shouldGrantLiteralReadsOnTheFeedTopicsAndNoneOnTheDeadLetterTopic() {
        // When the reader ACLs of a partner are made
        var bindings = acls.partnerReader("interpol", "User:interpol");

        // Then every topic binding names one exact topic, and the dead-letter topic is not among them
        assertThat(bindings)
                .filteredOn(b -> b.pattern().resourceType() == org.apache.kafka.common.resource.ResourceType.TOPIC)
                .allSatisfy(b -> assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL))
                .extracting(b -> b.pattern().name())
                .containsOnly(
                        "ti.partner.interpol.indicators.v1",
                        "ti.partner.interpol.indicators.json.v1",
                        "ti.partner.interpol.statistics.v1")
                .doesNotContain(ThreatlineTopics.defaults().partnerDeadLetter("interpol"));
        // and the removal filters match every binding granted
        for (AclBinding b : bindings) {
            assertThat(acls.partnerFilters("interpol", "User:interpol")).anyMatch(f -> f.matches(b));
        }
    }
}
