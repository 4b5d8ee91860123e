package io.threatline.streams.agreements;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.schemas.tlp.TlpOrder;

/**
 * What one partner may receive of one indicator under its agreement (DESIGN §7). Fails closed:
 * anything missing or unknown withholds.
 */
public final class AgreementPolicy {

    private AgreementPolicy() {
    }

    /** The outcome for one partner and one indicator. */
    public sealed interface Decision {
        record Deliver(PartnerIndicator record) implements Decision {
        }

        record Withhold(String reasonCode, String reason) implements Decision {
        }

        record Embargoed(Instant until) implements Decision {
        }
    }

    public static Decision decide(PartnerAgreement agreement, Indicator indicator, Instant now) {
        if (agreement == null) {
            return new Decision.Withhold("NO_AGREEMENT", "no agreement");
        }
        if (now.isBefore(agreement.getValidFrom()) || agreement.getValidUntil() != null && !now.isBefore(agreement.getValidUntil())) {
            return new Decision.Withhold("OUTSIDE_PERIOD", "outside the agreement's period");
        }
        if (!agreement.getDataKinds().contains(DataKind.INDICATORS)) {
            return new Decision.Withhold("KIND_NOT_GRANTED", "indicators are not granted");
        }
        if (!TlpOrder.atOrBelow(indicator.getTlp(), agreement.getTlpCeiling())) {
            return new Decision.Withhold("ABOVE_TLP_CEILING", indicator.getTlp() + " is above " + agreement.getTlpCeiling());
        }
        var scope = agreement.getScope();
        if (!scope.getIndicatorTypes().isEmpty() && !scope.getIndicatorTypes().contains(indicator.getType())) {
            return new Decision.Withhold("TYPE_OUT_OF_SCOPE", indicator.getType() + " is not in scope");
        }
        if (!intersects(scope.getMalwareFamilies(), indicator.getMalwareFamilies())) {
            return new Decision.Withhold("FAMILY_OUT_OF_SCOPE", "no family in scope");
        }
        if (!intersects(scope.getCampaigns(), indicator.getCampaigns())) {
            return new Decision.Withhold("CAMPAIGN_OUT_OF_SCOPE", "no campaign in scope");
        }
        if (indicator.getConfidence() < scope.getMinimumConfidence()) {
            return new Decision.Withhold("BELOW_MINIMUM_CONFIDENCE", "confidence below the minimum");
        }
        if (!scope.getCountries().isEmpty() && (indicator.getCountry() == null || !scope.getCountries().contains(indicator.getCountry()))) {
            return new Decision.Withhold("COUNTRY_OUT_OF_SCOPE", "country not in scope");
        }
        Instant embargoEnd = indicator.getFirstSeen().plusMillis(agreement.getEmbargoMillis());
        if (now.isBefore(embargoEnd)) {
            return new Decision.Embargoed(embargoEnd);
        }
        var redaction = agreement.getRedaction();
        return new Decision.Deliver(PartnerIndicator.newBuilder()
            .setPartnerId(agreement.getPartnerId()).setAgreementId(agreement.getAgreementId()).setAgreementVersion(agreement.getVersion())
            .setIndicatorId(indicator.getId()).setType(indicator.getType()).setValue(indicator.getValue()).setAction(indicator.getAction())
            .setFirstSeen(indicator.getFirstSeen()).setLastSeen(indicator.getLastSeen()).setValidUntil(indicator.getExpiresAt())
            .setConfidence(indicator.getConfidence()).setScore(indicator.getScore()).setTlp(indicator.getTlp())
            .setMalwareFamilies(indicator.getMalwareFamilies()).setCampaigns(indicator.getCampaigns())
            .setTags(redaction.getObfuscateAffectedParties() ? indicator.getTags().stream().filter(t -> !t.toLowerCase(Locale.ROOT).startsWith("victim:")).toList() : indicator.getTags())
            .setKillChainPhases(indicator.getKillChainPhases()).setCountry(indicator.getCountry()).setAsn(indicator.getAsn())
            .setVendors(redaction.getDropProviderAttribution() ? List.of() : indicator.getVendors())
            .setSensors(redaction.getDropSensorIds() ? List.of() : indicator.getSensors())
            .setRedistributionAllowed(agreement.getRedistributionAllowed()).setRedistributionScope(agreement.getRedistributionScope())
            .setSharedAt(now).build());
    }

    private static boolean intersects(List<String> scope, List<String> values) {
        return scope.isEmpty() || values.stream().anyMatch(v -> scope.stream().anyMatch(s -> s.equalsIgnoreCase(v)));
    }
}
