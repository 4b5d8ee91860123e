package io.threatline.streams.statistics;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.StatisticDecision;
import io.threatline.agreements.StatisticInput;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.TrendStatistic;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Offers each final window count to the current agreements of the scope it was counted under
 * ({@link StatisticScopes}; the scope id is the second part of the key) and forwards what
 * {@link AgreementPolicy#decideStatistic} delivers, decided at the window's end, keyed
 * {@code WINDOW|windowStart|DIMENSION|value}.
 *
 * <p>A count under a scope is of the NEW indicators that scope's TLP ceiling and scope allow, so an
 * agreement gets only counts of indicators it could be sent. An agreement whose scope changed
 * gets the counts of its new scope from the moment the hub counts under it: the first window of a
 * new scope can be short.
 */
public final class StatisticsRouter extends ContextualProcessor<String, StatisticInput, String, TrendStatistic> {

    public static final String NAME = "statistics-agreements";

    private final AgreementsSnapshot snapshot;
    private StatisticScopes scopes;

    public StatisticsRouter(AgreementsSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public void init(ProcessorContext<String, TrendStatistic> context) {
        super.init(context);
        scopes = new StatisticScopes(snapshot.view(context.getStateStore(PartnerRouter.AGREEMENTS_STORE)));
    }

    @Override
    public void process(Record<String, StatisticInput> record) {
        StatisticInput input = record.value();
        int first = record.key().indexOf('|');
        int second = record.key().indexOf('|', first + 1);
        if (first < 0 || second < 0) {
            return;
        }
        String scopeId = record.key().substring(first + 1, second);
        String key = key(input);
        Instant now = input.windowEnd();
        for (PartnerAgreement agreement : scopes.agreementsOf(scopeId)) {
            if (AgreementPolicy.decideStatistic(agreement, input, now) instanceof StatisticDecision.Deliver deliver) {
                context().forward(new Record<>(key, deliver.statistic(), record.timestamp()));
            }
        }
    }

    /** The output key: {@code WINDOW|windowStart (ISO-8601)|DIMENSION|value}. */
    public static String key(StatisticInput input) {
        return input.window().name() + "|" + input.windowStart() + "|"
                + input.dimension().name() + "|" + input.dimensionValue();
    }
}
