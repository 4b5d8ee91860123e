package io.threatline.streams.enrich;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.IpRange;
import io.threatline.schemas.Result;
import io.threatline.streams.reference.IpAddressKeys;
import io.threatline.streams.reference.IpBlock;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * IP intelligence over the IP range store, whose keys are range starts as 32 hex digits
 * ({@link IpAddressKeys}): the range of an address is found with one reverse range scan from the
 * address's key downwards, taking the first range whose end is at or after the address.
 *
 * <p>Ranges are expected not to overlap (MaxMind databases never do). When a file nests ranges
 * (a /24 inside a /16), the scan looks at up to {@value #MAX_CANDIDATES} ranges below the address,
 * so an address after the end of an inner range still finds the enclosing one when few ranges
 * lie between; the first range found is the innermost. Deeper nesting is not resolved: load
 * flattened ranges.
 */
final class RangeStoreIpIntelligence implements IpIntelligence {

    static final int MAX_CANDIDATES = 8;

    private final ReadOnlyKeyValueStore<String, IpRange> ranges;

    RangeStoreIpIntelligence(ReadOnlyKeyValueStore<String, IpRange> ranges) {
        this.ranges = Objects.requireNonNull(ranges, "ranges");
    }

    @Override
    public Optional<IpInfo> lookup(IndicatorType type, String canonicalValue) {
        if ((type != IndicatorType.IPV4 && type != IndicatorType.IPV6) || canonicalValue == null) {
            return Optional.empty();
        }
        Result<IpBlock> block = IpAddressKeys.parse(canonicalValue);
        if (!block.isOk()) {
            return Optional.empty();
        }
        String key = block.value().firstKey();
        try (KeyValueIterator<String, IpRange> candidates = ranges.reverseRange(null, key)) {
            for (int i = 0; i < MAX_CANDIDATES && candidates.hasNext(); i++) {
                KeyValue<String, IpRange> candidate = candidates.next();
                IpRange range = candidate.value;
                if (range == null) {
                    continue;
                }
                Optional<String> end = IpAddressKeys.keyOf(range.getEnd());
                if (end.isPresent() && end.get().compareTo(key) >= 0) {
                    if (range.getAsn() == null && range.getAsOrganization() == null && range.getCountry() == null) {
                        return Optional.empty();
                    }
                    return Optional.of(new IpInfo(range.getAsn(), range.getAsOrganization(), range.getCountry()));
                }
            }
        }
        return Optional.empty();
    }
}
