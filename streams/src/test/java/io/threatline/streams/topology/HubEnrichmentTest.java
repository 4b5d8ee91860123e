package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.Tlp;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.BenignMatchKind;
import io.threatline.contract.reference.FamilyAlias;
import io.threatline.contract.reference.IpRange;
import io.threatline.streams.reference.IpAddressKeys;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub with reference data in its compacted topics: aliases, IP ranges and benign lists, changing while it runs. */
class HubEnrichmentTest {

    private final HubTestDriver hub = new HubTestDriver();

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldResolveCaphawToShylockSoBothNamesAreOneFamily() {
        hub.familyAliases.pipeInput("caphaw", new FamilyAlias("Caphaw", "Shylock", "misp-galaxy:malpedia"), T0);
        hub.familyAliases.pipeInput("shylock", new FamilyAlias("Shylock", "Shylock", "misp-galaxy:malpedia"), T0);

        hub.send(
                "domain:c2.example.com",
                event("e1", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "acme", "Caphaw"),
                T0);
        hub.send(
                "domain:c2.example.com",
                event("e2", IndicatorType.DOMAIN, "c2.example.com", Tlp.GREEN, 80, "acme", "Shylock"),
                T0.plusSeconds(1));

        Indicator created = hub.indicators.readValue();
        assertThat(created.getMalwareFamilies()).containsExactly("Shylock");
        assertThat(hub.indicators.isEmpty())
                .as("Shylock after Caphaw is no new family")
                .isTrue();
    }

    @Test
    void shouldAddCountryAndAutonomousSystemToAnIpFromItsRange() {
        hub.ipRanges.pipeInput(
                IpAddressKeys.keyOf("198.51.100.0").orElseThrow(),
                new IpRange("198.51.100.0", "198.51.100.255", 64500L, "Example Transit", "DE", "ranges.csv"),
                T0);

        hub.send("ipv4:198.51.100.7", event("e1", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme"), T0);
        hub.send("ipv4:203.0.113.9", event("e2", IndicatorType.IPV4, "203.0.113.9", Tlp.GREEN, 80, "acme"), T0);

        List<Indicator> out = hub.indicators.readValuesToList();
        assertThat(out)
                .extracting(Indicator::getId, Indicator::getCountry, Indicator::getAsn)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ipv4:198.51.100.7", "DE", 64500L),
                        org.assertj.core.groups.Tuple.tuple("ipv4:203.0.113.9", null, null));
        assertThat(out.get(0).getScore()).isBetween(1, 100);
    }

    @Test
    void shouldSuppressWhatIsOnABenignListAddedWhileRunning() {
        hub.send("ipv4:10.1.2.3", event("e1", IndicatorType.IPV4, "10.1.2.3", Tlp.GREEN, 80, "acme"), T0);
        assertThat(hub.indicators.readValue().getAction()).isEqualTo(LifecycleAction.NEW);

        hub.benign.pipeInput(
                "rfc1918|CIDR|10.0.0.0/8",
                new BenignEntry(
                        "List of RFC 1918 CIDR blocks",
                        BenignMatchKind.CIDR,
                        "10.0.0.0/8",
                        List.of(IndicatorType.IPV4)),
                T0.plusSeconds(1));
        hub.send(
                "ipv4:10.9.9.9", event("e2", IndicatorType.IPV4, "10.9.9.9", Tlp.GREEN, 80, "acme"), T0.plusSeconds(2));
        hub.send(
                "ipv4:198.51.100.7",
                event("e3", IndicatorType.IPV4, "198.51.100.7", Tlp.GREEN, 80, "acme"),
                T0.plusSeconds(3));

        assertThat(hub.indicators.readValue().getId()).isEqualTo("ipv4:198.51.100.7");
        assertThat(hub.indicators.isEmpty()).isTrue();
        assertThat(hub.counters.suppressed.sum()).isEqualTo(1);
    }
}
