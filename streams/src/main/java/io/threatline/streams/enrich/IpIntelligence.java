package io.threatline.streams.enrich;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.IpRange;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Autonomous system and country of IP indicators. */
public interface IpIntelligence {

    /**
     * What is known about an IPV4 or IPV6 indicator (a single address, or a CIDR block by its
     * network address); empty for other types, for a value that is not an address, or when no
     * range holds it.
     */
    Optional<IpInfo> lookup(IndicatorType type, String canonicalValue);

    /** IP intelligence over the IP range store ({@code ti.reference.ip-ranges.v1}). */
    static IpIntelligence overRanges(ReadOnlyKeyValueStore<String, IpRange> ranges) {
        return new RangeStoreIpIntelligence(ranges);
    }

    /** IP intelligence that knows nothing. */
    static IpIntelligence none() {
        return (type, value) -> Optional.empty();
    }
}
