package io.threatline.streams.agreements;

import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link AgreementPolicy#decide} says about one indicator for one partner: deliver this
 * (already redacted) record, withhold it for a reason, or wait until an embargo ends.
 */
public sealed interface Decision permits Decision.Deliver, Decision.Withhold, Decision.Embargoed {

    /** Deliver {@code record}, which is filtered, redacted and stamped with the agreement id and version. */
    record Deliver(PartnerIndicator record) implements Decision {
        public Deliver {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * Do not deliver. {@code reasonCode} is one of the constants in {@link AgreementPolicy}
     * (UPPER_SNAKE, stable: metrics and the delivery audit key on it); {@code reason} explains it.
     */
    record Withhold(String reasonCode, String reason) implements Decision {
        public Withhold {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Everything else allows delivery, but the agreement's embargo has not passed: decide again at
     * {@code until} (the indicator's first sighting plus the embargo).
     */
    record Embargoed(Instant until) implements Decision {
        public Embargoed {
            Objects.requireNonNull(until, "until");
        }
    }
}
