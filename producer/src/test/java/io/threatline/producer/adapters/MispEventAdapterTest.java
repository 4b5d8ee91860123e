package io.threatline.producer.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MispEventAdapterTest {

    private static final String SAMPLE = "misp-event.json";
    private static final Instant EVENT_TIME = Instant.ofEpochSecond(1709546400L);

    private final MispEventAdapter adapter = new MispEventAdapter();

    private static String at(String uuid) {
        return SAMPLE + "#" + uuid;
    }

    private static String attr(int n) {
        return at(String.format("a0000001-0000-4000-8000-%012d", n));
    }

    @Test
    void emitsEveryAttributeOfEventAndObjectsAsAnEventOrAProblemInOrder() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.summary())
                .containsExactly(
                        "E " + attr(1) + " IPV4",
                        "E " + attr(2) + " IPV6",
                        "E " + attr(3) + " IPV4",
                        "E " + attr(4) + " DOMAIN",
                        "E " + attr(5) + " DOMAIN",
                        "E " + attr(6) + " DOMAIN",
                        "E " + attr(6) + " IPV4",
                        "E " + attr(7) + " URL",
                        "E " + attr(8) + " MD5",
                        "E " + attr(9) + " SHA1",
                        "E " + attr(10) + " SHA256",
                        "E " + attr(11) + " SHA256",
                        "E " + attr(12) + " EMAIL",
                        "P " + attr(13) + " UNSUPPORTED_ATTRIBUTE",
                        "P " + attr(14) + " NOT_FOR_IDS",
                        "P " + attr(15) + " DELETED_ATTRIBUTE",
                        "P " + attr(16) + " BAD_TIMESTAMP",
                        "E " + attr(17) + " EMAIL",
                        "P " + at("b0000001-0000-4000-8000-000000000101") + " NOT_FOR_IDS",
                        "E " + at("b0000001-0000-4000-8000-000000000102") + " SHA256");
    }

    @Test
    void attributeTlpTagOverridesTheEventsAndEventContextIsApplied() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("198.51.100.23");

        assertThat(e.getEventId())
                .isEqualTo(Records.expectedId("CIRCL", SAMPLE, attr(1), IndicatorType.IPV4, "198.51.100.23"));
        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.IPV4);
        assertThat(e.getTlp()).isEqualTo(Tlp.RED);
        assertThat(e.getObservedAt()).isEqualTo(Instant.ofEpochSecond(1709550000L));
        assertThat(e.getVendor()).isEqualTo("CIRCL");
        assertThat(e.getSensorId()).isEqualTo("default-sensor");
        assertThat(e.getConfidence())
                .as("misp:confidence-level=usually-confident")
                .isEqualTo(75);
        assertThat(e.getMalwareFamilies())
                .as("galaxy tag and GalaxyCluster, once")
                .containsExactly("Shylock");
        assertThat(e.getCampaign()).isNull();
        assertThat(e.getTags())
                .as("tlp, galaxy and confidence tags are interpreted, not repeated")
                .containsExactly("type:OSINT");
        assertThat(e.getKillChainPhase()).isNull();
        assertThat(e.getRetraction()).isFalse();
    }

    @Test
    void eventTlpAppliesWhereTheAttributeHasNoneAndNumericTimestampsWork() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("2001:db8::bad:1");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.IPV6);
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER);
        assertThat(e.getObservedAt()).isEqualTo(Instant.ofEpochSecond(1709550060L));
    }

    @Test
    void compositeAttributesYieldTheirIndicatorParts() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.eventWithValue("192.0.2.10").getIndicatorType())
                .as("ip-dst|port")
                .isEqualTo(IndicatorType.IPV4);
        assertThat(r.eventWithValue("cdn-update.example").getIndicatorType()).isEqualTo(IndicatorType.DOMAIN);
        assertThat(r.eventWithValue("203.0.113.5").getIndicatorType())
                .as("domain|ip")
                .isEqualTo(IndicatorType.IPV4);
        assertThat(r.eventWithValue("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                        .getIndicatorType())
                .as("filename|sha256")
                .isEqualTo(IndicatorType.SHA256);
        assertThat(r.eventWithValue("cdn-update.example").getEventId())
                .isNotEqualTo(r.eventWithValue("203.0.113.5").getEventId());
    }

    @Test
    void hostnameIsADomainAndACampaignGalaxyTagSetsTheCampaign() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("login.bank-secure.example");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.DOMAIN);
        assertThat(e.getCampaign()).isEqualTo("Merchant of Fraud 2024");
        assertThat(e.getMalwareFamilies()).containsExactly("Shylock");
    }

    @Test
    void attributeGalaxyAndTagsComeBeforeTheEventsAndDefangedUrlIsKept() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("hxxps://cdn-update[.]example/inject.js");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.URL);
        assertThat(e.getMalwareFamilies()).containsExactly("Caphaw", "Shylock");
        assertThat(e.getTags()).containsExactly("web-inject", "type:OSINT");
    }

    @Test
    void attributeWithoutTimestampTakesTheEventsAndAmberStrictTagIsRead() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("billing@invoices-secure.example");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.EMAIL);
        assertThat(e.getObservedAt()).isEqualTo(EVENT_TIME);
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER_STRICT);
    }

    @Test
    void hashesAndObjectAttributesMapToTheirTypes() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.eventWithValue("d41d8cd98f00b204e9800998ecf8427e").getIndicatorType())
                .isEqualTo(IndicatorType.MD5);
        assertThat(r.eventWithValue("da39a3ee5e6b4b0d3255bfef95601890afd80709").getIndicatorType())
                .isEqualTo(IndicatorType.SHA1);
        ThreatEvent fromObject = r.eventWithValue("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        assertThat(fromObject.getIndicatorType()).isEqualTo(IndicatorType.SHA256);
        assertThat(fromObject.getTlp()).isEqualTo(Tlp.AMBER);
        assertThat(fromObject.getMalwareFamilies()).containsExactly("Shylock");
        assertThat(r.eventWithValue("treasury@victim-bank.example").getIndicatorType())
                .isEqualTo(IndicatorType.EMAIL);
    }

    @Test
    void skippedAttributesAreReportedWithTheirUuidAndType() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.problemAt(attr(13)).message()).contains("a0000001-0000-4000-8000-000000000013", "'mutex'");
        assertThat(r.problemAt(attr(14)).message()).contains("ip-dst", "to_ids false");
        assertThat(r.problemAt(attr(15)).message()).contains("false-positive.example", "deleted");
        assertThat(r.problemAt(attr(16)).message()).contains("'yesterday'");
    }

    @Test
    void rereadingYieldsTheSameIds() {
        List<String> first = Records.readSample(adapter, SAMPLE).events().stream()
                .map(ThreatEvent::getEventId)
                .toList();
        List<String> second = Records.readSample(adapter, SAMPLE).events().stream()
                .map(ThreatEvent::getEventId)
                .toList();

        assertThat(first).hasSize(15).doesNotHaveDuplicates().isEqualTo(second);
    }

    @Test
    void readsEveryEventOfARestSearchResponseAndBareEvents() {
        String json = "{\"response\": [{\"Event\": {\"uuid\": \"e1\", \"date\": \"2024-02-29\", \"Attribute\": ["
                + "{\"uuid\": \"u1\", \"type\": \"domain\", \"value\": \"one.example\"}]}},"
                + "{\"uuid\": \"e2\", \"Orgc\": {\"name\": \"Acme\"}, \"Attribute\": ["
                + "{\"uuid\": \"u2\", \"type\": \"ip-src\", \"value\": \"10.0.0.0/8\", \"to_ids\": \"1\"}]}]}";

        Records r = Records.readString(adapter, json, "r.json");

        assertThat(r.summary()).containsExactly("E r.json#u1 DOMAIN", "E r.json#u2 IPV4");
        ThreatEvent one = r.eventWithValue("one.example");
        assertThat(one.getObservedAt()).as("event date").isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(one.getVendor()).isEqualTo("default-vendor");
        assertThat(one.getTlp()).isEqualTo(Records.DEFAULTS.tlp());
        assertThat(one.getConfidence()).isEqualTo(Records.DEFAULTS.confidence());
        assertThat(r.eventWithValue("10.0.0.0/8").getVendor()).isEqualTo("Acme");
    }

    @Test
    void galaxiesThatAreNotMalwareStayTagsAndOldTlpWhiteIsClear() {
        String json = "{\"Event\": {\"Tag\": [{\"name\": \"misp-galaxy:threat-actor=\\\"Sofacy\\\"\"},"
                + "{\"name\": \"tlp:white\"}, {\"name\": \"tlp:ex:chr\"}, {\"name\": \"misp-galaxy:ransomware=\\\"Ryuk\\\"\"}],"
                + "\"Attribute\": [{\"uuid\": \"u1\", \"type\": \"md5\", \"value\": \"d41d8cd98f00b204e9800998ecf8427e\"}]}}";

        ThreatEvent e = Records.readString(adapter, json, "g.json").events().get(0);

        assertThat(e.getMalwareFamilies()).containsExactly("Ryuk");
        assertThat(e.getTags()).containsExactly("misp-galaxy:threat-actor=\"Sofacy\"", "tlp:ex:chr");
        assertThat(e.getTlp()).isEqualTo(Tlp.CLEAR);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "ip-dst|port, 192.0.2.1,          BAD_VALUE",
        "domain|ip,   only-domain.example, BAD_VALUE",
        "filename|md5, 'evil.exe|',        BAD_VALUE",
        "link,        https://blog.example/post, UNSUPPORTED_ATTRIBUTE",
        "uri,         /gate.php,           UNSUPPORTED_ATTRIBUTE",
        "text,        some note,           UNSUPPORTED_ATTRIBUTE",
        "domain,      '',                  MISSING_VALUE",
    })
    void badAttributeIsReportedAndTheNextOneStillRead(String type, String value, String code) {
        String json = "{\"Event\": {\"Attribute\": [{\"uuid\": \"bad\", \"type\": \"" + type + "\", \"value\": \""
                + value + "\"}, {\"uuid\": \"good\", \"type\": \"domain\", \"value\": \"next.example\"}]}}";

        assertThat(Records.readString(adapter, json, "a.json").summary())
                .containsExactly("P a.json#bad " + code, "E a.json#good DOMAIN");
    }

    @Test
    void attributesOfADeletedObjectAreReportedAsDeleted() {
        String json = "{\"Event\": {\"Object\": [{\"deleted\": true, \"Attribute\": ["
                + "{\"uuid\": \"o1\", \"type\": \"sha1\", \"value\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\"}]}]}}";

        assertThat(Records.readString(adapter, json, "d.json").summary())
                .containsExactly("P d.json#o1 DELETED_ATTRIBUTE");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": \"bundle\", \"objects\": []} | NOT_A_MISP_EVENT | m.json:1",
                "[1, 2] | NOT_A_MISP_EVENT | m.json:1",
                "{\"Event\": {\\n\"Attribute\": [\\n{\"uuid\": \"x\",, }]}} | MALFORMED_JSON | m.json:3",
            })
    void documentWithoutEventsIsOneProblem(String json, String code, String location) {
        assertThat(Records.readString(adapter, json.replace("\\n", "\n"), "m.json")
                        .problems())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.code()).isEqualTo(code);
                    assertThat(p.location()).isEqualTo(location);
                });
    }
}
