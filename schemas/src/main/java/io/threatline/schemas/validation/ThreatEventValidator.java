package io.threatline.schemas.validation;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.util.List;

/**
 * The contract's rules for one sensor event, applied by the publisher before sending and by the hub
 * again on receipt: a canonical indicator, a known TLP, a confidence in 0..100, a vendor, a sensor
 * and an event id, and no field beyond {@link ContractLimits} (so that no event can grow an
 * indicator's state or an output record past what Kafka accepts). Returns the event's canonical
 * indicator, or the first rule it breaks.
 */
public final class ThreatEventValidator {

    public static final String MISSING_FIELD = "MISSING_FIELD";
    public static final String CONFIDENCE_OUT_OF_RANGE = "CONFIDENCE_OUT_OF_RANGE";
    public static final String UNKNOWN_TLP = "UNKNOWN_TLP";
    public static final String FIELD_TOO_LARGE = "FIELD_TOO_LARGE";
    private static final int MAX_LABEL_LENGTH = ContractLimits.MAX_LABEL_LENGTH;

    private ThreatEventValidator() {}

    public static Result<CanonicalIndicator> validate(ThreatEvent event) {
        return validate(event, IndicatorIdentity::canonicalize);
    }

    /**
     * The same checks, with the indicator canonicalised by {@code canonicalizer}, which must answer
     * what {@link IndicatorIdentity#canonicalize} answers (the hub passes a {@link
     * io.threatline.schemas.identity.CanonicalMemo}).
     */
    public static Result<CanonicalIndicator> validate(
            ThreatEvent event,
            java.util.function.BiFunction<IndicatorType, String, Result<CanonicalIndicator>> canonicalizer) {
        if (isBlank(event.getEventId())) {
            return Result.rejected(MISSING_FIELD, "eventId is empty");
        }
        if (event.getEventId().length() > MAX_LABEL_LENGTH) {
            return Result.rejected(FIELD_TOO_LARGE, "eventId is longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (isBlank(event.getVendor()) || event.getVendor().length() > MAX_LABEL_LENGTH) {
            return Result.rejected(MISSING_FIELD, "vendor is empty or longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (isBlank(event.getSensorId()) || event.getSensorId().length() > MAX_LABEL_LENGTH) {
            return Result.rejected(
                    MISSING_FIELD, "sensorId is empty or longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (event.getConfidence() < 0 || event.getConfidence() > 100) {
            return Result.rejected(
                    CONFIDENCE_OUT_OF_RANGE, "confidence " + event.getConfidence() + " is outside 0..100");
        }
        if (event.getTlp() == null || event.getTlp() == Tlp.UNKNOWN) {
            // Fail closed: without a known marking nobody may receive it.
            return Result.rejected(UNKNOWN_TLP, "TLP marking is missing or unknown; such an event cannot be shared");
        }
        if (event.getObservedAt() == null) {
            return Result.rejected(MISSING_FIELD, "observedAt is missing");
        }
        Result<CanonicalIndicator> tooLarge = tooLarge(event);
        if (tooLarge != null) {
            return tooLarge;
        }
        return canonicalizer.apply(event.getIndicatorType(), event.getIndicatorValue());
    }

    private static Result<CanonicalIndicator> tooLarge(ThreatEvent event) {
        if (event.getIndicatorValue() != null && event.getIndicatorValue().length() > ContractLimits.MAX_VALUE_LENGTH) {
            return Result.rejected(
                    FIELD_TOO_LARGE,
                    "indicatorValue is longer than " + ContractLimits.MAX_VALUE_LENGTH + " characters");
        }
        String labels = labels("tags", event.getTags(), ContractLimits.MAX_TAGS);
        if (labels == null) {
            labels = labels("malwareFamilies", event.getMalwareFamilies(), ContractLimits.MAX_FAMILIES);
        }
        if (labels == null && event.getCampaign() != null && event.getCampaign().length() > MAX_LABEL_LENGTH) {
            labels = "campaign is longer than " + MAX_LABEL_LENGTH + " characters";
        }
        if (labels == null
                && event.getRetractionReason() != null
                && event.getRetractionReason().length() > ContractLimits.MAX_REASON_LENGTH) {
            labels = "retractionReason is longer than " + ContractLimits.MAX_REASON_LENGTH + " characters";
        }
        return labels == null ? null : Result.rejected(FIELD_TOO_LARGE, labels);
    }

    /** What is wrong with a list of labels, or null. */
    private static String labels(String field, List<String> values, int most) {
        if (values == null) {
            return null;
        }
        if (values.size() > most) {
            return field + " has " + values.size() + " entries; at most " + most + " are accepted";
        }
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.length() > MAX_LABEL_LENGTH) {
                return field + "[" + i + "] is "
                        + (value == null ? "null" : "longer than " + MAX_LABEL_LENGTH + " characters");
            }
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
