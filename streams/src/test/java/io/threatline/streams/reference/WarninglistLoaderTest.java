package io.threatline.streams.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.BenignMatchKind;
import io.threatline.streams.reference.TestFiles.Rows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarninglistLoaderTest {

    private final WarninglistLoader loader = new WarninglistLoader();
    private final Rows<BenignEntry> rows = new Rows<>();

    @Test
    void shouldLoadRfc1918AsCidrEntriesForIpTypesKeyedByListKindAndValue() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-warninglists/rfc1918/list.json"), rows);

        assertThat(result.problems()).isEmpty();
        assertThat(result.source()).isEqualTo("rfc1918/list.json");
        assertThat(rows.keys())
                .containsExactly(
                        "List of RFC 1918 CIDR blocks|CIDR|10.0.0.0/8",
                        "List of RFC 1918 CIDR blocks|CIDR|172.16.0.0/12",
                        "List of RFC 1918 CIDR blocks|CIDR|192.168.0.0/16");
        BenignEntry entry = rows.rows.get(0).value();
        assertThat(entry.getMatchKind()).isEqualTo(BenignMatchKind.CIDR);
        // ip-src, ip-dst, domain|ip, ip-dst|port, ip-src|port
        assertThat(entry.getIndicatorTypes())
                .containsExactlyInAnyOrder(IndicatorType.IPV4, IndicatorType.IPV6, IndicatorType.DOMAIN);
    }

    @Test
    void shouldCanonicaliseCidrEntriesAndKeepSingleAddressesPlain() throws IOException {
        loader.load(TestFiles.path("misp-warninglists/ipv6-linklocal/list.json"), rows);
        loader.load(TestFiles.path("misp-warninglists/sinkholes/list.json"), rows);

        assertThat(rows.keys())
                .contains(
                        "List of IPv6 link local blocks|CIDR|fe80::/10",
                        "List of known sinkholes|CIDR|104.244.12.0/22",
                        "List of known sinkholes|CIDR|104.155.11.149");
    }

    @Test
    void shouldMapHashAttributesAndIgnoreTypesThreatlineDoesNotHave() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-warninglists/empty-hashes/list.json"), rows);

        assertThat(result.problems()).isEmpty();
        BenignEntry md5 = rows.value("List of known hashes for empty files|STRING|d41d8cd98f00b204e9800998ecf8427e");
        assertThat(md5.getIndicatorTypes())
                .containsExactlyInAnyOrder(IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.SHA256);
    }

    @Test
    void shouldNormaliseHostnamesAndReportTheOneThatIsNot() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-warninglists/example-hostnames/list.json"), rows);

        assertThat(rows.rows)
                .extracting(r -> r.value().getValue())
                .containsExactly("sinkhole.example", "cdn.example.net", "trailing-dot.example.org");
        assertThat(rows.rows.get(0).value().getIndicatorTypes())
                .containsExactlyInAnyOrder(IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.EMAIL);
        assertThat(result.problems())
                .singleElement()
                .satisfies(
                        p -> assertThat(p.location()).isEqualTo("example-hostnames/list.json: list[3] \"bad host\""));
    }

    @Test
    void shouldReportBrokenEntriesByIndexAndLoadTheGoodOnes() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-warninglists/example-broken/list.json"), rows);

        assertThat(rows.rows).extracting(r -> r.value().getValue()).containsExactly("2001:db8::/32", "198.51.100.7");
        assertThat(result.problems())
                .extracting(LoadProblem::location)
                .containsExactly(
                        "example-broken/list.json: list[0] \"10.0.0.5/8\"",
                        "example-broken/list.json: list[1] \"not-an-ip\"",
                        "example-broken/list.json: list[2]",
                        "example-broken/list.json: list[3]");
        assertThat(result.problems().get(0).message()).contains("host bits set");
    }

    @Test
    void shouldSkipRegexesThatDoNotCompile() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-warninglists/example-regex/list.json"), rows);

        assertThat(rows.rows).hasSize(2);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).endsWith("list[2] \"/([unclosed/\"");
            assertThat(p.message()).contains("not a valid regular expression");
        });
    }

    @Test
    void shouldSkipAListOfUnknownTypeOrWithNoApplicableAttributes() throws IOException {
        LoadResult unknownType =
                load("{\"name\":\"n\",\"type\":\"fuzzy\",\"list\":[\"a\"],\"description\":\"\",\"version\":1}");
        LoadResult ssdeepOnly =
                load("{\"name\":\"n\",\"type\":\"string\",\"list\":[\"3::\"],\"matching_attributes\":[\"ssdeep\"]}");

        assertThat(rows.rows).isEmpty();
        assertThat(unknownType.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("\"fuzzy\""));
        assertThat(ssdeepOnly.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("ssdeep"));
    }

    @Test
    void shouldApplyAListWithoutAttributesToEveryType() throws IOException {
        LoadResult result = load("{\"name\":\"any\",\"type\":\"substring\",\"list\":[\"evil\",\"evil\"]}");

        assertThat(result.problems()).isEmpty();
        assertThat(rows.rows).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("any|SUBSTRING|evil");
            assertThat(r.value().getIndicatorTypes()).isEmpty();
        });
    }

    private LoadResult load(String json) throws IOException {
        return loader.load("inline.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), rows);
    }

    @Test
    void shouldReadPhpStyleRegexDelimitersAndFlags() {
        assertThat(WarninglistRegex.compile("/\\.ONION$/i").matcher("abc.onion").find())
                .isTrue();
        assertThat(WarninglistRegex.compile("^a/b$").matcher("a/b").find()).isTrue();
        assertThat(List.of("x.onion.example", "tor.onion.example"))
                .allMatch(v -> WarninglistRegex.compile("/\\.onion\\.example$/")
                        .matcher(v)
                        .find());
    }
}
