package io.threatline.streams.statistics;

import java.time.Instant;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.TrendStatistic;
import io.threatline.agreements.AgreementPolicy;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.agreements.StatisticDecision;
import io.threatline.agreements.StatisticInput;

/**
 * Offers each final window count to every partner's current agreement (global store
 * {@value PartnerRouter#AGREEMENTS_STORE}) and forwards what {@link AgreementPolicy#decideStatistic}
 * delivers, decided at the window's end, keyed {@code WINDOW|windowStart|DIMENSION|value}.
 *
 * <p>The counts are over all indicators, so a partner whose scope restricts anything other than the
 * statistic's own dimension (another dimension, campaigns, a minimum confidence) gets nothing: its
 * counts would include indicators it may not see (see the note in {@link AgreementPolicy}).
 */
public final class StatisticsRouter extends ContextualProcessor<String, StatisticInput, String, TrendStatistic> {

    public static final String NAME = "statistics-agreements";

    private final AgreementsSnapshot snapshot;
    private AgreementsSnapshot.View agreements;

    public StatisticsRouter(AgreementsSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public void init(ProcessorContext<String, TrendStatistic> context) {
        super.init(context);
        agreements = snapshot.view(context.getStateStore(PartnerRouter.AGREEMENTS_STORE));
    }

    @Override
    public void process(Record<String, StatisticInput> record) {
        StatisticInput input = record.value();
        String key = key(input);
        Instant now = input.windowEnd();
        for (PartnerAgreement agreement : agreements.all()) {
            if (!countsFitScope(agreement.getScope(), input.dimension())) {
                continue;
            }
            if (AgreementPolicy.decideStatistic(agreement, input, now) instanceof StatisticDecision.Deliver deliver) {
                context().forward(new Record<>(key, deliver.statistic(), record.timestamp()));
            }
        }
    }

    /** The output key: {@code WINDOW|windowStart (ISO-8601)|DIMENSION|value}. */
    public static String key(StatisticInput input) {
        return input.window().name() + "|" + input.windowStart() + "|" + input.dimension().name() + "|" + input.dimensionValue();
    }

    /**
     * Whether counts over all indicators, by {@code dimension}, are within the scope: it restricts
     * nothing but (possibly) that dimension itself, whose value the policy checks. A missing scope
     * is left to the policy (which refuses it).
     */
    static boolean countsFitScope(AgreementScope scope, StatisticDimension dimension) {
        if (scope == null) {
            return true;
        }
        if (!scope.getCampaigns().isEmpty() || scope.getMinimumConfidence() > 0) {
            return false;
        }
        return (dimension == StatisticDimension.MALWARE_FAMILY || scope.getMalwareFamilies().isEmpty())
            && (dimension == StatisticDimension.INDICATOR_TYPE || scope.getIndicatorTypes().isEmpty())
            && (dimension == StatisticDimension.COUNTRY || scope.getCountries().isEmpty());
    }
}
