package io.threatline.streams.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.TestFiles.Rows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaxMindLoaderTest {

    private final MaxMindLoader loader = new MaxMindLoader();
    private final Rows<IpRange> rows = new Rows<>();

    @Test
    void shouldLoadEveryNetworkOfTheAsnTestDatabaseOnce() throws IOException {
        LoadResult result = loader.load(TestFiles.path("maxmind/GeoLite2-ASN-Test.mmdb"), rows);

        assertThat(result.problems()).isEmpty();
        assertThat(result.source()).isEqualTo("GeoLite2-ASN-Test.mmdb");
        assertThat(result.rows()).isEqualTo(412);
        assertThat(rows.keys()).doesNotHaveDuplicates();
    }

    @Test
    void shouldWriteIpv4NetworksAsIpv4TextKeyedAsMappedAddresses() throws IOException {
        loader.load(TestFiles.path("maxmind/GeoLite2-ASN-Test.mmdb"), rows);

        // source-data: "1.0.0.0/24": 15169 "Google Inc."
        assertThat(rows.value("00000000000000000000ffff01000000"))
                .isEqualTo(new IpRange("1.0.0.0", "1.0.0.255", 15169L, "Google Inc.", null, "GeoLite2-ASN-Test.mmdb"));
        // "12.81.96.0/19": 7018 without organisation
        IpRange noOrganisation = rows.value("00000000000000000000ffff0c516000");
        assertThat(noOrganisation.getEnd()).isEqualTo("12.81.127.255");
        assertThat(noOrganisation.getAsn()).isEqualTo(7018L);
        assertThat(noOrganisation.getAsOrganization()).isNull();
    }

    @Test
    void shouldWriteIpv6Networks() throws IOException {
        loader.load(TestFiles.path("maxmind/GeoLite2-ASN-Test.mmdb"), rows);

        // source-data: "2400:4000::/22" NTT Communications Corporation, 4713
        IpRange ntt = rows.value("24004000000000000000000000000000");
        assertThat(ntt.getStart()).isEqualTo("2400:4000::");
        assertThat(ntt.getEnd()).isEqualTo("2400:43ff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertThat(ntt.getAsn()).isEqualTo(4713L);
    }

    @Test
    void shouldNotProduceOverlappingRanges() throws IOException {
        loader.load(TestFiles.path("maxmind/GeoLite2-ASN-Test.mmdb"), rows);

        var sorted = rows.rows.stream()
                .sorted(java.util.Comparator.comparing(ReferenceRow::key))
                .toList();
        for (int i = 1; i < sorted.size(); i++) {
            String previousEnd =
                    IpAddressKeys.keyOf(sorted.get(i - 1).value().getEnd()).orElseThrow();
            assertThat(previousEnd)
                    .as(
                            "range %s ends before %s",
                            sorted.get(i - 1).value(), sorted.get(i).value())
                    .isLessThan(sorted.get(i).key());
        }
    }

    @Test
    void shouldFailToOpenAFileThatIsNotAMaxMindDatabase(@TempDir Path dir) throws IOException {
        Path notMmdb = Files.writeString(dir.resolve("fake.mmdb"), "not a database");

        assertThatThrownBy(() -> loader.load(notMmdb, rows)).isInstanceOf(IOException.class);
    }
}
