package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LEEF 2.0 output read back with the test's own {@link LeefReader}, written from QRadar's rules. */
class LeefFormatterTest {

    private final LeefFormatter formatter = new LeefFormatter();

    static Stream<Arguments> everyTypeAndAction() {
        return Samples.types().stream().flatMap(t -> Samples.actions().stream().map(a -> Arguments.of(t, a)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeAndAction")
    void everyTypeAndActionReadsBackWithHeaderAndAttributesIntact(IndicatorType type, LifecycleAction action) {
        PartnerIndicator indicator = Samples.indicator(type, action);
        String line = formatter.format(indicator);

        assertThat(line)
                .startsWith("LEEF:2.0|Threatline|Threatline Hub|1.0|indicator-"
                        + action.name().toLowerCase() + "|^|devTime=")
                .doesNotContain("\n", "\r");
        LeefReader.Event e = LeefReader.parse(line);
        assertThat(e.version()).isEqualTo("2.0");
        assertThat(e.vendor()).isEqualTo("Threatline");
        assertThat(e.product()).isEqualTo("Threatline Hub");
        assertThat(e.productVersion()).isEqualTo("1.0");
        assertThat(e.eventId()).isEqualTo("indicator-" + action.name().toLowerCase());
        assertThat(e.delimiter()).isEqualTo('^');
        Map<String, String> a = e.attributes();
        assertThat(a)
                .containsEntry("devTime", "2026-11-29T10:15:30.789+0000")
                .containsEntry("devTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ")
                .containsEntry("cat", "threat-indicator")
                .containsEntry("sev", Integer.toString(Math.max(1, Severity.of(indicator))))
                .containsEntry("action", action.name())
                .containsEntry("indicatorId", indicator.getIndicatorId())
                .containsEntry("indicatorType", type.name())
                .containsEntry("indicatorValue", indicator.getValue())
                .containsEntry("confidence", "80")
                .containsEntry("score", "73")
                .containsEntry("tlp", "AMBER_STRICT")
                .containsEntry("malwareFamilies", "Emotet,TrickBot")
                .containsEntry("campaigns", "winter-2026")
                .containsEntry("tags", "c2,botnet")
                .containsEntry("killChainPhases", "DELIVERY,COMMAND_AND_CONTROL")
                .containsEntry("vendors", "acme")
                .containsEntry("sensors", "acme/s-1")
                .containsEntry("country", "NL")
                .containsEntry("asn", "64500")
                .containsEntry("firstSeen", "2026-11-01T08:00:00.123Z")
                .containsEntry("lastSeen", "2026-11-28T17:30:00.456Z")
                .containsEntry("validUntil", "2026-12-28T17:30:00.456Z")
                .containsEntry("partnerId", "europol-ec3")
                .containsEntry("agreementId", "mou-2026-01")
                .containsEntry("agreementVersion", "3")
                .containsEntry("redistributionAllowed", "true")
                .containsEntry("redistributionScope", "EU law enforcement");
        String typeKey = switch (type) {
            case IPV4, IPV6 -> "src";
            case DOMAIN -> "domain";
            case URL -> "url";
            case MD5, SHA1, SHA256 -> "fileHash";
            case EMAIL -> "srcEmail";
            case UNKNOWN -> throw new AssertionError();
        };
        assertThat(a).containsEntry(typeKey, indicator.getValue());
        assertThat(a).isEqualTo(formatter.attributes(indicator));
    }

    @Test
    void shouldNeverLetAValueHoldTheDelimiterSoNoValueCanAddOrEndAnAttribute() {
        // Given values with carets (the delimiter), pipes (the header's separator), equals signs, backslashes and line
        // breaks,
        // one of them trying to add a severity and a source address of its own
        String nasty = "http://x.example/a|b=c\\d^e\nf\rg^^\\n";
        PartnerIndicator indicator = Samples.builder(IndicatorType.URL, LifecycleAction.UPDATE, nasty)
                .setTags(List.of("t|1", "k=v", "x^sev=10^src=198.51.100.1", "multi\nline\\"))
                .build();

        // When it is formatted
        String line = formatter.format(indicator);

        // Then the line has no break, and a reader that splits at every ^ finds exactly the formatter's attributes
        assertThat(line).doesNotContain("\n", "\r").contains("a%7Cb=c\\d%5Ee f g%5E%5E\\n");
        assertThat(line.substring(line.indexOf("|^|") + 3)).doesNotContain("|");
        Map<String, String> a = LeefReader.parse(line).attributes();
        assertThat(a.keySet())
                .containsExactlyElementsOf(formatter.attributes(indicator).keySet());
        assertThat(a)
                .containsEntry("url", "http://x.example/a%7Cb=c\\d%5Ee f g%5E%5E\\n")
                .containsEntry("indicatorValue", "http://x.example/a%7Cb=c\\d%5Ee f g%5E%5E\\n")
                .containsEntry("tags", "t%7C1,k=v,x%5Esev=10%5Esrc=198.51.100.1,multi line\\")
                .doesNotContainEntry("sev", "10")
                .doesNotContainKey("src");
    }

    @Test
    void escapingRulesCoverHeaderPipeAndValueDelimiter() {
        assertThat(LeefFormatter.escapeHeader("a|b\\c\nd")).isEqualTo("a\\|b\\\\c d");
        assertThat(LeefFormatter.escapeValue("a^b\\c\r\nd=e|f")).isEqualTo("a%5Eb\\c  d=e%7Cf");
    }

    @Test
    void revokedIndicatorHasTheLowestLeefSeverity() {
        PartnerIndicator i = Samples.indicator(IndicatorType.DOMAIN, LifecycleAction.REVOKE);
        assertThat(LeefReader.parse(formatter.format(i)).attributes()).containsEntry("sev", "1");
    }
}
