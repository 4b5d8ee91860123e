package io.threatline.streams.enrich;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * {@link Enrichment} over the reference data's global stores (family aliases, IP ranges, benign
 * lists), which follow their compacted topics while the hub runs.
 */
public final class ReferenceEnrichment implements Enrichment {

    public static final String FAMILY_ALIASES_STORE = "reference-family-aliases";
    public static final String IP_RANGES_STORE = "reference-ip-ranges";
    public static final String BENIGN_STORE = "reference-benign";

    private final FamilyResolver families;
    private final BenignMatcher benign;
    private final IndicatorEnricher enricher;
    private final List<ReadOnlyKeyValueStore<String, ? extends ValueAndTimestamp<?>>> scopeData;

    public ReferenceEnrichment(FamilyResolver families, IpIntelligence ip, BenignMatcher benign) {
        this(families, ip, benign, List.of());
    }

    private ReferenceEnrichment(
            FamilyResolver families,
            IpIntelligence ip,
            BenignMatcher benign,
            List<ReadOnlyKeyValueStore<String, ? extends ValueAndTimestamp<?>>> scopeData) {
        this.families = families;
        this.benign = benign;
        this.enricher = new IndicatorEnricher(families, ip, benign, new ThreatScore());
        this.scopeData = scopeData;
    }

    /** Builds the enrichment from the global stores a processor sees. */
    public static Function<ProcessorContext<?, ?>, Enrichment> fromGlobalStores() {
        return context -> {
            ReadOnlyKeyValueStore<String, ValueAndTimestamp<Object>> aliases = store(context, FAMILY_ALIASES_STORE);
            ReadOnlyKeyValueStore<String, ValueAndTimestamp<Object>> benignEntries = store(context, BENIGN_STORE);
            return new ReferenceEnrichment(
                    new FamilyResolver(ReferenceStores.values(store(context, FAMILY_ALIASES_STORE))),
                    IpIntelligence.overRanges(ReferenceStores.values(store(context, IP_RANGES_STORE))),
                    new BenignMatcher(ReferenceStores.values(store(context, BENIGN_STORE))),
                    List.of(aliases, benignEntries));
        };
    }

    /** An order-independent sum over the family aliases' and benign entries' keys and values (Avro records hash by content). */
    @Override
    public long scopeDataDigest() {
        long digest = 0;
        for (ReadOnlyKeyValueStore<String, ? extends ValueAndTimestamp<?>> store : scopeData) {
            long sum = 0;
            long count = 0;
            try (var it = store.all()) {
                while (it.hasNext()) {
                    var entry = it.next();
                    Object value = entry.value == null ? null : entry.value.value();
                    sum += 31L * entry.key.hashCode() + (value == null ? 0 : value.hashCode()) * 1_000_003L;
                    count++;
                }
            }
            digest = digest * 1_000_000_007L + sum * 7919L + count;
        }
        return digest;
    }

    private static <V> ReadOnlyKeyValueStore<String, ValueAndTimestamp<V>> store(
            ProcessorContext<?, ?> context, String name) {
        return context.getStateStore(name);
    }

    @Override
    public List<String> canonicalFamilies(List<String> reported) {
        return families.canonicalFamilies(reported);
    }

    @Override
    public Optional<String> benignList(IndicatorType type, String canonicalValue) {
        return benign.match(type, canonicalValue);
    }

    /** Country, AS and score; the age for the score is taken at the change's own time, so replays give the same result. */
    @Override
    public Indicator enrich(Indicator indicator) {
        return enricher.enrich(indicator, indicator.getUpdatedAt());
    }
}
