package io.threatline.producer.simulator;

import io.threatline.schemas.identity.RejectionCodes;
import io.threatline.schemas.validation.ThreatEventValidator;

/**
 * The ways a deliberately malformed simulated event is broken. Each breaks exactly one contract
 * rule and leaves the rest of the event valid, so {@link
 * io.threatline.schemas.validation.ThreatEventValidator} rejects it with {@link
 * #expectedRejectionCode()}.
 */
public enum MalformedKind {
    /** An MD5/SHA-1/SHA-256 value one to three hex digits too short or too long. */
    BAD_HASH_LENGTH(RejectionCodes.BAD_HASH_LENGTH),
    /** An IPv4 address with an octet above 255 ({@code 203.300.7.9}). */
    IPV4_OCTET_OUT_OF_RANGE(RejectionCodes.INVALID_IPV4),
    /** A domain under no public suffix ({@code update-srv.local}). */
    DOMAIN_WITHOUT_PUBLIC_SUFFIX(RejectionCodes.NO_PUBLIC_SUFFIX),
    /** TLP marking {@code UNKNOWN}. */
    UNKNOWN_TLP(ThreatEventValidator.UNKNOWN_TLP),
    /** Confidence outside 0..100 (150, 101, 255, -1, ...). */
    CONFIDENCE_OUT_OF_RANGE(ThreatEventValidator.CONFIDENCE_OUT_OF_RANGE),
    /** An empty or blank vendor. */
    EMPTY_VENDOR(ThreatEventValidator.MISSING_FIELD);

    private final String expectedRejectionCode;

    MalformedKind(String expectedRejectionCode) {
        this.expectedRejectionCode = expectedRejectionCode;
    }

    /** The rejection code {@code ThreatEventValidator.validate} gives such an event. */
    public String expectedRejectionCode() {
        return expectedRejectionCode;
    }
}
