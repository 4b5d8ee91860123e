package io.threatline.streams.topology;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.FamilyAlias;
import io.threatline.contract.reference.IpRange;
import io.threatline.schemas.topics.ReferenceKind;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubConfig;
import io.threatline.streams.agreements.AgreementReconciler;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.dedup.IndicatorMerger;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.enrich.ReferenceEnrichment;
import io.threatline.streams.errors.BoundedSerde;
import io.threatline.streams.inbound.Suppressions;
import io.threatline.streams.statistics.StatisticsTopology;
import io.threatline.streams.validate.ValidateProcessor;
import io.threatline.streams.validate.Validated;
import java.time.Clock;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.Stores;

/**
 * The hub's topology (DESIGN §3–7), built from its inputs and doing no I/O:
 * <pre>
 * sensor events (raw bytes: the shared topic, each vendor's own topic, the operator's actions)
 * and partners' reports (each partner's inbound topic, docs/sharing-back.md)
 *   → validate      → dead letter (undeserializable or invalid, original bytes kept; suppressed indicators)
 *                   → for a report: its receipt request
 *   → [repartition by canonical id, only for records not already keyed by it]
 *   → dedup         → indicators (NEW / UPDATE / EXPIRE / REVOKE), enriched from reference data
 *     + agreements  → ti.partner.&lt;partner&gt;.indicators.v1, filtered and redacted per partner, in the
 *                     same processor and state record as the dedup ({@link DedupProcessor}); a wall-clock
 *                     sweep backfills, retracts or replays when the terms change ({@link AgreementReconciler})
 *   → statistics    → ti.partner.&lt;partner&gt;.statistics.v1, final hourly/daily counts of NEW indicators
 *                     per dimension value, with trend, per agreement ({@link StatisticsTopology})
 * </pre>
 */
public final class HubTopology {

    private HubTopology() {}

    /**
     * @param enrichment creates the reference-data lookups from a processor's context (global stores)
     */
    public static Topology build(
            HubConfig config,
            HubSerdes serdes,
            HubCounters counters,
            Function<ProcessorContext<?, ?>, Enrichment> enrichment) {
        return build(config, serdes, counters, enrichment, Clock.systemUTC());
    }

