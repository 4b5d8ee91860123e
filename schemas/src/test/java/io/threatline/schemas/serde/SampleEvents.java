package io.threatline.schemas.serde;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;

/** Realistic ThreatEvents for serde tests. */
final class SampleEvents {
    private SampleEvents() {}

    static ThreatEvent shylockDomain(int n) {
        return ThreatEvent.newBuilder()
                .setEventId("evt-" + n)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue("c2-" + n + ".shylock-example[.]com")
                .setObservedAt(Instant.parse("2026-11-29T10:15:30.123Z"))
                .setVendor("acme-security")
                .setSensorId("honeypot-eu-" + (n % 7))
                .setConfidence(85)
                .setTlp(Tlp.AMBER)
                .setMalwareFamilies(List.of("Caphaw"))
                .setCampaign("op-shylock-2026")
                .setTags(List.of("banking-trojan", "c2"))
                .setKillChainPhase(KillChainPhase.COMMAND_AND_CONTROL)
                .build();
    }
}
