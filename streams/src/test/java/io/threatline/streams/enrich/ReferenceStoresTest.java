package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.IpRangeLoader;
import io.threatline.streams.reference.TestFiles;
import java.io.IOException;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;

class ReferenceStoresTest {

    @Test
    void shouldLetTheLookupsReadATimestampedGlobalStore() throws IOException {
        TreeMapStore<ValueAndTimestamp<IpRange>> timestamped = new TreeMapStore<>();
        new IpRangeLoader()
                .load(
                        TestFiles.path("ip-ranges/ranges.csv"),
                        row -> timestamped.put(row.key(), ValueAndTimestamp.make(row.value(), 42L)));

        IpIntelligence ip = IpIntelligence.overRanges(ReferenceStores.values(timestamped));

        assertThat(ip.lookup(IndicatorType.IPV4, "192.0.2.1"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(64496L));
        assertThat(ReferenceStores.values(timestamped).approximateNumEntries()).isEqualTo(3);
        assertThat(ReferenceStores.values(timestamped).get("missing")).isNull();
    }
}
