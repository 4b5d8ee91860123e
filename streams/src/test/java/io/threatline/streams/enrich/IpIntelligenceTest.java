package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.IpRangeLoader;
import io.threatline.streams.reference.MaxMindLoader;
import io.threatline.streams.reference.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class IpIntelligenceTest {

    private final TreeMapStore<IpRange> store = new TreeMapStore<>();
    private final IpIntelligence ip = IpIntelligence.overRanges(store);

    @Test
    void shouldFindTheRangeOfAnIpv4AddressInsideIt() throws IOException {
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), store);

        assertThat(ip.lookup(IndicatorType.IPV4, "192.0.2.77")).contains(new IpInfo(64496L, "Example Net, Inc.", "US"));
        assertThat(ip.lookup(IndicatorType.IPV4, "192.0.2.255")).isPresent();
        assertThat(ip.lookup(IndicatorType.IPV4, "198.51.100.0"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(64497L));
    }

    @Test
    void shouldFindTheRangeOfAnIpv6Address() throws IOException {
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), store);

        assertThat(ip.lookup(IndicatorType.IPV6, "2001:db8::42")).contains(new IpInfo(64498L, "IPv6 Example", "NL"));
    }

    @Test
    void shouldFindNothingForAnAddressOutsideEveryRange() throws IOException {
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), store);

        assertThat(ip.lookup(IndicatorType.IPV4, "192.0.3.0")).isEmpty(); // just after a range
        assertThat(ip.lookup(IndicatorType.IPV4, "198.51.100.128")).isEmpty(); // after the /25
        assertThat(ip.lookup(IndicatorType.IPV4, "1.1.1.1")).isEmpty(); // before every range
        assertThat(ip.lookup(IndicatorType.IPV6, "2001:db9::")).isEmpty(); // after every range
    }

    @Test
    void shouldLookUpACidrBlockByItsNetworkAddress() throws IOException {
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), store);

        assertThat(ip.lookup(IndicatorType.IPV4, "192.0.2.128/25"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(64496L));
    }

    @Test
    void shouldAnswerOnlyForIpTypesAndValidAddresses() throws IOException {
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), store);

        assertThat(ip.lookup(IndicatorType.DOMAIN, "192.0.2.1")).isEmpty();
        assertThat(ip.lookup(IndicatorType.IPV4, "not-an-ip")).isEmpty();
    }

    @Test
    void shouldFindAnEnclosingRangeAfterANestedOne() {
        // A /16 holding a /24: an address after the /24 still belongs to the /16
        store.put(
                "00000000000000000000ffffcb000000", new IpRange("203.0.0.0", "203.0.255.255", 1L, "Outer", "AU", "t"));
        store.put("00000000000000000000ffffcb000700", new IpRange("203.0.7.0", "203.0.7.255", 2L, "Inner", "AU", "t"));

        assertThat(ip.lookup(IndicatorType.IPV4, "203.0.7.9"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(2L));
        assertThat(ip.lookup(IndicatorType.IPV4, "203.0.9.9"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(1L));
    }

    @Test
    void shouldLookUpAddressesLoadedFromTheMaxMindTestDatabase() throws IOException {
        new MaxMindLoader().load(TestFiles.path("maxmind/GeoLite2-ASN-Test.mmdb"), store);

        assertThat(ip.lookup(IndicatorType.IPV4, "1.0.0.1")).contains(new IpInfo(15169L, "Google Inc.", null));
        assertThat(ip.lookup(IndicatorType.IPV6, "2400:4000::1"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(4713L));
        // An IPv4-mapped IPv6 indicator is the same address as the IPv4 one
        assertThat(ip.lookup(IndicatorType.IPV6, "::ffff:1.0.0.1"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(15169L));
    }

    @Test
    void shouldWorkOnAKafkaInMemoryStore() throws IOException {
        KeyValueStore<String, IpRange> kafkaStore = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("ip-ranges"), Serdes.String(), ipRangeSerde())
                .withLoggingDisabled()
                .build();
        kafkaStore.init(new MockProcessorContext<>().getStateStoreContext(), kafkaStore);
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), row -> kafkaStore.put(row.key(), row.value()));
        IpIntelligence overKafka = IpIntelligence.overRanges(kafkaStore);

        assertThat(overKafka.lookup(IndicatorType.IPV4, "192.0.2.77"))
                .hasValueSatisfying(i -> assertThat(i.country()).isEqualTo("US"));
        assertThat(overKafka.lookup(IndicatorType.IPV6, "2001:db8::42"))
                .hasValueSatisfying(i -> assertThat(i.asn()).isEqualTo(64498L));
        assertThat(overKafka.lookup(IndicatorType.IPV4, "192.0.3.0")).isEmpty();
        kafkaStore.close();
    }

    private static Serde<IpRange> ipRangeSerde() {
        return Serdes.serdeFrom(
                (topic, range) -> {
                    try {
                        ByteBuffer buffer = range.toByteBuffer();
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        return bytes;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                (topic, bytes) -> {
                    try {
                        return bytes == null ? null : IpRange.fromByteBuffer(ByteBuffer.wrap(bytes));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