    /**
     * @param clock the hub's own clock, by which it stamps what it reads and judges agreements' periods,
     *     embargoes and statistics windows (docs/agreements.md, "Time is the hub's"); the system clock
     *     but for a simulation (`threatline run`) or a test
     */
    public static Topology build(
            HubConfig config,
            HubSerdes serdes,
            HubCounters counters,
            Function<ProcessorContext<?, ?>, Enrichment> enrichment,
            Clock clock) {
        ThreatlineTopics topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();

        // The agreements: a global store kept by the snapshot's updater, decoded once per change for the routers.
        AgreementsSnapshot agreements = new AgreementsSnapshot();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(PartnerRouter.AGREEMENTS_STORE),
                                Serdes.String(),
                                serdes.agreement)
                        .withLoggingDisabled(),
                topics.agreements(),
                Consumed.with(Serdes.String(), serdes.agreement).withName("agreements-source"),
                agreements::updater);
        builder.globalTable(
                topics.reference(ReferenceKind.FAMILY_ALIASES),
                Consumed.with(Serdes.String(), serdes.familyAlias).withName("family-aliases-source"),
                Materialized.<String, FamilyAlias>as(
                                Stores.inMemoryKeyValueStore(ReferenceEnrichment.FAMILY_ALIASES_STORE))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.familyAlias));
        // IP ranges can be millions of rows (a full MaxMind database): on disk.
        builder.globalTable(
                topics.reference(ReferenceKind.IP_RANGES),
                Consumed.with(Serdes.String(), serdes.ipRange).withName("ip-ranges-source"),
                Materialized.<String, IpRange>as(Stores.persistentKeyValueStore(ReferenceEnrichment.IP_RANGES_STORE))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.ipRange));
        builder.globalTable(
                topics.reference(ReferenceKind.BENIGN),
                Consumed.with(Serdes.String(), serdes.benignEntry).withName("benign-source"),
                Materialized.<String, BenignEntry>as(Stores.inMemoryKeyValueStore(ReferenceEnrichment.BENIGN_STORE))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(serdes.benignEntry));
        // Suppressed indicators (docs/sharing-back.md): refused by validation, in memory (a handful).
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(Suppressions.STORE), Serdes.String(), serdes.suppression)
                        .withLoggingDisabled(),
                topics.suppressions(),
                Consumed.with(Serdes.String(), serdes.suppression).withName("suppressions-source"),
                Suppressions::updater);
        // Erased indicators (docs/data-protection.md), by reference: in memory (a handful).
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(io.threatline.streams.privacy.Erasures.STORE),
                                Serdes.String(),
                                serdes.erasure)
                        .withLoggingDisabled(),
                topics.erasures(),
                Consumed.with(Serdes.String(), serdes.erasure).withName("erasures-source"),
                () -> io.threatline.streams.privacy.Erasures.updater(
                        config.indicatorKey(), counters.erasureKeyMismatches::increment));
        // Every record the hub writes from a sensor's event is bounded in size (docs/security.md).
        BoundedSerde<Indicator> indicators = BoundedSerde.of(serdes.indicator);
        BoundedSerde<PartnerIndicator> partnerIndicators = BoundedSerde.of(serdes.partnerIndicator);
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DedupProcessor.STATE_STORE),
                Serdes.String(),
                BoundedSerde.of(serdes.indicatorState)));
        // Only for a hub upgraded in place: the holders as kept before the state record carried them, moved at task
        // start.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DedupProcessor.FORMER_DELIVERED_STORE), Serdes.String(), Serdes.String()));
        // The expiry index is derived from the state: not logged, made good from the state when a task starts.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DedupProcessor.EXPIRY_STORE), Serdes.String(), Serdes.String())
                .withLoggingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PartnerRouter.EMBARGO_STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DedupProcessor.FORGET_STORE), Serdes.String(), Serdes.String()));
        // One entry per partner: kept in memory (no RocksDB instance of their own), restored from their changelogs.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AgreementReconciler.RECONCILE_STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AgreementReconciler.TERMS_STORE), Serdes.String(), serdes.agreement));

        // Sensors' events and partners' reports (their inbound topics, docs/sharing-back.md): one source, one
        // validation.
        KStream<String, Validated> validated = builder.stream(
                        java.util.regex.Pattern.compile(
                                topics.sensorInputPattern().pattern() + "|"
                                        + topics.partnerInboundPattern().pattern()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("sensor-events"))
                .process(
                        () -> new ValidateProcessor(
                                serdes.threatEvent.deserializer(),
                                counters,
                                config.registryWait(),
                                config.maxRecordBytes(),
                                new SensorSources(topics),
                                clock,
                                serdes.partnerReport.deserializer(),
                                topics,
                                agreements,
                                config.indicatorKey()),
                        Named.as("validate"));

        var branches = validated
                .split(Named.as("validated-"))
                .branch((k, v) -> v instanceof Validated.Rejected, Branched.as("rejected"))
                .branch((k, v) -> v instanceof Validated.Side, Branched.as("side"))
                .branch((k, v) -> ((Validated.Valid) v).keyedByCanonicalId(), Branched.as("keyed"))
                .defaultBranch(Branched.as("rekey"));
        branches.get("validated-rejected")
                .mapValues(v -> ((Validated.Rejected) v).deadLetter(), Named.as("dead-letter-values"))
                .to(
                        topics.deadLetter(),
                        Produced.<String, DeadLetter>with(Serdes.String(), serdes.deadLetter)
                                .withName("dead-letter"));

        // What partners' reports add here: their receipt requests.
        branches.get("validated-side")
                .to(
                        (key, value, context) -> ((Validated.Side) value).topic(),
                        Produced.with(Serdes.String(), sideRecords(serdes)).withName("partner-report-records"));

        KStream<String, ThreatEvent> keyed =
                branches.get("validated-keyed").mapValues(v -> ((Validated.Valid) v).event(), Named.as("keyed-events"));
        KStream<String, ThreatEvent> rekeyed = branches.get("validated-rekey")
                .mapValues(v -> ((Validated.Valid) v).event(), Named.as("rekey-events"))
                .repartition(
                        Repartitioned.with(Serdes.String(), serdes.threatEvent).withName("events-by-indicator"));

        // Dedup and agreements in one processor: one read and one write of an indicator's state per event.
        KStream<String, SpecificRecord> output = keyed.merge(rekeyed, Named.as("events"))
                .process(
                        () -> new DedupProcessor(
                                e -> new IndicatorMerger(config.lifetimes(), config.maxSources(), e::canonicalFamilies),
                                enrichment,
                                config.scanInterval(),
                                counters,
                                new PartnerRouter(
                                        config.scanInterval(), counters, agreements, config.backfillRate(), clock),
                                config.indicatorKey(),
                                config.forgetAfter()),
                        Named.as("dedup"),
                        DedupProcessor.STATE_STORE,
                        DedupProcessor.EXPIRY_STORE,
                        DedupProcessor.FORGET_STORE,
                        DedupProcessor.FORMER_DELIVERED_STORE,
                        PartnerRouter.EMBARGO_STORE,
                        AgreementReconciler.RECONCILE_STORE,
                        AgreementReconciler.TERMS_STORE);
        // Indicator changes to the indicators topic, partner records each to its partner's topic.
        output.to(
                (key, value, context) -> value instanceof PartnerIndicator p
                        ? topics.partnerIndicators(p.getPartnerId())
                        : value instanceof FalsePositiveReport
                                ? topics.falsePositives()
                                : value instanceof Suppression
                                        ? topics.suppressions()
                                        : value instanceof io.threatline.contract.Erasure
                                                ? topics.erasures()
                                                : topics.indicators(),
                Produced.with(Serdes.String(), byType(indicators, partnerIndicators, serdes))
                        .withName(DedupProcessor.OUTPUT_SINK));

        // Only indicator changes reach the statistics: the processor sends partner records to the sink alone.
        @SuppressWarnings("unchecked")
        KStream<String, Indicator> changes = (KStream<String, Indicator>) (KStream<String, ?>) output;
        StatisticsTopology.build(
                changes, config.statisticsGrace(), config.statisticsFlushInterval(), serdes, topics, agreements);

        return builder.build();
    }

    /** Serialises the record a partner's report adds to another topic: its receipt request. */
    private static Serde<Validated> sideRecords(HubSerdes serdes) {
        Serializer<DeliveryReceipt> receipt = serdes.deliveryReceipt.serializer();
        Serializer<Validated> serializer =
                (topic, v) -> receipt.serialize(topic, (DeliveryReceipt) ((Validated.Side) v).value());
        Deserializer<Validated> deserializer = (topic, bytes) -> {
            throw new UnsupportedOperationException("the partner report records' sink only writes");
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /**
     * Serialises an indicator change, a partner record, or what a partner's false positive records (its
     * report, a suppression), each with its own serde; the sink never reads.
     */
    private static Serde<SpecificRecord> byType(
            Serde<Indicator> indicators, Serde<PartnerIndicator> partnerIndicators, HubSerdes serdes) {
        Serializer<Indicator> indicator = indicators.serializer();
        Serializer<PartnerIndicator> partner = partnerIndicators.serializer();
        Serializer<FalsePositiveReport> falsePositive = serdes.falsePositiveReport.serializer();
        Serializer<Suppression> suppression = serdes.suppression.serializer();
        Serializer<io.threatline.contract.Erasure> erasure = serdes.erasure.serializer();
        Serializer<SpecificRecord> serializer = (topic, value) -> {
            if (value instanceof PartnerIndicator p) {
                return partner.serialize(topic, p);
            }
            if (value instanceof FalsePositiveReport f) {
                return falsePositive.serialize(topic, f);
            }
            if (value instanceof Suppression x) {
                return suppression.serialize(topic, x);
            }
            if (value instanceof io.threatline.contract.Erasure x) {
                return erasure.serialize(topic, x);
            }
            return indicator.serialize(topic, (Indicator) value);
        };
        Deserializer<SpecificRecord> deserializer = (topic, bytes) -> {
            throw new UnsupportedOperationException("the hub's output sink only writes");
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
