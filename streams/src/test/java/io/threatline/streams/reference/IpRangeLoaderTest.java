package io.threatline.streams.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.TestFiles.Rows;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class IpRangeLoaderTest {

    private final IpRangeLoader loader = new IpRangeLoader();
    private final Rows<IpRange> rows = new Rows<>();

    @Test
    void shouldLoadStartEndRangesKeyedBySortableHexOfTheStart() throws IOException {
        LoadResult result = loader.load(TestFiles.path("ip-ranges/ranges.csv"), rows);

        assertThat(rows.keys())
                .containsExactly(
                        "00000000000000000000ffffc0000200",
                        "00000000000000000000ffffc6336400",
                        "20010db8000000000000000000000000");
        IpRange v4 = rows.value("00000000000000000000ffffc0000200");
        assertThat(v4)
                .isEqualTo(new IpRange("192.0.2.0", "192.0.2.255", 64496L, "Example Net, Inc.", "US", "ranges.csv"));
        assertThat(rows.value("00000000000000000000ffffc6336400").getAsn()).isEqualTo(64497L);
        IpRange v6 = rows.value("20010db8000000000000000000000000");
        assertThat(v6.getStart()).isEqualTo("2001:db8::");
        assertThat(v6.getEnd()).isEqualTo("2001:db8:0:ffff:ffff:ffff:ffff:ffff");
        assertThat(result.rows()).isEqualTo(3);
    }

    @Test
    void shouldReportEachBadLineByFileAndLineNumberAndKeepGoing() throws IOException {
        LoadResult result = loader.load(TestFiles.path("ip-ranges/ranges.csv"), rows);

        assertThat(result.problems())
                .extracting(LoadProblem::location)
                .containsExactly(
                        "ranges.csv:6",
                        "ranges.csv:7",
                        "ranges.csv:8",
                        "ranges.csv:9",
                        "ranges.csv:10",
                        "ranges.csv:11");
        assertThat(result.problems().get(0).message()).contains("start 203.0.113.200 is after end 203.0.113.100");
        assertThat(result.problems().get(1).message()).containsIgnoringCase("octal");
        assertThat(result.problems().get(2).message()).contains("asn 'not-a-number'");
        assertThat(result.problems().get(3).message()).contains("country 'France'");
        assertThat(result.problems().get(4).message()).contains("not both IPv4 or both IPv6");
        assertThat(result.problems().get(5).message()).contains("unterminated quoted field");
    }

    @Test
    void shouldLoadCidrNetworksFromTsvWithMaxMindColumnNames() throws IOException {
        LoadResult result = loader.load(TestFiles.path("ip-ranges/networks.tsv"), rows);

        assertThat(rows.value("00000000000000000000ffffc0000200"))
                .isEqualTo(new IpRange("192.0.2.0", "192.0.2.255", 64496L, "Example Net", "US", "networks.tsv"));
        IpRange v6 = rows.value("20010db8abcd00000000000000000000");
        assertThat(v6.getEnd()).isEqualTo("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff");
        assertThat(v6.getCountry()).isEqualTo("CH");
        // A range with no asn, organisation or country still loads (it shadows nothing)
        assertThat(rows.value("00000000000000000000ffff64400000").getAsn()).isNull();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("networks.tsv:4");
            assertThat(p.message()).contains("host bits set").contains("10.0.0.0/8");
        });
    }

    @Test
    void shouldRejectAFileWhoseHeaderHasNoAddressColumns() throws IOException {
        LoadResult result = loader.load(TestFiles.path("ip-ranges/no-address-columns.csv"), rows);

        assertThat(rows.rows).isEmpty();
        assertThat(result.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.location()).isEqualTo("no-address-columns.csv:1"));
    }

    @Test
    void shouldSplitQuotedFieldsWithDelimitersAndEscapedQuotes() {
        assertThat(IpRangeLoader.split("a,\"b, \"\"c\"\"\",d", ',')).containsExactly("a", "b, \"c\"", "d");
        assertThat(IpRangeLoader.split("a\t\tb", '\t')).containsExactly("a", "", "b");
        assertThat(IpRangeLoader.split("\"open", ',')).isNull();
    }
}
