package io.threatline.consumer.stix;

import java.time.Instant;
import java.util.List;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;

/** Sample partner indicators for the STIX tests. */
public final class StixIndicators {

    public static final Instant FIRST_SEEN = Instant.parse("2026-11-01T08:00:00.123Z");
    public static final Instant LAST_SEEN = Instant.parse("2026-11-28T17:30:00.456Z");
    public static final Instant VALID_UNTIL = Instant.parse("2026-12-28T17:30:00.456Z");
    public static final Instant SHARED_AT = Instant.parse("2026-11-29T10:15:30.789Z");

    private StixIndicators() {
    }

    public static PartnerIndicator.Builder builder(String partnerId, IndicatorType type, String value) {
        return PartnerIndicator.newBuilder()
            .setPartnerId(partnerId)
            .setAgreementId("mou-2026-01")
            .setAgreementVersion(3)
            .setIndicatorId(type.name().toLowerCase() + ":" + value)
            .setType(type)
            .setValue(value)
            .setAction(LifecycleAction.NEW)
            .setFirstSeen(FIRST_SEEN)
            .setLastSeen(LAST_SEEN)
            .setValidUntil(VALID_UNTIL)
            .setConfidence(80)
            .setScore(73)
            .setTlp(Tlp.AMBER)
            .setMalwareFamilies(List.of("Shylock"))
            .setCampaigns(List.of("winter-2026"))
            .setTags(List.of("c2", "banking"))
            .setKillChainPhases(List.of(KillChainPhase.DELIVERY, KillChainPhase.COMMAND_AND_CONTROL))
            .setCountry("NL")
            .setAsn(64500L)
            .setRedistributionAllowed(false)
            .setSharedAt(SHARED_AT);
    }

    public static PartnerIndicator of(IndicatorType type, String value) {
        return builder("interpol-igci", type, value).build();
    }
}
