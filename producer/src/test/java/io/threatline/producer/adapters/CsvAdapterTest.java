package io.threatline.producer.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvAdapterTest {

    private static final String SAMPLE = "indicators.csv";

    private final CsvAdapter adapter = new CsvAdapter();

    @Test
    void everyDataLineYieldsOneRecordAndBadLinesDoNotStopTheRest() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.summary())
                .containsExactly(
                        "E " + SAMPLE + ":2 IPV4",
                        "E " + SAMPLE + ":3 DOMAIN",
                        "E " + SAMPLE + ":4 URL",
                        "P " + SAMPLE + ":5 BAD_TLP",
                        "P " + SAMPLE + ":7 BAD_CONFIDENCE",
                        "E " + SAMPLE + ":8 MD5",
                        "P " + SAMPLE + ":9 BAD_TIMESTAMP",
                        "P " + SAMPLE + ":10 UNKNOWN_TYPE",
                        "P " + SAMPLE + ":11 TYPE_NOT_DETECTED",
                        "E " + SAMPLE + ":12 EMAIL",
                        "E " + SAMPLE + ":13 IPV6",
                        "P " + SAMPLE + ":14 TOO_MANY_CELLS",
                        "P " + SAMPLE + ":15 UNTERMINATED_QUOTE",
                        "E " + SAMPLE + ":16 SHA1");
    }

    @Test
    void fullRowFillsEveryField() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("198.51.100.23");

        assertThat(e.getEventId())
                .isEqualTo(Records.expectedId(
                        "default-vendor", SAMPLE, SAMPLE + ":2", IndicatorType.IPV4, "198.51.100.23"));
        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.IPV4);
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-04T07:55:12Z"));
        assertThat(e.getVendor()).isEqualTo("default-vendor");
        assertThat(e.getSensorId()).isEqualTo("fw-edge-01");
        assertThat(e.getConfidence()).isEqualTo(85);
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER);
        assertThat(e.getMalwareFamilies()).containsExactly("Shylock", "Caphaw");
        assertThat(e.getCampaign()).isEqualTo("Merchant of Fraud 2024");
        assertThat(e.getTags()).containsExactly("c2", "banking");
        assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.COMMAND_AND_CONTROL);
        assertThat(e.getRetraction()).isFalse();
        assertThat(e.getRetractionReason()).isNull();
    }

    @Test
    void epochMillisAndEmptyCellsTakeDefaults() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("update-check.shylock-c2[.]example");

        assertThat(e.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1709546400000L));
        assertThat(e.getConfidence()).isEqualTo(70);
        assertThat(e.getTlp()).isEqualTo(Tlp.GREEN);
        assertThat(e.getCampaign()).isNull();
        assertThat(e.getTags()).isEmpty();
        assertThat(e.getKillChainPhase()).isNull();
    }

    @Test
    void quotedValueKeepsCommasAndDoubledQuotes() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE)
                .eventWithValue("hxxp://cdn-invoices[.]example/gate.php?id=7,8&k=\"x\"");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.URL);
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-05T09:00:00Z"));
        assertThat(e.getConfidence()).isEqualTo(Records.DEFAULTS.confidence());
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(e.getTags()).containsExactly("phishing", "invoice");
        assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.DELIVERY);
        assertThat(e.getSensorId()).isEqualTo("default-sensor");
    }

    @Test
    void emptyTypeIsDetectedFromTheValue() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("d41d8cd98f00b204e9800998ecf8427e");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.MD5);
        assertThat(e.getMalwareFamilies()).containsExactly("Shylock");
        assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.INSTALLATION);
        assertThat(e.getObservedAt()).isEqualTo(Records.DEFAULTS.observedAt());
    }

    @Test
    void tlpSpellingsAndKillChainShorthandAreAccepted() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.eventWithValue("o'brien@invoices-secure.example").getTlp())
                .as("TLP:CLEAR")
                .isEqualTo(Tlp.CLEAR);
        ThreatEvent v6 = r.eventWithValue("2001:db8::23");
        assertThat(v6.getTlp()).as("amber_strict").isEqualTo(Tlp.AMBER_STRICT);
        assertThat(v6.getKillChainPhase()).as("c2").isEqualTo(KillChainPhase.COMMAND_AND_CONTROL);
        assertThat(v6.getConfidence()).isEqualTo(100);
        ThreatEvent sha1 = r.eventWithValue("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(sha1.getIndicatorType()).as("SHA1 in upper case").isEqualTo(IndicatorType.SHA1);
        assertThat(sha1.getTlp()).as("white").isEqualTo(Tlp.CLEAR);
    }

    @Test
    void problemsNameTheColumnAndTheValueOfEveryBadCell() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.problemAt(SAMPLE + ":5").message()).contains("tlp 'orange'");
        assertThat(r.problemAt(SAMPLE + ":7").message()).contains("confidence 'high'");
        assertThat(r.problemAt(SAMPLE + ":9").message())
                .contains("observed_at 'last tuesday'", "kill_chain_phase 'lateral-movement'");
        assertThat(r.problemAt(SAMPLE + ":10").message()).contains("type 'hostname'");
        assertThat(r.problemAt(SAMPLE + ":11").message()).contains("'not an indicator'");
        assertThat(r.problemAt(SAMPLE + ":14").message()).contains("12 cells", "11");
    }

    @Test
    void missingValueColumnIsOneProblemAtTheHeader() {
        Records r = Records.readString(adapter, "\n# no\ntype,indicator_typo,tlp\nipv4,1.2.3.4,amber\n", "h.csv");

        assertThat(r.summary()).containsExactly("P h.csv:2 MISSING_COLUMN");
    }

    @Test
    void columnsAreMatchedInAnyOrderAndSpellingAndUnknownOnesIgnored() {
        String csv = "\uFEFFRetraction Reason;x,VENDOR,retraction,indicatorValue,observedAt,ignored\n"
                + "\"sinkholed\",acme-security,TRUE,203.0.113.77,2024-03-09T00:00:00.123Z,whatever\n"
                + "\"\",acme-security,maybe,203.0.113.78,,\n";

        Records r = Records.readString(adapter, csv, "o.csv");

        assertThat(r.summary()).containsExactly("E o.csv:2 IPV4", "P o.csv:3 BAD_RETRACTION");
        ThreatEvent e = r.events().get(0);
        assertThat(e.getVendor()).isEqualTo("acme-security");
        assertThat(e.getRetraction()).isTrue();
        assertThat(e.getRetractionReason())
                .as("'Retraction Reason;x' is not a known column")
                .isNull();
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-09T00:00:00.123Z"));
    }

    @Test
    void retractionReasonAndShortRows() {
        Records r = Records.readString(
                adapter, "value,retraction,retraction_reason,tlp\n203.0.113.77,true,false positive\n", "s.csv");

        ThreatEvent e = r.events().get(0);
        assertThat(e.getRetraction()).isTrue();
        assertThat(e.getRetractionReason()).isEqualTo("false positive");
        assertThat(e.getTlp()).as("missing trailing cell").isEqualTo(Records.DEFAULTS.tlp());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1.2.3.4,101 | BAD_CONFIDENCE",
                "1.2.3.4,-1 | BAD_CONFIDENCE",
                ",50 | MISSING_VALUE",
                "\"1.2.3.4\" x,50 | MALFORMED_QUOTE",
                "\"1.2.3.4,50 | UNTERMINATED_QUOTE",
                " \"1.2.3.4\" , 7 | ",
            })
    void cellLevelChecks(String line, String code) {
        Records r = Records.readString(adapter, "value,confidence\n" + line + "\n", "c.csv");

        assertThat(r.all).hasSize(1);
        if (code == null) {
            assertThat(r.events()).singleElement().satisfies(e -> {
                assertThat(e.getIndicatorValue()).isEqualTo("1.2.3.4");
                assertThat(e.getConfidence()).isEqualTo(7);
            });
        } else {
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(code);
                assertThat(p.location()).isEqualTo("c.csv:2");
            });
        }
    }

    @Test
    void emptyInputYieldsNothing() {
        assertThat(Records.readString(adapter, "", "e.csv").all).isEmpty();
        assertThat(Records.readString(adapter, "value\n\n  \n", "e.csv").all).isEmpty();
    }
}
