package io.threatline.schemas.validation;

import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;

/**
 * The contract's rules for one sensor event, applied by the publisher before sending and by the hub
 * again on receipt: a canonical indicator, a known TLP, a confidence in 0..100, a vendor, a sensor
 * and an event id. Returns the event's canonical indicator, or the first rule it breaks.
 */
public final class ThreatEventValidator {

    public static final String MISSING_FIELD = "MISSING_FIELD";
    public static final String CONFIDENCE_OUT_OF_RANGE = "CONFIDENCE_OUT_OF_RANGE";
    public static final String UNKNOWN_TLP = "UNKNOWN_TLP";
    public static final int MAX_LABEL_LENGTH = 256;

    private ThreatEventValidator() {
    }

    public static Result<CanonicalIndicator> validate(ThreatEvent event) {
        if (isBlank(event.getEventId())) {
            return Result.rejected(MISSING_FIELD, "eventId is empty");
        }
        if (isBlank(event.getVendor()) || event.getVendor().length() > MAX_LABEL_LENGTH) {
            return Result.rejected(MISSING_FIELD, "vendor is empty or longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (isBlank(event.getSensorId()) || event.getSensorId().length() > MAX_LABEL_LENGTH) {
            return Result.rejected(MISSING_FIELD, "sensorId is empty or longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (event.getConfidence() < 0 || event.getConfidence() > 100) {
            return Result.rejected(CONFIDENCE_OUT_OF_RANGE, "confidence " + event.getConfidence() + " is outside 0..100");
        }
        if (event.getTlp() == null || event.getTlp() == Tlp.UNKNOWN) {
            // Fail closed: without a known marking nobody may receive it.
            return Result.rejected(UNKNOWN_TLP, "TLP marking is missing or unknown; such an event cannot be shared");
        }
        if (event.getObservedAt() == null) {
            return Result.rejected(MISSING_FIELD, "observedAt is missing");
        }
        return IndicatorIdentity.canonicalize(event.getIndicatorType(), event.getIndicatorValue());
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
