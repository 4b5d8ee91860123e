package io.threatline.producer.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StixBundleAdapterTest {

    private static final String SAMPLE = "stix-bundle.json";
    private static final String IP_INDICATOR = "indicator--0b7a4f5e-8d2c-4c1e-9a11-2f6c1d3e4a01";
    private static final String DOMAIN_INDICATOR = "indicator--1c8b5a6f-9e3d-4d2f-8b22-3a7d2e4f5b02";
    private static final String URL_INDICATOR = "indicator--2d9c6b7a-0f4e-4e3a-9c33-4b8e3f5a6c03";
    private static final String HASH_INDICATOR = "indicator--3e0d7c8b-1a5f-4f4b-8d44-5c9f4a6b7d04";
    private static final String EMAIL_INDICATOR = "indicator--4f1e8d9c-2b6a-4a5c-9e55-6d0a5b7c8e05";
    private static final String AND_INDICATOR = "indicator--5a2f9e0d-3c7b-4b6d-8f66-7e1b6c8d9f06";
    private static final String REVOKED_INDICATOR = "indicator--6b3a0f1e-4d8c-4c7e-9a77-8f2c7d9e0a07";
    private static final String SIGMA_INDICATOR = "indicator--7c4b1a2f-5e9d-4d8f-8b88-9a3d8e0f1b08";

    private final StixBundleAdapter adapter = new StixBundleAdapter();

    @Test
    void emitsOneEventPerComparisonAndOneProblemPerUnusableIndicatorInBundleOrder() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.summary())
                .containsExactly(
                        "E " + SAMPLE + "#" + IP_INDICATOR + " IPV4",
                        "E " + SAMPLE + "#" + DOMAIN_INDICATOR + " DOMAIN",
                        "E " + SAMPLE + "#" + URL_INDICATOR + " URL",
                        "E " + SAMPLE + "#" + HASH_INDICATOR + " SHA256",
                        "E " + SAMPLE + "#" + HASH_INDICATOR + " MD5",
                        "E " + SAMPLE + "#" + EMAIL_INDICATOR + " EMAIL",
                        "E " + SAMPLE + "#" + EMAIL_INDICATOR + " IPV6",
                        "P " + SAMPLE + "#" + AND_INDICATOR + " UNSUPPORTED_PATTERN",
                        "E " + SAMPLE + "#" + REVOKED_INDICATOR + " IPV4",
                        "P " + SAMPLE + "#" + SIGMA_INDICATOR + " UNSUPPORTED_PATTERN");
    }

    @Test
    void ipv4IndicatorCarriesIdentityMarkingMalwareKillChainLabelsAndConfidence() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("198.51.100.23");

        assertThat(e.getEventId())
                .isEqualTo(Records.expectedId(
                        "Acme Threat Labs", SAMPLE, SAMPLE + "#" + IP_INDICATOR, IndicatorType.IPV4, "198.51.100.23"));
        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.IPV4);
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-04T07:55:12.250Z"));
        assertThat(e.getVendor()).isEqualTo("Acme Threat Labs");
        assertThat(e.getSensorId()).isEqualTo("default-sensor");
        assertThat(e.getConfidence()).isEqualTo(85);
        assertThat(e.getTlp()).as("TLP 2.0 AMBER id").isEqualTo(Tlp.AMBER);
        assertThat(e.getMalwareFamilies())
                .as("malware name only, aliases left to the hub")
                .containsExactly("Shylock");
        assertThat(e.getCampaign()).isNull();
        assertThat(e.getTags()).containsExactly("c2", "banking-trojan");
        assertThat(e.getKillChainPhase())
                .as("the Lockheed Martin entry, not mitre-attack")
                .isEqualTo(KillChainPhase.COMMAND_AND_CONTROL);
        assertThat(e.getRetraction()).isFalse();
        assertThat(e.getRetractionReason()).isNull();
    }

    @Test
    void domainIndicatorFallsBackToCreatedAndGetsCampaignAndTlp1Green() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("update-check.shylock-c2.example");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.DOMAIN);
        assertThat(e.getObservedAt()).as("no valid_from: created").isEqualTo(Instant.parse("2024-03-05T10:30:00Z"));
        assertThat(e.getTlp()).as("TLP 1.0 GREEN id").isEqualTo(Tlp.GREEN);
        assertThat(e.getConfidence()).isEqualTo(Records.DEFAULTS.confidence());
        assertThat(e.getCampaign()).isEqualTo("Merchant of Fraud 2024");
        assertThat(e.getMalwareFamilies()).isEmpty();
        assertThat(e.getTags()).isEmpty();
        assertThat(e.getKillChainPhase()).isNull();
    }

    @Test
    void defangedUrlIsKeptAsFoundAndTheMostRestrictiveMarkingWins() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE)
                .eventWithValue("hxxp://cdn-invoices[.]example/gate.php?id=7&k=a%20b");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.URL);
        assertThat(e.getObservedAt()).as("offset +02:00").isEqualTo(Instant.parse("2024-03-05T09:00:00Z"));
        assertThat(e.getTlp()).as("GREEN and AMBER -> AMBER").isEqualTo(Tlp.AMBER);
        assertThat(e.getMalwareFamilies())
                .as("its only relationship is revoked")
                .isEmpty();
    }

    @Test
    void hashesOrEdTogetherBecomeTwoEventsSharingEverythingButTheIndicator() {
        Records r = Records.readSample(adapter, SAMPLE);
        ThreatEvent sha256 = r.eventWithValue("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        ThreatEvent md5 = r.eventWithValue("d41d8cd98f00b204e9800998ecf8427e");

        assertThat(sha256.getIndicatorType()).isEqualTo(IndicatorType.SHA256);
        assertThat(md5.getIndicatorType()).isEqualTo(IndicatorType.MD5);
        for (ThreatEvent e : List.of(sha256, md5)) {
            assertThat(e.getVendor()).as("no created_by_ref").isEqualTo("default-vendor");
            assertThat(e.getTlp()).as("no marking").isEqualTo(Tlp.RED);
            assertThat(e.getConfidence()).isEqualTo(60);
            assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-06T09:00:00Z"));
            assertThat(e.getMalwareFamilies()).containsExactly("Shylock");
            assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.INSTALLATION);
        }
        assertThat(sha256.getEventId()).isNotEqualTo(md5.getEventId());
    }

    @Test
    void escapedQuoteIsUnescapedAndAmberStrictComesFromAMarkingObjectInTheBundle() {
        Records r = Records.readSample(adapter, SAMPLE);
        ThreatEvent email = r.eventWithValue("o'brien.billing@invoices-secure.example");
        ThreatEvent ipv6 = r.eventWithValue("2001:db8:dead:beef::23");

        assertThat(email.getIndicatorType()).isEqualTo(IndicatorType.EMAIL);
        assertThat(ipv6.getIndicatorType()).isEqualTo(IndicatorType.IPV6);
        for (ThreatEvent e : List.of(email, ipv6)) {
            assertThat(e.getTlp())
                    .as("OpenCTI-style TLP:AMBER+STRICT object beats TLP 1.0 GREEN")
                    .isEqualTo(Tlp.AMBER_STRICT);
            assertThat(e.getTags()).containsExactly("phishing");
            assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.DELIVERY);
        }
    }

    @Test
    void revokedIndicatorBecomesARetraction() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("203.0.113.77");

        assertThat(e.getRetraction()).isTrue();
        assertThat(e.getRetractionReason()).isEqualTo("revoked in STIX");
        assertThat(e.getTlp()).as("TLP 2.0 CLEAR id").isEqualTo(Tlp.CLEAR);
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
    }

    @Test
    void unsupportedPatternsNameTheIndicatorAndWhatIsUnsupported() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.problemAt(SAMPLE + "#" + AND_INDICATOR).message()).contains("AND between comparisons");
        assertThat(r.problemAt(SAMPLE + "#" + SIGMA_INDICATOR).message()).contains("pattern_type 'sigma'");
    }

    @Test
    void rereadingTheSameFileYieldsTheSameEventIds() {
        List<String> first = Records.readSample(adapter, SAMPLE).events().stream()
                .map(ThreatEvent::getEventId)
                .toList();
        List<String> second = Records.readSample(adapter, SAMPLE).events().stream()
                .map(ThreatEvent::getEventId)
                .toList();

        assertThat(first).hasSize(8).doesNotHaveDuplicates().isEqualTo(second);
    }

    @Test
    void truncatedBundleIsOneMalformedJsonProblemAtTheLineWhereItEnds() {
        Records r = Records.readSample(adapter, "stix-bundle-truncated.json");

        assertThat(r.events()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("stix-bundle-truncated.json:104");
            assertThat(p.code()).isEqualTo("MALFORMED_JSON");
        });
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": \"report\", \"id\": \"report--1\"} | NOT_A_BUNDLE",
                "[{\"type\": \"bundle\"}] | NOT_A_BUNDLE",
                "{\"type\": \"bundle\", \"objects\": {}} | NOT_A_BUNDLE",
                "'' | MALFORMED_JSON",
                "{\"type\": \"bundle\", \"objects\": []} oops | MALFORMED_JSON",
            })
    void documentThatIsNotABundleIsOneProblem(String json, String code) {
        Records r = Records.readString(adapter, json, "x.json");

        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(code);
            assertThat(p.location()).isEqualTo("x.json:1");
        });
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @CsvSource({
        "CLEAR,        marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "GREEN,        marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "AMBER,        marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "RED,          marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        "CLEAR,        marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "GREEN,        marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "AMBER,        marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "AMBER_STRICT, marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "RED,          marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    })
    void publishedTlpMarkingIdsAreKnownWithoutTheirObjects(Tlp expected, String markingId) {
        String bundle = bundle(indicator(
                "indicator--1", "[ipv4-addr:value = '1.2.3.4']", "\"object_marking_refs\": [\"" + markingId + "\"]"));

        assertThat(Records.readString(adapter, bundle, "m.json").events())
                .singleElement()
                .extracting(ThreatEvent::getTlp)
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"definition_type\": \"tlp\", \"definition\": {\"tlp\": \"red\"} | RED",
                "\"name\": \"TLP:AMBER+STRICT\" | AMBER_STRICT",
                "\"name\": \"x\", \"extensions\": {\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\": "
                        + "{\"extension_type\": \"property-extension\", \"tlp_2_0\": \"green\"}} | GREEN",
                "\"definition_type\": \"statement\", \"definition\": {\"statement\": \"Copyright Acme\"} | CLEAR",
            })
    void tlpMarkingObjectsInTheBundleAreRecognisedAndOthersIgnored(String markingBody, Tlp expected) {
        String bundle = bundle(
                "{\"type\": \"marking-definition\", \"id\": \"marking-definition--custom\", " + markingBody + "}",
                indicator(
                        "indicator--1",
                        "[ipv4-addr:value = '1.2.3.4']",
                        "\"object_marking_refs\": "
                                + "[\"marking-definition--custom\", \"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487\"]"));

        assertThat(Records.readString(adapter, bundle, "m.json").events())
                .singleElement()
                .extracting(ThreatEvent::getTlp)
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"pattern_type\": \"stix\" | MISSING_PATTERN",
                "\"pattern\": \"[ipv4-addr:value = '1.2.3.4'\" | MALFORMED_PATTERN",
                "\"pattern\": \"[ipv4-addr:value = '1.2.3.4']\", \"valid_from\": \"yesterday\" | BAD_TIMESTAMP",
                "\"pattern\": \"[ipv4-addr:value = '1.2.3.4']\", \"confidence\": 101 | BAD_CONFIDENCE",
                "\"pattern\": \"[ipv4-addr:value = '1.2.3.4']\", \"confidence\": \"high\" | BAD_CONFIDENCE",
                "\"pattern\": \"[file:name = 'a.exe']\" | UNSUPPORTED_PATTERN",
            })
    void indicatorThatYieldsNothingIsReportedAndTheNextOneStillRead(String indicatorBody, String code) {
        String bundle = bundle(
                "{\"type\": \"indicator\", \"id\": \"indicator--bad\", " + indicatorBody + "}",
                indicator("indicator--good", "[domain-name:value = 'next.example']", null));

        Records r = Records.readString(adapter, bundle, "b.json");

        assertThat(r.summary()).containsExactly("P b.json#indicator--bad " + code, "E b.json#indicator--good DOMAIN");
    }

    @Test
    void contextObjectsAreNeverReportedButBrokenEntriesAre() {
        String bundle = bundle(
                "{\"type\": \"observed-data\", \"id\": \"observed-data--1\"}",
                "{\"type\": \"x-acme-note\", \"id\": \"x-acme-note--1\"}",
                "42",
                indicator("indicator--1", "[ipv4-addr:value = '1.2.3.4']", null));

        assertThat(Records.readString(adapter, bundle, "c.json").summary())
                .containsExactly("P c.json#objects[2] NOT_AN_OBJECT", "E c.json#indicator--1 IPV4");
    }

    @Test
    void anUnknownMarkingRefAloneLeavesTheDefaultTlp() {
        String bundle = bundle(indicator(
                "indicator--1",
                "[ipv4-addr:value = '1.2.3.4']",
                "\"object_marking_refs\": [\"marking-definition--not-in-bundle\"]"));

        assertThat(Records.readString(adapter, bundle, "u.json").events())
                .singleElement()
                .extracting(ThreatEvent::getTlp)
                .isEqualTo(Records.DEFAULTS.tlp());
    }

    private static String bundle(String... objects) {
        return "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [" + String.join(",\n", objects) + "]}";
    }

    private static String indicator(String id, String pattern, String extra) {
        return "{\"type\": \"indicator\", \"id\": \"" + id + "\", \"pattern\": \"" + pattern
                + "\", \"valid_from\": \"2024-01-02T00:00:00Z\"" + (extra == null ? "" : ", " + extra) + "}";
    }
}
