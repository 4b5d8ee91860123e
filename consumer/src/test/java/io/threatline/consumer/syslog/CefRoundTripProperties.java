package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.jcustenborder.cef.CEFParser;
import com.github.jcustenborder.cef.CEFParserFactory;
import com.github.jcustenborder.cef.Message;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * For random values, tags and campaigns full of CEF and LEEF special characters and non-ASCII
 * text, the CEF line parses with the independent cef-parser to the same (trimmed, comma-joined)
 * values, and the LEEF line reads back with the test's LEEF reader (which splits at every delimiter)
 * to exactly the formatter's attributes, values as LeefFormatter documents them.
 *
 * <p>The alphabet leaves out the letters {@code n} and {@code r} after a backslash and the text
 * {@code CEF:}, because cef-parser itself mis-reads them (it unescapes {@code \\} before {@code
 * \n}, and takes a later {@code CEF:<digit>} for the start of the event); the formatter's output
 * for them is still correct CEF.
 */
class CefRoundTripProperties {

    private static final CEFParser PARSER = CEFParserFactory.create();
    private static final List<String> TOKENS = List.of(
            "a", "b", "Z", "0", "9", " ", "|", "=", "\\", "^", "\n", "\r", "\t", ",", ":", "-", "é", "€", "ж", "中",
            "😀", "\u00a0", "\u0001");

    @Provide
    Arbitrary<String> nasty() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void cefOutputParsesBackToTheSameValues(
            @ForAll("nasty") String value,
            @ForAll @Size(max = 4) List<@From("nasty") String> tags,
            @ForAll("nasty") String campaign,
            @ForAll IndicatorType type,
            @ForAll LifecycleAction action) {
        PartnerIndicator indicator = Samples.builder(type, action, value)
                .setTags(tags)
                .setCampaigns(List.of(campaign))
                .build();
        String line = new CefFormatter().format(indicator);
        Message m = PARSER.parse(line);

        assertThat(line).doesNotContain("\n", "\r");
        assertThat(m.deviceEventClassId())
                .isEqualTo("indicator-" + action.name().toLowerCase());
        assertThat(m.name()).isEqualTo("Threat indicator " + action + ": " + type);
        assertThat(m.severity()).isEqualTo(Integer.toString(Severity.of(indicator)));
        assertThat(m.extensions().get("flexString1")).isEqualTo(nullIfEmpty(value.trim()));
        assertThat(m.extensions().get("cs5")).isEqualTo(nullIfEmpty(FieldText.join(tags, CefFormatter.MAX_VALUE)));
        assertThat(m.extensions().get("cs2")).isEqualTo(nullIfEmpty(campaign.trim()));
        assertThat(m.extensions().get("externalId"))
                .isEqualTo(nullIfEmpty(indicator.getIndicatorId().trim()));
        assertThat(m.extensions()).isEqualTo(new CefFormatter().extensions(indicator));
    }

    @Property(tries = 300)
    void leefOutputReadsBackToTheSameValues(
            @ForAll("nasty") String value,
            @ForAll @Size(max = 4) List<@From("nasty") String> tags,
            @ForAll IndicatorType type,
            @ForAll LifecycleAction action) {
        PartnerIndicator indicator =
                Samples.builder(type, action, value).setTags(tags).build();
        String line = new LeefFormatter().format(indicator);
        LeefReader.Event e = LeefReader.parse(line);

        assertThat(line).doesNotContain("\n", "\r");
        assertThat(e.attributes().get("indicatorValue")).isEqualTo(nullIfEmpty(asWritten(value.trim())));
        assertThat(e.attributes().get("tags"))
                .isEqualTo(nullIfEmpty(asWritten(FieldText.join(tags, LeefFormatter.MAX_VALUE))));
        Map<String, String> expected = new LinkedHashMap<>();
        new LeefFormatter().attributes(indicator).forEach((k, v) -> expected.put(k, asWritten(v)));
        assertThat(e.attributes()).containsExactlyEntriesOf(expected);
    }

    /** The LEEF formatter's documented rule for values: ^ becomes %5E, | %7C, CR and LF a space. */
    static String asWritten(String value) {
        return value == null
                ? null
                : value.replace("^", "%5E")
                        .replace("|", "%7C")
                        .replace('\r', ' ')
                        .replace('\n', ' ');
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }
}
