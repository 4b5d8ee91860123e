package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.threatline.contract.DataKind;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The statistics branch of the hub topology: final windowed counts of NEW indicators, per agreement. */
class HubStatisticsTest {

    private static final Instant HOUR_1 = T0; // 10:00–11:00
    private static final Instant HOUR_2 = T0.plus(Duration.ofHours(1));
    private static final Duration GRACE = Duration.ofMinutes(5); // the default

    private final HubTestDriver hub = new HubTestDriver();
    private int events;

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldDeliverTheFinalHourlyCountsAtOrAboveTheMinimumOnceTheWindowAndItsGraceHavePassed() {
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 2, DataKind.STATISTICS), T0);
        var europol = statistics("europol-ec3");

        domains(3, "Shylock", HOUR_1.plusSeconds(60));
        domains(1, "Emotet", HOUR_1.plusSeconds(120));
        assertThat(europol.isEmpty()).as("nothing before the window closes").isTrue();

        // still within the grace period: the window is not final yet
        hub.send(
                "ipv4:198.51.100.1",
                event("late", IndicatorType.IPV4, "198.51.100.1", Tlp.GREEN, 80, "acme"),
                HOUR_2.plus(GRACE).minusSeconds(1));
        assertThat(europol.isEmpty()).as("nothing within the grace period").isTrue();

        hub.send(
                "ipv4:198.51.100.2",
                event("closer", IndicatorType.IPV4, "198.51.100.2", Tlp.GREEN, 80, "acme"),
                HOUR_2.plus(GRACE).plusSeconds(1));

        List<KeyValue<String, TrendStatistic>> out = europol.readKeyValuesToList();
        assertThat(out)
                .extracting(kv -> kv.key)
                .containsExactlyInAnyOrder(
                        "HOURLY|2026-11-29T10:00:00Z|MALWARE_FAMILY|Shylock",
                        "HOURLY|2026-11-29T10:00:00Z|INDICATOR_TYPE|DOMAIN");
        assertThat(out)
                .extracting(kv -> kv.value)
                .extracting(
                        TrendStatistic::getPartnerId,
                        TrendStatistic::getAgreementId,
                        TrendStatistic::getAgreementVersion,
                        TrendStatistic::getWindow,
                        TrendStatistic::getWindowStart,
                        TrendStatistic::getWindowEnd,
                        TrendStatistic::getDimension,
                        TrendStatistic::getDimensionValue,
                        TrendStatistic::getCount,
                        TrendStatistic::getPreviousCount,
                        TrendStatistic::getChangeRatio)
                .as("Emotet (1 < 2) is suppressed; IPs have no country here")
                .containsExactlyInAnyOrder(
                        tuple(
                                "europol-ec3",
                                "mou-europol-ec3",
                                1,
                                StatisticWindow.HOURLY,
                                HOUR_1,
                                HOUR_2,
                                StatisticDimension.MALWARE_FAMILY,
                                "Shylock",
                                3L,
                                null,
                                null),
                        tuple(
                                "europol-ec3",
                                "mou-europol-ec3",
                                1,
                                StatisticWindow.HOURLY,
                                HOUR_1,
                                HOUR_2,
                                StatisticDimension.INDICATOR_TYPE,
                                "DOMAIN",
                                4L,
                                null,
                                null));
        assertThat(europol.isEmpty()).isTrue();
        assertThat(hub.partner("europol-ec3").isEmpty())
                .as("statistics only: no indicators")
                .isTrue();
    }

    @Test
    void shouldAddTheTrendFromThePreviousWindowForATrendsPartnerAndOnlyThePlainCountForAStatisticsPartner() {
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 2, DataKind.STATISTICS), T0);
        hub.agreements.pipeInput(
                "cert-eu", statisticsAgreement("cert-eu", 2, DataKind.STATISTICS, DataKind.TRENDS), T0);
        var europol = statistics("europol-ec3");
        var certEu = statistics("cert-eu");

        domains(3, "Shylock", HOUR_1.plusSeconds(60));
        domains(1, "Emotet", HOUR_1.plusSeconds(120));
        domains(6, "Shylock", HOUR_2.plus(GRACE).plusSeconds(1)); // closes hour 1
        assertThat(certEu.readValuesToList())
                .extracting(
                        TrendStatistic::getDimensionValue,
                        TrendStatistic::getCount,
                        TrendStatistic::getPreviousCount,
                        TrendStatistic::getChangeRatio)
                .as("the first window has no trend")
                .containsExactlyInAnyOrder(tuple("Shylock", 3L, null, null), tuple("DOMAIN", 4L, null, null));
        assertThat(europol.readValuesToList()).hasSize(2);

        hub.send(
                "ipv4:198.51.100.2",
                event("closer", IndicatorType.IPV4, "198.51.100.2", Tlp.GREEN, 80, "acme"),
                HOUR_2.plus(Duration.ofHours(1)).plus(GRACE).plusSeconds(1));

        List<KeyValue<String, TrendStatistic>> trends = certEu.readKeyValuesToList();
        assertThat(trends)
                .extracting(
                        kv -> kv.key,
                        kv -> kv.value.getWindowStart(),
                        kv -> kv.value.getCount(),
                        kv -> kv.value.getPreviousCount(),
                        kv -> kv.value.getChangeRatio())
                .containsExactlyInAnyOrder(
                        tuple("HOURLY|2026-11-29T11:00:00Z|MALWARE_FAMILY|Shylock", HOUR_2, 6L, 3L, 1.0),
                        tuple("HOURLY|2026-11-29T11:00:00Z|INDICATOR_TYPE|DOMAIN", HOUR_2, 6L, 4L, 0.5));
        assertThat(trends).extracting(kv -> kv.value.getPartnerId()).containsOnly("cert-eu");
        assertThat(certEu.isEmpty()).isTrue();

        assertThat(europol.readValuesToList())
                .extracting(
                        TrendStatistic::getDimensionValue,
                        TrendStatistic::getCount,
                        TrendStatistic::getPreviousCount,
                        TrendStatistic::getChangeRatio)
                .as("without TRENDS the trend fields are removed")
                .containsExactlyInAnyOrder(tuple("Shylock", 6L, null, null), tuple("DOMAIN", 6L, null, null));
        assertThat(europol.isEmpty()).isTrue();
    }

    @Test
    void shouldDeliverNoStatisticsToAPartnerGrantedOnlyIndicators() {
        hub.agreements.pipeInput("interpol", HubTestDriver.agreement("interpol", Tlp.GREEN), T0);
        var interpolStatistics = statistics("interpol");

        domains(3, "Shylock", HOUR_1.plusSeconds(60));
        domains(1, "Shylock", HOUR_2.plus(Duration.ofDays(1))); // closes the hour and the day

        assertThat(interpolStatistics.isEmpty()).isTrue();
        assertThat(hub.partner("interpol").readValuesToList())
                .as("it does get the indicators")
                .hasSize(4);
    }

    @Test
    void shouldDeliverTheDailyCountOnceTheDayAndItsGraceHavePassed() {
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 2, DataKind.STATISTICS), T0);
        var europol = statistics("europol-ec3");

        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        domains(1, "Emotet", Instant.parse("2026-11-30T00:00:00Z").plus(GRACE).plusSeconds(1));

        assertThat(europol.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.getWindowEnd(), kv -> kv.value.getCount())
                .containsExactlyInAnyOrder(
                        tuple("HOURLY|2026-11-29T10:00:00Z|MALWARE_FAMILY|Shylock", HOUR_2, 2L),
                        tuple("HOURLY|2026-11-29T10:00:00Z|INDICATOR_TYPE|DOMAIN", HOUR_2, 2L),
                        tuple(
                                "DAILY|2026-11-29T00:00:00Z|MALWARE_FAMILY|Shylock",
                                Instant.parse("2026-11-30T00:00:00Z"),
                                2L),
                        tuple(
                                "DAILY|2026-11-29T00:00:00Z|INDICATOR_TYPE|DOMAIN",
                                Instant.parse("2026-11-30T00:00:00Z"),
                                2L));
        assertThat(europol.isEmpty()).isTrue();
    }

    @Test
    void shouldCountOnlyNewIndicatorsNotRepeatsOrUpdates() {
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS), T0);
        var europol = statistics("europol-ec3");

        hub.send(
                "domain:a.example.com",
                event("a1", IndicatorType.DOMAIN, "a.example.com", Tlp.GREEN, 50, "acme", "Shylock"),
                HOUR_1);
        hub.send(
                "domain:a.example.com",
                event("a2", IndicatorType.DOMAIN, "a.example.com", Tlp.GREEN, 50, "acme", "Shylock"),
                HOUR_1.plusSeconds(1));
        hub.send(
                "domain:a.example.com",
                event("a3", IndicatorType.DOMAIN, "a.example.com", Tlp.GREEN, 90, "northwind", "Shylock"),
                HOUR_1.plusSeconds(2));
        hub.send(
                "ipv4:198.51.100.2",
                event("closer", IndicatorType.IPV4, "198.51.100.2", Tlp.GREEN, 80, "acme"),
                HOUR_2.plus(GRACE).plusSeconds(1));

        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 1L), tuple("DOMAIN", 1L));
        assertThat(hub.indicators.readValuesToList())
                .as("one NEW, one UPDATE, one NEW for the closer")
                .hasSize(3);
    }

    @Test
    void shouldNotCountAnIndicatorAboveThePartnersTlpCeiling() {
        // Given a statistics partner up to TLP:GREEN
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS), T0);
        var europol = statistics("europol-ec3");

        // When two GREEN and one RED Shylock domains are new in the hour, and the hour closes
        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        domain("red.shylock-example.com", Tlp.RED, 80, HOUR_1.plusSeconds(120), "Shylock");
        closeHour1();

        // Then the RED one is in no count
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 2L), tuple("DOMAIN", 2L));
    }

    @Test
    void shouldCountPerAgreementSoEachPartnerGetsTheCountOfWhatItsCeilingAllows() {
        // Given one statistics partner up to GREEN and one up to AMBER
        hub.agreements.pipeInput("europol-ec3", statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS), T0);
        PartnerAgreement amber = statisticsAgreement("cert-eu", 1, DataKind.STATISTICS);
        amber.setTlpCeiling(Tlp.AMBER);
        hub.agreements.pipeInput("cert-eu", amber, T0);
        var europol = statistics("europol-ec3");
        var certEu = statistics("cert-eu");

        // When one GREEN and two AMBER Shylock domains are new in the hour, and it closes
        domains(1, "Shylock", HOUR_1.plusSeconds(60));
        domain("amber-1.shylock-example.com", Tlp.AMBER, 80, HOUR_1.plusSeconds(120), "Shylock");
        domain("amber-2.shylock-example.com", Tlp.AMBER, 80, HOUR_1.plusSeconds(121), "Shylock");
        closeHour1();

        // Then each gets the count its own ceiling allows
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 1L), tuple("DOMAIN", 1L));
        assertThat(certEu.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 3L), tuple("DOMAIN", 3L));
    }

    @Test
    void shouldCountInEveryDimensionOnlyIndicatorsOfTheScopesFamilies() {
        // Given a statistics partner limited to Shylock
        PartnerAgreement onlyShylock = statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS);
        onlyShylock.getScope().setMalwareFamilies(List.of("Shylock"));
        hub.agreements.pipeInput("europol-ec3", onlyShylock, T0);
        var europol = statistics("europol-ec3");

        // When two Shylock domains and one Emotet domain are new in the hour, and it closes
        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        domains(1, "Emotet", HOUR_1.plusSeconds(120));
        closeHour1();

        // Then the DOMAIN count is of the Shylock domains only, and Emotet has no count
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimension, TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(
                        tuple(StatisticDimension.MALWARE_FAMILY, "Shylock", 2L),
                        tuple(StatisticDimension.INDICATOR_TYPE, "DOMAIN", 2L));
    }

    @Test
    void shouldCountInEveryDimensionOnlyIndicatorsOfTheScopesTypes() {
        // Given a statistics partner limited to IPv4 addresses
        PartnerAgreement onlyIps = statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS);
        onlyIps.getScope().setIndicatorTypes(List.of(IndicatorType.IPV4));
        hub.agreements.pipeInput("europol-ec3", onlyIps, T0);
        var europol = statistics("europol-ec3");

        // When two Shylock domains and one Shylock IPv4 address are new in the hour, and it closes
        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        hub.send(
                "ipv4:198.51.100.7",
                event("ip", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme", "Shylock"),
                HOUR_1.plusSeconds(120));
        closeHour1();

        // Then the Shylock count is of the address only
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimension, TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(
                        tuple(StatisticDimension.MALWARE_FAMILY, "Shylock", 1L),
                        tuple(StatisticDimension.INDICATOR_TYPE, "IPV4", 1L));
    }

    @Test
    void shouldNotCountAnIndicatorBelowTheScopesMinimumConfidence() {
        // Given a statistics partner whose scope asks for a confidence of at least 70
        PartnerAgreement confident = statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS);
        confident.getScope().setMinimumConfidence(70);
        hub.agreements.pipeInput("europol-ec3", confident, T0);
        var europol = statistics("europol-ec3");

        // When two domains of confidence 80 and one of 50 are new in the hour, and it closes
        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        domain("unsure.shylock-example.com", Tlp.GREEN, 50, HOUR_1.plusSeconds(120), "Shylock");
        closeHour1();

        // Then the unsure one is in no count
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 2L), tuple("DOMAIN", 2L));
    }

    @Test
    void shouldNotCountAnIndicatorOutsideTheScopesCampaigns() {
        // Given a statistics partner limited to one campaign
        PartnerAgreement operation = statisticsAgreement("europol-ec3", 1, DataKind.STATISTICS);
        operation.getScope().setCampaigns(List.of("operation-tovar"));
        hub.agreements.pipeInput("europol-ec3", operation, T0);
        var europol = statistics("europol-ec3");

        // When two Shylock domains without that campaign and one with it are new in the hour, and it closes
        domains(2, "Shylock", HOUR_1.plusSeconds(60));
        ThreatEvent tovar =
                event("tovar", IndicatorType.DOMAIN, "tovar.shylock-example.com", Tlp.GREEN, 80, "acme", "Shylock");
        tovar.setCampaign("operation-tovar");
        hub.send("domain:tovar.shylock-example.com", tovar, HOUR_1.plusSeconds(120));
        closeHour1();

        // Then only the one of the campaign is counted
        assertThat(europol.readValuesToList())
                .extracting(TrendStatistic::getDimensionValue, TrendStatistic::getCount)
                .containsExactlyInAnyOrder(tuple("Shylock", 1L), tuple("DOMAIN", 1L));
    }

    // ---- helpers

    private TestOutputTopic<String, TrendStatistic> statistics(String partnerId) {
        return hub.driver.createOutputTopic(
                HubTestDriver.TOPICS.partnerStatistics(partnerId),
                new StringDeserializer(),
                hub.serdes.trendStatistic.deserializer());
    }

    /** {@code n} distinct new domains of the family, one second apart from {@code at}. */
    private void domains(int n, String family, Instant at) {
        for (int i = 0; i < n; i++) {
            int e = ++events;
            String domain = "c2-" + e + "." + family.toLowerCase() + "-example.com";
            hub.send(
                    "domain:" + domain,
                    event("e" + e, IndicatorType.DOMAIN, domain, Tlp.GREEN, 80, "acme", family),
                    at.plusSeconds(i));
        }
    }

    private void domain(String domain, Tlp tlp, int confidence, Instant at, String... families) {
        hub.send(
                "domain:" + domain,
                event("e" + (++events), IndicatorType.DOMAIN, domain, tlp, confidence, "acme", families),
                at);
    }

    /** A new IPv4 address (no family, no country) after hour 1 and its grace: hour 1 closes. */
    private void closeHour1() {
        hub.send(
                "ipv4:198.51.100.2",
                event("closer", IndicatorType.IPV4, "198.51.100.2", Tlp.GREEN, 80, "acme"),
                HOUR_2.plus(GRACE).plusSeconds(1));
    }

    private static PartnerAgreement statisticsAgreement(String partnerId, int minimumCount, DataKind... kinds) {
        PartnerAgreement agreement = HubTestDriver.agreement(partnerId, Tlp.GREEN);
        agreement.setDataKinds(List.of(kinds));
        agreement.setStatisticsMinimumCount(minimumCount);
        return agreement;
    }
}
