package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.Tlp;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.FamilyAlias;
import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.IpRangeLoader;
import io.threatline.streams.reference.MispGalaxyAliasLoader;
import io.threatline.streams.reference.TestFiles;
import io.threatline.streams.reference.WarninglistLoader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndicatorEnricherTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private final TreeMapStore<FamilyAlias> aliases = new TreeMapStore<>();
    private final TreeMapStore<IpRange> ranges = new TreeMapStore<>();
    private final TreeMapStore<BenignEntry> benign = new TreeMapStore<>();
    private IndicatorEnricher enricher;

    @BeforeEach
    void setUp() throws IOException {
        new MispGalaxyAliasLoader().load(TestFiles.path("misp-galaxy/malpedia.json"), aliases);
        new IpRangeLoader().load(TestFiles.path("ip-ranges/ranges.csv"), ranges);
        new WarninglistLoader().load(TestFiles.path("misp-warninglists/rfc1918/list.json"), benign);
        new WarninglistLoader().load(TestFiles.path("misp-warninglists/empty-hashes/list.json"), benign);
        enricher = new IndicatorEnricher(
                new FamilyResolver(aliases),
                IpIntelligence.overRanges(ranges),
                new BenignMatcher(benign),
                new ThreatScore(),
                vendor -> 100,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void shouldSetCanonicalFamiliesAsnCountryAndScoreOfAnIpIndicator() {
        Indicator indicator = indicator(
                IndicatorType.IPV4,
                "192.0.2.10",
                List.of("Caphaw", "unknown-thing"),
                List.of("vendor-a", "Vendor-A", "vendor-b"),
                80,
                NOW);

        Indicator enriched = enricher.enrich(indicator);

        assertThat(enriched.getMalwareFamilies()).containsExactly("Shylock", "unknown-thing");
        assertThat(enriched.getAsn()).isEqualTo(64496L);
        assertThat(enriched.getAsOrganization()).isEqualTo("Example Net, Inc.");
        assertThat(enriched.getCountry()).isEqualTo("US");
        assertThat(enriched.getScore()).isEqualTo(91); // two independent vendors at confidence 80
        assertThat(indicator.getAsn()).as("input untouched").isNull();
    }

    @Test
    void shouldDecayTheScoreWithTimeSinceLastSeen() {
        Indicator indicator =
                indicator(IndicatorType.IPV4, "192.0.2.10", List.of(), List.of("v"), 80, NOW.minus(Duration.ofDays(7)));

        assertThat(enricher.enrich(indicator).getScore()).isEqualTo(40);
        assertThat(enricher.enrich(indicator, NOW.minus(Duration.ofDays(7))).getScore())
                .isEqualTo(80);
    }

    @Test
    void shouldLeaveIpFieldsAloneForNonIpIndicatorsAndUnknownAddresses() {
        Indicator domain = indicator(IndicatorType.DOMAIN, "192.0.2.10.example", List.of(), List.of("v"), 50, NOW);
        Indicator unknownAddress = Indicator.newBuilder(
                        indicator(IndicatorType.IPV4, "203.0.113.9", List.of(), List.of("v"), 50, NOW))
                .setCountry("SE")
                .build();

        assertThat(enricher.enrich(domain).getAsn()).isNull();
        assertThat(enricher.enrich(unknownAddress).getCountry()).isEqualTo("SE");
        assertThat(enricher.enrich(unknownAddress).getAsn()).isNull();
    }

    @Test
    void shouldEnrichAnIpv6Indicator() {
        Indicator enriched =
                enricher.enrich(indicator(IndicatorType.IPV6, "2001:db8::42", List.of(), List.of("v"), 50, NOW));

        assertThat(enriched.getCountry()).isEqualTo("NL");
        assertThat(enriched.getAsn()).isEqualTo(64498L);
    }

    @Test
    void shouldNameTheBenignListOfASuppressedIndicator() {
        assertThat(enricher.benignList(indicator(IndicatorType.IPV4, "10.20.30.40", List.of(), List.of("v"), 50, NOW)))
                .contains("List of RFC 1918 CIDR blocks");
        assertThat(enricher.benignList(indicator(
                        IndicatorType.MD5, "d41d8cd98f00b204e9800998ecf8427e", List.of(), List.of("v"), 50, NOW)))
                .contains("List of known hashes for empty files");
        assertThat(enricher.benignList(indicator(IndicatorType.IPV4, "192.0.2.10", List.of(), List.of("v"), 50, NOW)))
                .isEmpty();
    }

    @Test
    void shouldTakeTheMostReliableVendorsReliability() {
        IndicatorEnricher weighted = new IndicatorEnricher(
                new FamilyResolver(aliases),
                IpIntelligence.none(),
                new BenignMatcher(benign),
                new ThreatScore(),
                vendor -> vendor.equals("trusted") ? 100 : 50,
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(weighted.enrich(indicator(IndicatorType.DOMAIN, "a.example", List.of(), List.of("meh"), 80, NOW))
                        .getScore())
                .isEqualTo(40);
        assertThat(weighted.enrich(indicator(
                                IndicatorType.DOMAIN, "a.example", List.of(), List.of("meh", "trusted"), 80, NOW))
                        .getScore())
                .isEqualTo(91);
    }

    static Indicator indicator(
            IndicatorType type,
            String value,
            List<String> families,
            List<String> vendors,
            int confidence,
            Instant lastSeen) {
        return Indicator.newBuilder()
                .setId(type.name().toLowerCase() + ':' + value)
                .setType(type)
                .setValue(value)
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(lastSeen.minus(Duration.ofDays(1)))
                .setLastSeen(lastSeen)
                .setSightings(1)
                .setVendors(vendors)
                .setConfidence(confidence)
                .setTlp(Tlp.GREEN)
                .setMalwareFamilies(families)
                .setUpdatedAt(lastSeen)
                .setExpiresAt(lastSeen.plus(Duration.ofDays(30)))
                .build();
    }
}
