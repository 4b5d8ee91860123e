package io.threatline.producer.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.Tlp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The feeds file of {@code threatline pull}: what it reads, and every refusal naming its line. */
class FeedFileTest {

    private static final String TAXII = """
            feeds:
              - name: example-taxii
                kind: taxii
                url: https://taxii.example.org/api1/collections/91a7b528
                vendor: example-cti
                interval: PT15M
                username: threatline
                password: secret:feeds/example
                tlp: amber+strict
              - name: urlhaus
                kind: csv
                url: https://feeds.example.org/urlhaus.csv
                vendor: abuse
                columns:
                  value: url
                  observed_at: dateadded
            """;

    @Test
    void shouldReadEveryFeedWithItsDefaults() {
        List<FeedSettings> feeds = FeedFile.parse(TAXII, "feeds.yaml");
        assertThat(feeds).hasSize(2);
        FeedSettings taxii = feeds.get(0);
        assertThat(taxii.kind()).isEqualTo(FeedKind.TAXII);
        assertThat(taxii.url())
                .as("a collection URL ends in '/'")
                .isEqualTo(URI.create("https://taxii.example.org/api1/collections/91a7b528/"));
        assertThat(taxii.interval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(taxii.passwordRef()).isEqualTo("secret:feeds/example");
        assertThat(taxii.tlp()).isEqualTo(Tlp.AMBER_STRICT);
        FeedSettings csv = feeds.get(1);
        assertThat(csv.interval()).isEqualTo(Duration.ofHours(1));
        assertThat(csv.tlp()).isEqualTo(Tlp.AMBER);
        assertThat(csv.confidence()).isEqualTo(50);
        assertThat(csv.columns()).isEqualTo(Map.of("value", "url", "observed_at", "dateadded"));
    }

    @Test
    void shouldReadTheExampleFeedsFile() {
        List<FeedSettings> feeds = FeedFile.load(java.nio.file.Path.of("../examples/feeds/feeds.yaml"));
        assertThat(feeds).extracting(FeedSettings::kind).containsExactly(FeedKind.TAXII, FeedKind.MISP, FeedKind.CSV);
    }

    @Test
    void shouldRefuseAFileNamingTheLineAndField() {
        assertThat(problem(TAXII.replace("secret:feeds/example", "hunter2")))
                .isEqualTo("feeds.yaml:8: password: must be a secret reference (secret:<name> or"
                        + " ${THREATLINE_SECRET_...}), never the secret itself");
        assertThat(problem(TAXII.replace("kind: csv", "kind: rss"))).startsWith("feeds.yaml:11: kind: 'rss' is not");
        assertThat(problem(TAXII.replace("interval: PT15M", "interval: PT10S")))
                .startsWith("feeds.yaml:6: interval: must be at least PT1M");
        assertThat(problem(TAXII.replace("    tlp: amber+strict", "    tlpp: amber")))
                .startsWith("feeds.yaml:9: tlpp: unknown field");
        assertThat(problem(TAXII.replace("name: urlhaus", "name: example-taxii")))
                .startsWith("feeds.yaml:10: name: feed 'example-taxii' is named twice");
        assertThat(problem(TAXII.replace("https://feeds.example.org/urlhaus.csv", "ftp://feeds.example.org/x")))
                .startsWith("feeds.yaml:12: url: must be an https");
        assertThat(problem(TAXII.replace("https://feeds.example.org/urlhaus.csv", "https://u:p@feeds.example.org/x")))
                .startsWith("feeds.yaml:12: url: must not carry credentials");
        assertThat(problem(TAXII.replace("      value: url", "      ioc: url")))
                .startsWith("feeds.yaml:15: columns.ioc: not a column Threatline reads");
        assertThat(problem(TAXII.replace("    username: threatline\n", ""))).contains("go together");
        assertThat(problem(TAXII.replace("https://taxii.example.org", "http://taxii.example.org")))
                .startsWith("feeds.yaml:4: url: credentials go over https only");
        assertThat(problem(TAXII.replace("vendor: abuse", "vendor: Abuse!"))).startsWith("feeds.yaml:13: vendor:");
        assertThat(problem("feeds: []\n")).contains("no feeds");
        assertThat(problem("feeds:\n  - name: [\n")).startsWith("feeds.yaml:").contains("not valid YAML");
        assertThat(problem(TAXII + "---\nfeeds: []\n")).contains("more than one document");
    }

    @Test
    void shouldMapCsvColumnsAndSetCollisionsAside() {
        assertThat(HttpFileFeed.mapHeader("ioc,Type,first_seen", Map.of("value", "ioc", "type", "ioc_type")))
                .as("a feed column named like a mapped one is set aside")
                .isEqualTo("value,set-aside-Type,first_seen");
        assertThat(HttpFileFeed.mapHeader("\"IOC\",ioc type", Map.of("value", "ioc", "type", "ioc_type")))
                .isEqualTo("value,type");
        assertThat(HttpFileFeed.mapHeader("a,b", Map.of())).isEqualTo("a,b");
    }

    private static String problem(String yaml) {
        try {
            FeedFile.parse(yaml, "feeds.yaml");
        } catch (FeedFileException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }
}
