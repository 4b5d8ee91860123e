package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.BenignMatchKind;
import io.threatline.streams.reference.TestFiles;
import io.threatline.streams.reference.WarninglistLoader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BenignMatcherTest {

    private static final String RFC1918 = "List of RFC 1918 CIDR blocks";
    private static final String HOSTNAMES = "Example sinkhole hostnames";

    private final TreeMapStore<BenignEntry> store = new TreeMapStore<>();
    private final AtomicLong nanos = new AtomicLong();
    private final BenignMatcher matcher = new BenignMatcher(store, Duration.ofSeconds(30), nanos::get);

    @BeforeEach
    void loadLists() throws IOException {
        WarninglistLoader loader = new WarninglistLoader();
        for (String list : List.of(
                "rfc1918",
                "sinkholes",
                "public-dns-v4",
                "empty-hashes",
                "ipv6-linklocal",
                "example-hostnames",
                "example-regex",
                "example-substring")) {
            loader.load(TestFiles.path("misp-warninglists/" + list + "/list.json"), store);
        }
    }

    @Test
    void shouldSuppressPrivateAddressesAndBlocksInRfc1918() {
        assertThat(matcher.match(IndicatorType.IPV4, "10.1.2.3")).contains(RFC1918);
        assertThat(matcher.match(IndicatorType.IPV4, "172.31.255.255")).contains(RFC1918);
        assertThat(matcher.match(IndicatorType.IPV4, "192.168.0.0/24")).contains(RFC1918);
    }

    @Test
    void shouldNotSuppressPublicAddressesOrBlocksWiderThanTheList() {
        assertThat(matcher.match(IndicatorType.IPV4, "172.32.0.1")).isEmpty();
        assertThat(matcher.match(IndicatorType.IPV4, "11.0.0.1")).isEmpty();
        assertThat(matcher.match(IndicatorType.IPV4, "10.0.0.0/7")).isEmpty(); // wider than 10.0.0.0/8
    }

    @Test
    void shouldMatchIpv6BlocksAndSingleAddressEntries() {
        assertThat(matcher.match(IndicatorType.IPV6, "fe80::1")).contains("List of IPv6 link local blocks");
        assertThat(matcher.match(IndicatorType.IPV6, "fec0::1")).isEmpty();
        assertThat(matcher.match(IndicatorType.IPV4, "8.8.8.8")).contains("List of known IPv4 public DNS resolvers");
        assertThat(matcher.match(IndicatorType.IPV4, "8.8.8.9")).isEmpty();
        assertThat(matcher.match(IndicatorType.IPV4, "104.244.13.1")).contains("List of known sinkholes");
    }

    @Test
    void shouldMatchAHostnameItsSubdomainsAndUrlsAndEmailsOnThem() {
        assertThat(matcher.match(IndicatorType.DOMAIN, "sinkhole.example")).contains(HOSTNAMES);
        assertThat(matcher.match(IndicatorType.DOMAIN, "a.b.sinkhole.example")).contains(HOSTNAMES);
        assertThat(matcher.match(IndicatorType.URL, "http://c2.sinkhole.example:8080/gate.php?id=1"))
                .contains(HOSTNAMES);
        assertThat(matcher.match(IndicatorType.URL, "https://user@img.cdn.example.net/x"))
                .contains(HOSTNAMES);
        assertThat(matcher.match(IndicatorType.EMAIL, "abuse@trailing-dot.example.org"))
                .contains(HOSTNAMES);
    }

    @Test
    void shouldNotMatchAHostThatOnlyEndsWithTheSameLetters() {
        assertThat(matcher.match(IndicatorType.DOMAIN, "notsinkhole.example")).isEmpty();
        assertThat(matcher.match(IndicatorType.DOMAIN, "example")).isEmpty();
        assertThat(matcher.match(IndicatorType.URL, "http://evil.test/sinkhole.example"))
                .isEmpty();
    }

    @Test
    void shouldSuppressTheMd5OfTheEmptyFile() {
        assertThat(matcher.match(IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427e"))
                .contains("List of known hashes for empty files");
        assertThat(matcher.match(
                        IndicatorType.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
                .contains("List of known hashes for empty files");
        assertThat(matcher.match(IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427f"))
                .isEmpty();
    }

    @Test
    void shouldApplyAnEntryOnlyToTheIndicatorTypesOfItsList() {
        // The empty-file md5 is on a list for hashes: as a (strange) domain it does not match
        assertThat(matcher.match(IndicatorType.DOMAIN, "d41d8cd98f00b204e9800998ecf8427e"))
                .isEmpty();
        // The RFC 1918 list applies to IP types (and domain|ip), never to hashes
        assertThat(matcher.match(IndicatorType.MD5, "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldMatchSubstringsAndRegexes() {
        assertThat(matcher.match(IndicatorType.URL, "http://blog.test/WP-CONTENT/plugins/akismet/a.js"))
                .contains("Example substrings");
        assertThat(matcher.match(IndicatorType.DOMAIN, "download.windowsupdate.test"))
                .contains("Example substrings");
        assertThat(matcher.match(IndicatorType.DOMAIN, "HIDDEN.ONION.EXAMPLE".toLowerCase()))
                .contains("Example regexes");
        assertThat(matcher.match(IndicatorType.URL, "https://telemetry.example.com/v1"))
                .contains("Example regexes");
        assertThat(matcher.match(IndicatorType.URL, "https://x.test/?u=https://telemetry.example.com/"))
                .isEmpty();
    }

    @Test
    void shouldMatchUrlStringEntriesExactlyAndOtherStringsIgnoringCase() {
        store.put("k1", new BenignEntry("Urls", BenignMatchKind.STRING, "http://example.com/Path", List.of()));
        store.put(
                "k2", new BenignEntry("Domains", BenignMatchKind.STRING, "Example.COM", List.of(IndicatorType.DOMAIN)));

        assertThat(matcher.match(IndicatorType.URL, "http://example.com/Path")).contains("Urls");
        assertThat(matcher.match(IndicatorType.URL, "http://example.com/path")).isEmpty();
        assertThat(matcher.match(IndicatorType.DOMAIN, "example.com")).contains("Domains");
    }

    @Test
    void shouldSkipARegexThatDoesNotCompileAndStillMatchTheOthers() {
        store.put("bad", new BenignEntry("Bad regexes", BenignMatchKind.REGEX, "([unclosed", List.of()));
        store.put("bad2", new BenignEntry("Bad regexes", BenignMatchKind.REGEX, "/(/", List.of()));

        assertThat(matcher.match(IndicatorType.DOMAIN, "([unclosed")).isEmpty();
        assertThat(matcher.match(IndicatorType.DOMAIN, "x.onion.example")).contains("Example regexes");
    }

    @Test
    void shouldIgnoreUnknownMatchKindsAndEntriesThatDoNotParse() {
        store.put("u", new BenignEntry("Future kind", BenignMatchKind.UNKNOWN, "anything", List.of()));
        store.put("c", new BenignEntry("Broken cidr", BenignMatchKind.CIDR, "not-a-block", List.of()));

        assertThat(matcher.match(IndicatorType.DOMAIN, "anything")).isEmpty();
        assertThat(matcher.match(IndicatorType.IPV4, "1.2.3.4")).isEmpty();
    }

    @Test
    void shouldScanTheStoreOnceWhileItsCountAndAgeAllow() {
        for (int i = 0; i < 1000; i++) {
            matcher.match(IndicatorType.IPV4, "10.0.0." + (i % 256));
        }

        assertThat(store.allScans).isEqualTo(1);
    }

    @Test
    void shouldRebuildWhenTheEntryCountChanges() {
        assertThat(matcher.match(IndicatorType.DOMAIN, "new.example")).isEmpty();

        store.put("new", new BenignEntry("New list", BenignMatchKind.HOSTNAME, "new.example", List.of()));

        assertThat(matcher.match(IndicatorType.DOMAIN, "new.example")).contains("New list");
        assertThat(store.allScans).isEqualTo(2);
    }

    @Test
    void shouldSeeAReplacedEntryOnlyAfterMaxAge() {
        store.put("swap", new BenignEntry("Old", BenignMatchKind.STRING, "old.example", List.of()));
        assertThat(matcher.match(IndicatorType.DOMAIN, "old.example")).contains("Old");

        // Same key replaced: the count does not change
        store.put("swap", new BenignEntry("New", BenignMatchKind.STRING, "new.example", List.of()));
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(matcher.match(IndicatorType.DOMAIN, "new.example")).isEmpty();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(matcher.match(IndicatorType.DOMAIN, "new.example")).contains("New");
        assertThat(matcher.match(IndicatorType.DOMAIN, "old.example")).isEmpty();
    }

    @Test
    void shouldPreferTheAlphabeticallyFirstListWhenSeveralMatch() {
        store.put("a", new BenignEntry("B list", BenignMatchKind.CIDR, "10.0.0.0/8", List.of()));
        store.put("b", new BenignEntry("A list", BenignMatchKind.CIDR, "10.0.0.0/8", List.of()));

        assertThat(matcher.match(IndicatorType.IPV4, "10.9.9.9")).contains("A list");
    }

    @Test
    void shouldExtractTheHostOfUrlsAndEmails() {
        assertThat(BenignMatcher.host(IndicatorType.URL, "https://u:p@Host.Example:8443/a?b#c"))
                .isEqualTo("host.example");
        assertThat(BenignMatcher.host(IndicatorType.URL, "http://[2001:db8::1]:8080/"))
                .isEqualTo("[2001:db8::1]");
        assertThat(BenignMatcher.host(IndicatorType.EMAIL, "a@b.example")).isEqualTo("b.example");
        assertThat(BenignMatcher.host(IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427e"))
                .isNull();
    }

    @Test
    void shouldMatchAUrlWhoseHostIsAPrivateAddress() {
        assertThat(matcher.match(IndicatorType.URL, "http://192.168.1.1/admin")).isEmpty(); // rfc1918 is not for URLs
        store.put(
                "u",
                new BenignEntry(
                        "Private for URLs", BenignMatchKind.CIDR, "192.168.0.0/16", List.of(IndicatorType.URL)));

        assertThat(matcher.match(IndicatorType.URL, "http://192.168.1.1/admin")).contains("Private for URLs");
        assertThat(matcher.match(IndicatorType.URL, "http://[fe80::1]/")).isEmpty();
    }
}
