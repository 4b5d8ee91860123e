package io.threatline.agreements;

import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

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
     * (UPPER_SNAKE, stable: metrics and the delivery audit key on it); {@link #reason()} explains it.
     * The explanation is put together only when read: the hub asks each of its agreements about
     * every indicator change and withholds most, without reading why.
     */
    final class Withhold implements Decision {
        private final String reasonCode;
        private Supplier<String> explanation;
        private String reason;

        public Withhold(String reasonCode, String reason) {
            this(reasonCode, () -> reason);
            Objects.requireNonNull(reason, "reason");
        }

        public Withhold(String reasonCode, Supplier<String> explanation) {
            this.reasonCode = Objects.requireNonNull(reasonCode, "reasonCode");
            this.explanation = Objects.requireNonNull(explanation, "explanation");
        }

        public String reasonCode() {
            return reasonCode;
        }

        public String reason() {
            if (reason == null) {
                reason = Objects.requireNonNull(explanation.get(), "reason");
                explanation = null;
            }
            return reason;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Withhold w && reasonCode.equals(w.reasonCode) && reason().equals(w.reason());
        }

        @Override
        public int hashCode() {
            return Objects.hash(reasonCode, reason());
        }

        @Override
        public String toString() {
            return "Withhold[reasonCode=" + reasonCode + ", reason=" + reason() + "]";
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
