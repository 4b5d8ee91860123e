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

class JsonLinesAdapterTest {

    private static final String SAMPLE = "events.jsonl";

    private final JsonLinesAdapter adapter = new JsonLinesAdapter();

    @Test
    void everyNonBlankLineYieldsOneRecordAndBrokenLinesDoNotStopTheRest() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.summary())
                .containsExactly(
                        "E " + SAMPLE + ":1 IPV4",
                        "E " + SAMPLE + ":2 URL",
                        "E " + SAMPLE + ":4 MD5",
                        "P " + SAMPLE + ":5 MALFORMED_JSON",
                        "P " + SAMPLE + ":6 BAD_CONFIDENCE",
                        "P " + SAMPLE + ":7 NOT_AN_OBJECT",
                        "E " + SAMPLE + ":8 IPV4",
                        "P " + SAMPLE + ":9 UNKNOWN_TYPE",
                        "P " + SAMPLE + ":10 MISSING_VALUE",
                        "P " + SAMPLE + ":11 BAD_EVENT_ID",
                        "P " + SAMPLE + ":12 BAD_FIELD",
                        "E " + SAMPLE + ":13 EMAIL");
    }

    @Test
    void fullLineFillsEveryField() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("198.51.100.23");

        assertThat(e.getEventId())
                .isEqualTo(Records.expectedId(
                        "acme-security", SAMPLE, SAMPLE + ":1", IndicatorType.IPV4, "198.51.100.23"));
        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.IPV4);
        assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2024-03-04T07:55:12.250Z"));
        assertThat(e.getVendor()).isEqualTo("acme-security");
        assertThat(e.getSensorId()).isEqualTo("fw-edge-01");
        assertThat(e.getConfidence()).isEqualTo(85);
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER);
        assertThat(e.getMalwareFamilies()).containsExactly("Shylock");
        assertThat(e.getCampaign()).isEqualTo("Merchant of Fraud 2024");
        assertThat(e.getTags()).containsExactly("c2");
        assertThat(e.getKillChainPhase()).isEqualTo(KillChainPhase.COMMAND_AND_CONTROL);
        assertThat(e.getRetraction()).isFalse();
        assertThat(e.getRetractionReason()).isNull();
    }

    @Test
    void givenEventIdAndEpochMillisAreUsedAndTheRestDefaulted() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("hxxp://cdn-invoices[.]example/gate.php");

        assertThat(e.getEventId()).isEqualTo("3b241101-e2bb-4255-8caf-4136c566a962");
        assertThat(e.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1709546400000L));
        assertThat(e.getTlp()).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(e.getVendor()).isEqualTo("default-vendor");
        assertThat(e.getSensorId()).isEqualTo("default-sensor");
        assertThat(e.getConfidence()).isEqualTo(Records.DEFAULTS.confidence());
        assertThat(e.getMalwareFamilies()).isEmpty();
        assertThat(e.getTags()).isEmpty();
        assertThat(e.getCampaign()).isNull();
        assertThat(e.getKillChainPhase()).isNull();
    }

    @Test
    void absentTypeIsDetectedAndMillisMayBeAString() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("d41d8cd98f00b204e9800998ecf8427e");

        assertThat(e.getIndicatorType()).isEqualTo(IndicatorType.MD5);
        assertThat(e.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1709546400000L));
        assertThat(e.getTlp()).isEqualTo(Tlp.GREEN);
    }

    @Test
    void retractionLineAndUnknownFieldsAreRead() {
        ThreatEvent e = Records.readSample(adapter, SAMPLE).eventWithValue("203.0.113.77");

        assertThat(e.getRetraction()).isTrue();
        assertThat(e.getRetractionReason()).isEqualTo("sinkholed since 2024-03-01");
        assertThat(e.getTlp()).isEqualTo(Tlp.CLEAR);
    }

    @Test
    void problemsNameEveryBadField() {
        Records r = Records.readSample(adapter, SAMPLE);

        assertThat(r.problemAt(SAMPLE + ":5").message()).startsWith("not valid JSON");
        assertThat(r.problemAt(SAMPLE + ":6").message()).contains("confidence 150", "tlp 'PURPLE'");
        assertThat(r.problemAt(SAMPLE + ":9").message()).contains("'FQDN'");
        assertThat(r.problemAt(SAMPLE + ":11").message()).contains("'not-a-uuid'");
        assertThat(r.problemAt(SAMPLE + ":12").message()).contains("tags");
        ThreatEvent last = r.eventWithValue("billing@invoices-secure.example");
        assertThat(last.getKillChainPhase()).isEqualTo(KillChainPhase.DELIVERY);
        assertThat(last.getSensorId()).isEqualTo("mail-gw-2");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"indicatorValue\": \"1.2.3.4\"} {\"x\": 1} | MALFORMED_JSON",
                "42 | NOT_AN_OBJECT",
                "{\"indicatorValue\": 1234} | BAD_FIELD",
                "{\"indicatorValue\": \"1.2.3.4\", \"observedAt\": \"yesterday\"} | BAD_TIMESTAMP",
                "{\"indicatorValue\": \"1.2.3.4\", \"observedAt\": true} | BAD_TIMESTAMP",
                "{\"indicatorValue\": \"1.2.3.4\", \"confidence\": 50.5} | BAD_CONFIDENCE",
                "{\"indicatorValue\": \"1.2.3.4\", \"retraction\": \"yes\"} | BAD_RETRACTION",
                "{\"indicatorValue\": \"1.2.3.4\", \"killChainPhase\": \"LATERAL\"} | BAD_KILL_CHAIN_PHASE",
                "{\"indicatorValue\": \"no such thing\"} | TYPE_NOT_DETECTED",
                "{\"indicatorValue\": \"   \", \"indicatorType\": \"IPV4\"} | MISSING_VALUE",
                "{\"indicatorValue\": \"1.2.3.4\", \"indicatorType\": \"\"} | ",
                "{\"indicatorValue\": \"1.2.3.4\", \"indicatorType\": \"ipv4\", \"tlp\": \"amber+strict\"} | ",
            })
    void fieldChecks(String line, String code) {
        Records r = Records.readString(adapter, line + "\n", "f.jsonl");

        assertThat(r.all).hasSize(1);
        if (code == null) {
            assertThat(r.events())
                    .singleElement()
                    .extracting(ThreatEvent::getIndicatorType)
                    .isEqualTo(IndicatorType.IPV4);
        } else {
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(code);
                assertThat(p.location()).isEqualTo("f.jsonl:1");
            });
        }
    }
}
