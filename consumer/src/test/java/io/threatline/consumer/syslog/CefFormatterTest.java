package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.jcustenborder.cef.CEFParser;
import com.github.jcustenborder.cef.CEFParserFactory;
import com.github.jcustenborder.cef.Message;
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

/**
 * CEF output checked with the independent graylog cef-parser (com.github.jcustenborder.cef).
 *
 * <p>Known defect of that parser, avoided in test values: it unescapes {@code \\} before {@code
 * \n}/{@code \r}, so a literal backslash followed by {@code n} or {@code r} reads back as a line
 * break. It also matches any {@code \w+=} as a key and trims values, which the formatter's escaping
 * and trimming already account for.
 */
class CefFormatterTest {

    private static final CEFParser PARSER = CEFParserFactory.create();
    private final CefFormatter formatter = new CefFormatter();

    static Stream<Arguments> everyTypeAndAction() {
        return Samples.types().stream().flatMap(t -> Samples.actions().stream().map(a -> Arguments.of(t, a)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeAndAction")
    void everyTypeAndActionParsesWithHeaderAndExtensionIntact(IndicatorType type, LifecycleAction action) {
        PartnerIndicator indicator = Samples.indicator(type, action);
        String line = formatter.format(indicator);

        assertThat(line).startsWith("CEF:0|Threatline|Threatline Hub|1.0|").doesNotContain("\n", "\r");
        Message m = PARSER.parse(line);
        assertThat(m.cefVersion()).isZero();
        assertThat(m.deviceVendor()).isEqualTo("Threatline");
        assertThat(m.deviceProduct()).isEqualTo("Threatline Hub");
        assertThat(m.deviceVersion()).isEqualTo("1.0");
        assertThat(m.deviceEventClassId())
                .isEqualTo("indicator-" + action.name().toLowerCase());
        assertThat(m.name()).isEqualTo("Threat indicator " + action + ": " + type);
        assertThat(m.severity()).isEqualTo(Integer.toString(Severity.of(indicator)));

        Map<String, String> x = m.extensions();
        assertThat(x)
                .containsEntry("act", action.name())
                .containsEntry("externalId", indicator.getIndicatorId())
                .containsEntry("flexString1Label", "indicatorValue")
                .containsEntry("flexString1", indicator.getValue())
                .containsEntry("flexString2Label", "country")
                .containsEntry("flexString2", "NL")
                .containsEntry("cs1Label", "malwareFamilies")
                .containsEntry("cs1", "Emotet,TrickBot")
                .containsEntry("cs2Label", "campaigns")
                .containsEntry("cs2", "winter-2026")
                .containsEntry("cs3Label", "tlp")
                .containsEntry("cs3", "AMBER_STRICT")
                .containsEntry("cs4Label", "agreement")
                .containsEntry("cs4", "mou-2026-01@3")
                .containsEntry("cs5Label", "tags")
                .containsEntry("cs5", "c2,botnet")
                .containsEntry("cs6Label", "vendors")
                .containsEntry("cs6", "acme")
                .containsEntry("cn1Label", "confidence")
                .containsEntry("cn1", "80")
                .containsEntry("cn2Label", "score")
                .containsEntry("cn2", "73")
                .containsEntry("cn3Label", "asn")
                .containsEntry("cn3", "64500")
                .containsEntry("cat", "DELIVERY,COMMAND_AND_CONTROL")
                .containsEntry("start", Long.toString(Samples.FIRST_SEEN.toEpochMilli()))
                .containsEntry("end", Long.toString(Samples.LAST_SEEN.toEpochMilli()))
                .containsEntry("deviceCustomDate1Label", "validUntil")
                .containsEntry("deviceCustomDate1", Long.toString(Samples.VALID_UNTIL.toEpochMilli()))
                .containsEntry("rt", Long.toString(Samples.SHARED_AT.toEpochMilli()))
                .containsEntry("msg", "partner europol-ec3; redistribution allowed: EU law enforcement");
        String typeKey = switch (type) {
            case IPV4, IPV6 -> "src";
            case DOMAIN -> "dhost";
            case URL -> "request";
            case MD5, SHA1, SHA256 -> "fileHash";
            case EMAIL -> "suser";
            case UNKNOWN -> throw new AssertionError();
        };
        assertThat(x).containsEntry(typeKey, indicator.getValue());
        assertThat(x).isEqualTo(formatter.extensions(indicator));
    }

    @Test
    void valuesWithPipesEqualsBackslashesCaretsAndNewlinesRoundTripUnescaped() {
        String nasty = "http://x.example/a|b=c\\d^e\nf\rg=\\";
        PartnerIndicator indicator = Samples.builder(IndicatorType.URL, LifecycleAction.NEW, nasty)
                .setIndicatorId("url:" + nasty)
                .setTags(List.of("t|1", "k=v", "back\\slash", "up^caret", "multi\nline"))
                .setCampaigns(List.of("op \"quote\" = |pipe|"))
                .setRedistributionScope("a=b|c\\")
                .build();
        String line = formatter.format(indicator);

        assertThat(line).doesNotContain("\n", "\r").contains("c\\\\d^e\\nf\\rg\\=\\\\");
        Message m = PARSER.parse(line);
        assertThat(m.extensions())
                .containsEntry("request", nasty)
                .containsEntry("flexString1", nasty)
                .containsEntry("externalId", "url:" + nasty)
                .containsEntry("cs5", "t|1,k=v,back\\slash,up^caret,multi\nline")
                .containsEntry("cs2", "op \"quote\" = |pipe|")
                .containsEntry("msg", "partner europol-ec3; redistribution allowed: a=b|c\\");
        assertThat(m.name()).isEqualTo("Threat indicator NEW: URL");
        assertThat(m.severity()).isEqualTo("8");
    }

    @Test
    void headerFieldsEscapePipeAndBackslashAndReplaceNewlines() {
        CefFormatter custom = new CefFormatter("Acme|Corp", "Hub\\Edge", "1.0\nbeta");
        String line = custom.format(Samples.indicator(IndicatorType.DOMAIN, LifecycleAction.UPDATE));

        assertThat(line).startsWith("CEF:0|Acme\\|Corp|Hub\\\\Edge|1.0 beta|indicator-update|");
        Message m = PARSER.parse(line);
        assertThat(m.deviceVendor()).isEqualTo("Acme|Corp");
        assertThat(m.deviceProduct()).isEqualTo("Hub\\Edge");
        assertThat(m.deviceVersion()).isEqualTo("1.0 beta");
        assertThat(m.deviceEventClassId()).isEqualTo("indicator-update");
    }

    @Test
    void escapingRulesMatchTheCefSpecification() {
        assertThat(CefFormatter.escapeHeader("a\\b|c\r\nd=e")).isEqualTo("a\\\\b\\|c  d=e");
        assertThat(CefFormatter.escapeExtension("a\\b|c\r\nd=e")).isEqualTo("a\\\\b|c\\r\\nd\\=e");
    }

    @Test
    void severityFollowsScoreThenConfidenceAndIsLowForExpireAndRevoke() {
        PartnerIndicator.Builder b = Samples.builder(IndicatorType.IPV4, LifecycleAction.NEW, "192.0.2.1");
        assertThat(Severity.of(b.setScore(73).build())).isEqualTo(8);
        assertThat(Severity.of(b.setScore(100).build())).isEqualTo(10);
        assertThat(Severity.of(b.setScore(1).build())).isEqualTo(1);
        assertThat(Severity.of(b.setScore(0).setConfidence(45).build())).isEqualTo(5);
        assertThat(Severity.of(b.setScore(0).setConfidence(0).build())).isEqualTo(1);
        assertThat(Severity.of(b.setScore(95).setAction(LifecycleAction.UPDATE).build()))
                .isEqualTo(10);
        assertThat(Severity.of(b.setAction(LifecycleAction.EXPIRE).build())).isEqualTo(1);
        assertThat(Severity.of(b.setAction(LifecycleAction.REVOKE).build())).isZero();
    }

    @Test
    void cidrBlocksAreNotPutInSrcButKeptInFlexString1() {
        PartnerIndicator i = Samples.builder(IndicatorType.IPV4, LifecycleAction.NEW, "198.51.100.0/24")
                .build();
        Map<String, String> x = PARSER.parse(formatter.format(i)).extensions();
        assertThat(x).doesNotContainKey("src").containsEntry("flexString1", "198.51.100.0/24");
    }

    @Test
    void emptyListsAndNullsAreLeftOutWithTheirLabels() {
        PartnerIndicator i = Samples.builder(
                        IndicatorType.SHA256, LifecycleAction.REVOKE, Samples.valueOf(IndicatorType.SHA256))
                .setMalwareFamilies(List.of())
                .setTags(List.of())
                .setVendors(List.of())
                .setKillChainPhases(List.of())
                .setCountry(null)
                .setAsn(null)
                .setRedistributionAllowed(false)
                .setRedistributionScope(null)
                .build();
        Map<String, String> x = PARSER.parse(formatter.format(i)).extensions();
        assertThat(x)
                .doesNotContainKeys("cs1", "cs1Label", "cs5", "cs5Label", "cs6", "cs6Label", "cat")
                .doesNotContainKeys("flexString2", "flexString2Label", "cn3", "cn3Label")
                .containsEntry("msg", "partner europol-ec3; redistribution not allowed");
    }

    @Test
    void veryLongValuesAreTruncatedWithoutSplittingASurrogatePair() {
        String longValue = "a".repeat(CefFormatter.MAX_VALUE - 1) + "\uD83D\uDE00" + "b".repeat(50);
        PartnerIndicator i = Samples.builder(IndicatorType.URL, LifecycleAction.NEW, longValue)
                .build();
        Map<String, String> x = PARSER.parse(formatter.format(i)).extensions();
        assertThat(x.get("request")).isEqualTo("a".repeat(CefFormatter.MAX_VALUE - 1));
        assertThat(x.get("flexString1")).hasSize(CefFormatter.MAX_VALUE - 1);
    }
}
