package io.threatline.agreements;

import io.threatline.contract.TrendStatistic;
import java.util.Objects;

/**
 * What {@link AgreementPolicy#decideStatistic} says about one windowed count for one partner.
 */
public sealed interface StatisticDecision
        permits StatisticDecision.Deliver, StatisticDecision.Withhold, StatisticDecision.Suppressed {

    /** Deliver {@code statistic}, stamped with the partner, agreement id and version. */
    record Deliver(TrendStatistic statistic) implements StatisticDecision {
        public Deliver {
            Objects.requireNonNull(statistic, "statistic");
        }
    }

    /** Not for this partner: a reason code from {@link AgreementPolicy} and an explanation. */
    record Withhold(String reasonCode, String reason) implements StatisticDecision {
        public Withhold {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * For this partner, but the count is below the agreement's {@code statisticsMinimumCount}
     * (k-anonymity): suppressed so that no single victim or sensor can be picked out.
     */
    record Suppressed(long count, int minimumCount) implements StatisticDecision {}
}
