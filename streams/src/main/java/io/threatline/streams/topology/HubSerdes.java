package io.threatline.streams.topology;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.TrendStatistic;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.FamilyAlias;
import io.threatline.contract.reference.IpRange;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.streams.dedup.IndicatorStateSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The hub's value serdes, declared once, all sharing one registry client (a caching REST client in
 * production, an in-memory one under TopologyTestDriver). Keys are plain strings everywhere.
 */
public final class HubSerdes {
    public final ConfluentAvroSerde<ThreatEvent> threatEvent;
    public final ConfluentAvroSerde<Indicator> indicator;
    public final ConfluentAvroSerde<DeadLetter> deadLetter;
    public final ConfluentAvroSerde<PartnerAgreement> agreement;
    public final ConfluentAvroSerde<PartnerIndicator> partnerIndicator;
    public final ConfluentAvroSerde<TrendStatistic> trendStatistic;
    public final ConfluentAvroSerde<FamilyAlias> familyAlias;
    public final ConfluentAvroSerde<IpRange> ipRange;
    public final ConfluentAvroSerde<BenignEntry> benignEntry;
    public final ConfluentAvroSerde<PartnerReport> partnerReport;
    public final ConfluentAvroSerde<FalsePositiveReport> falsePositiveReport;
    public final ConfluentAvroSerde<Suppression> suppression;
    public final ConfluentAvroSerde<io.threatline.contract.Erasure> erasure;
    public final ConfluentAvroSerde<DeliveryReceipt> deliveryReceipt;
    /** The dedup state's own encoding of an indicator (not the indicators topic's, which is the contract's Avro). */
    public final IndicatorStateSerde indicatorState;

    public HubSerdes(SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
        threatEvent = serde(ThreatEvent.class, registry, serdeConfig);
        indicator = serde(Indicator.class, registry, serdeConfig);
        deadLetter = serde(DeadLetter.class, registry, serdeConfig);
        agreement = serde(PartnerAgreement.class, registry, serdeConfig);
        partnerIndicator = serde(PartnerIndicator.class, registry, serdeConfig);
        trendStatistic = serde(TrendStatistic.class, registry, serdeConfig);
        familyAlias = serde(FamilyAlias.class, registry, serdeConfig);
        ipRange = serde(IpRange.class, registry, serdeConfig);
        benignEntry = serde(BenignEntry.class, registry, serdeConfig);
        partnerReport = serde(PartnerReport.class, registry, serdeConfig);
        falsePositiveReport = serde(FalsePositiveReport.class, registry, serdeConfig);
        suppression = serde(Suppression.class, registry, serdeConfig);
        erasure = serde(io.threatline.contract.Erasure.class, registry, serdeConfig);
        deliveryReceipt = serde(DeliveryReceipt.class, registry, serdeConfig);
        indicatorState = new IndicatorStateSerde(indicator.deserializer());
    }

    private static <T extends SpecificRecord> ConfluentAvroSerde<T> serde(
            Class<T> type, SchemaRegistryClient registry, Map<String, ?> config) {
        return ConfluentAvroSerde.specific(type, registry, config, false);
    }
}
