package io.threatline.consumer.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.Result;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class StixMapperTest {

    private final StixMapper mapper = new StixMapper();

    static Stream<Arguments> everyIndicatorType() {
        return Stream.of(
                Arguments.of(IndicatorType.IPV4, "203.0.113.7", "[ipv4-addr:value = '203.0.113.7']"),
                Arguments.of(IndicatorType.IPV4, "198.51.100.0/24", "[ipv4-addr:value = '198.51.100.0/24']"),
                Arguments.of(IndicatorType.IPV6, "2001:db8::7", "[ipv6-addr:value = '2001:db8::7']"),
                Arguments.of(IndicatorType.IPV6, "2001:db8::/32", "[ipv6-addr:value = '2001:db8::/32']"),
                Arguments.of(IndicatorType.DOMAIN, "bad.example.com", "[domain-name:value = 'bad.example.com']"),
                Arguments.of(
                        IndicatorType.URL,
                        "http://bad.example.com/login.php?a=1&b=2",
                        "[url:value = 'http://bad.example.com/login.php?a=1&b=2']"),
                Arguments.of(
                        IndicatorType.MD5,
                        "44d88612fea8a8f36de82e1278abb02f",
                        "[file:hashes.'MD5' = '44d88612fea8a8f36de82e1278abb02f']"),
                Arguments.of(
                        IndicatorType.SHA1,
                        "3395856ce81f2b7382dee72602f798b642f14140",
                        "[file:hashes.'SHA-1' = '3395856ce81f2b7382dee72602f798b642f14140']"),
                Arguments.of(
                        IndicatorType.SHA256,
                        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
                        "[file:hashes.'SHA-256' = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']"),
                Arguments.of(
                        IndicatorType.EMAIL,
                        "phisher@bad.example.com",
                        "[email-addr:value = 'phisher@bad.example.com']"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyIndicatorType")
    void shouldMapEveryIndicatorTypeToASchemaValidIndicatorWithItsPattern(
            IndicatorType type, String value, String pattern) {
        // Given a partner indicator of the type
        PartnerIndicator in = StixIndicators.of(type, value);

        // When it is mapped
        ObjectNode out = mapper.indicator(in).value();

        // Then it is a valid STIX indicator with the expected pattern and the common properties
        assertThat(StixSchemas.indicatorViolations(out)).isEmpty();
        assertThat(out.path("pattern").asText()).isEqualTo(pattern);
        assertThat(out.path("pattern_type").asText()).isEqualTo("stix");
        assertThat(out.path("spec_version").asText()).isEqualTo("2.1");
        assertThat(out.path("id").asText())
                .isEqualTo(StixIds.indicator(in.getIndicatorId()))
                .startsWith("indicator--");
        assertThat(out.path("created").asText()).isEqualTo("2026-11-01T08:00:00.123Z");
        assertThat(out.path("modified").asText()).isEqualTo("2026-11-29T10:15:30.789Z");
        assertThat(out.path("valid_from").asText()).isEqualTo("2026-11-01T08:00:00.123Z");
        assertThat(out.path("valid_until").asText()).isEqualTo("2026-12-28T17:30:00.456Z");
        assertThat(out.path("name").asText()).isEqualTo(in.getIndicatorId());
        assertThat(out.path("confidence").asInt()).isEqualTo(80);
        assertThat(texts(out.path("labels"))).containsExactly("Shylock", "c2", "banking");
        assertThat(texts(out.path("indicator_types"))).containsExactly("malicious-activity");
        assertThat(out.path("kill_chain_phases").findValuesAsText("phase_name"))
                .containsExactly("delivery", "command-and-control");
        assertThat(out.path("kill_chain_phases").findValuesAsText("kill_chain_name"))
                .containsOnly(StixMapper.KILL_CHAIN);
        assertThat(texts(out.path("object_marking_refs")))
                .containsExactly("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
        assertThat(out.has("revoked")).isFalse();
    }

    @Test
    void shouldGiveTheSameIdToEveryVersionOfOneIndicatorAndDifferentIdsToDifferentIndicators() {
        // Given a NEW and a later UPDATE of the same indicator, and another indicator
        PartnerIndicator first = StixIndicators.of(IndicatorType.DOMAIN, "bad.example.com");
        PartnerIndicator update = StixIndicators.builder("interpol-igci", IndicatorType.DOMAIN, "bad.example.com")
                .setAction(LifecycleAction.UPDATE)
                .setSharedAt(Instant.parse("2026-12-01T00:00:00Z"))
                .build();
        PartnerIndicator other = StixIndicators.of(IndicatorType.DOMAIN, "worse.example.com");

        // When they are mapped
        ObjectNode a = mapper.indicator(first).value();
        ObjectNode b = mapper.indicator(update).value();
        ObjectNode c = mapper.indicator(other).value();

        // Then the versions share the id and differ in modified; the other indicator has its own id
        assertThat(b.path("id")).isEqualTo(a.path("id"));
        assertThat(b.path("modified").asText()).isEqualTo("2026-12-01T00:00:00.000Z");
        assertThat(c.path("id")).isNotEqualTo(a.path("id"));
        assertThat(a.path("id").asText())
                .matches("indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(mapper.indicator(first).value()).isEqualTo(a);
    }

    @Test
    void shouldEscapeQuotesAndBackslashesInThePattern() {
        // Given a URL holding a single quote and a backslash
        PartnerIndicator in = StixIndicators.of(IndicatorType.URL, "http://bad.example.com/a'b\\c");

        // When it is mapped
        ObjectNode out = mapper.indicator(in).value();

        // Then both are escaped inside the string literal, and the object is still valid
        assertThat(out.path("pattern").asText()).isEqualTo("[url:value = 'http://bad.example.com/a\\'b\\\\c']");
        assertThat(StixSchemas.indicatorViolations(out)).isEmpty();
    }

    @Test
    void shouldMarkARevokedIndicatorRevoked() {
        PartnerIndicator in = StixIndicators.builder("interpol-igci", IndicatorType.IPV4, "203.0.113.9")
                .setAction(LifecycleAction.REVOKE)
                .build();

        ObjectNode out = mapper.indicator(in).value();

        assertThat(out.path("revoked").asBoolean()).isTrue();
        assertThat(out.path("x_threatline_action").asText()).isEqualTo("revoke");
        assertThat(StixSchemas.indicatorViolations(out)).isEmpty();
    }

    @Test
    void shouldNeverLetModifiedPrecedeCreatedNorValidUntilPrecedeValidFrom() {
        // Given a record shared "before" its first sighting (clock skew) and already expired at first sight
        PartnerIndicator in = StixIndicators.builder("interpol-igci", IndicatorType.IPV4, "203.0.113.9")
                .setSharedAt(StixIndicators.FIRST_SEEN.minusSeconds(5))
                .setValidUntil(StixIndicators.FIRST_SEEN)
                .build();

        ObjectNode out = mapper.indicator(in).value();

        assertThat(out.path("modified").asText()).isEqualTo(out.path("created").asText());
        assertThat(out.has("valid_until")).isFalse();
        assertThat(StixSchemas.indicatorViolations(out)).isEmpty();
    }

    @Test
    void shouldReferenceTheAgreementThatAllowedTheDelivery() {
        ObjectNode out = mapper.indicator(StixIndicators.of(IndicatorType.MD5, "44d88612fea8a8f36de82e1278abb02f"))
                .value();

        JsonNode reference = out.path("external_references").get(0);
        assertThat(reference.path("source_name").asText()).isEqualTo("threatline-agreement");
        assertThat(reference.path("external_id").asText()).isEqualTo("mou-2026-01");
        assertThat(reference.path("description").asText()).isEqualTo("version 3");
        assertThat(out.path("x_threatline_agreement_version").asInt()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Tlp.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void shouldMarkEachTlpWithItsPublishedTlp2MarkingDefinition(Tlp tlp) {
        PartnerIndicator in = StixIndicators.builder("interpol-igci", IndicatorType.IPV4, "203.0.113.9")
                .setTlp(tlp)
                .build();

        ObjectNode out = mapper.indicator(in).value();

        ObjectNode definition = TlpMarkings.definition(tlp).orElseThrow();
        assertThat(texts(out.path("object_marking_refs")))
                .containsExactly(definition.path("id").asText());
        assertThat(StixSchemas.violations("common/marking-definition.json", definition))
                .isEmpty();
        assertThat(definition
                        .path("extensions")
                        .path(TlpMarkings.TLP2_EXTENSION)
                        .path("tlp_2_0")
                        .asText())
                .isEqualTo(tlp.name().toLowerCase().replace('_', '+'));
    }

    @Test
    void shouldRejectWhatCannotBeExpressedInsteadOfGuessing() {
        Result<ObjectNode> unknownTlp =
                mapper.indicator(StixIndicators.builder("interpol-igci", IndicatorType.IPV4, "203.0.113.9")
                        .setTlp(Tlp.UNKNOWN)
                        .build());
        Result<ObjectNode> unknownType = mapper.indicator(StixIndicators.of(IndicatorType.UNKNOWN, "x"));

        assertThat(unknownTlp.isOk()).isFalse();
        assertThat(unknownTlp.rejection().code()).isEqualTo("STIX_UNKNOWN_TLP");
        assertThat(unknownType.isOk()).isFalse();
        assertThat(unknownType.rejection().code()).isEqualTo("STIX_UNKNOWN_TYPE");
    }

    @Test
    void shouldMapATrendStatisticToAValidCustomObjectInAValidBundle() {
        // Given a daily statistic
        TrendStatistic s = TrendStatistic.newBuilder()
                .setPartnerId("europol-ec3")
                .setAgreementId("mou-ec3")
                .setAgreementVersion(2)
                .setWindow(StatisticWindow.DAILY)
                .setWindowStart(Instant.parse("2026-11-28T00:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-29T00:00:00Z"))
                .setDimension(StatisticDimension.MALWARE_FAMILY)
                .setDimensionValue("Shylock")
                .setCount(42)
                .setPreviousCount(21L)
                .setChangeRatio(1.0)
                .build();

        // When it is mapped and bundled with an indicator
        ObjectNode out = mapper.trendStatistic(s).value();
        ObjectNode bundle = new StixBundle()
                .add(out)
                .add(mapper.indicator(StixIndicators.of(IndicatorType.IPV4, "203.0.113.7"))
                        .value())
                .build()
                .orElseThrow();

        // Then the custom object carries the statistic and the bundle is valid STIX
        assertThat(out.path("type").asText()).isEqualTo("x-threatline-trend-statistic");
        assertThat(out.path("id").asText())
                .isEqualTo(StixMapper.trendStatisticId(s))
                .startsWith("x-threatline-trend-statistic--");
        assertThat(out.path("dimension").asText()).isEqualTo("malware-family");
        assertThat(out.path("dimension_value").asText()).isEqualTo("Shylock");
        assertThat(out.path("count").asLong()).isEqualTo(42);
        assertThat(out.path("previous_count").asLong()).isEqualTo(21);
        assertThat(out.path("window_start").asText()).isEqualTo("2026-11-28T00:00:00.000Z");
        assertThat(out.path("modified").asText()).isEqualTo("2026-11-29T00:00:00.000Z");
        assertThat(StixSchemas.violations("common/core.json", out)).isEmpty();
        assertThat(StixSchemas.bundleViolations(bundle)).isEmpty();
    }

    @Test
    void shouldBundleTheReferencedMarkingDefinitionsOnceAndNotRepeatAnObjectVersion() {
        ObjectNode a = mapper.indicator(StixIndicators.of(IndicatorType.IPV4, "203.0.113.7"))
                .value();
        ObjectNode b = mapper.indicator(StixIndicators.builder("interpol-igci", IndicatorType.IPV4, "203.0.113.8")
                        .setTlp(Tlp.GREEN)
                        .build())
                .value();

        ObjectNode bundle = new StixBundle()
                .add(a)
                .add(b)
                .add(a.deepCopy())
                .build("bundle--" + StixIds.NAMESPACE)
                .orElseThrow();

        assertThat(bundle.path("objects").findValuesAsText("id"))
                .containsExactly(
                        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                        a.path("id").asText(),
                        b.path("id").asText());
        assertThat(StixSchemas.bundleViolations(bundle)).isEmpty();
        assertThat(new StixBundle().build()).isEmpty();
    }

    @Test
    void shouldFailSchemaValidationForAnIndicatorWithoutPattern() {
        // Guards the schema check itself: an invalid object must be reported
        ObjectNode out = mapper.indicator(StixIndicators.of(IndicatorType.IPV4, "203.0.113.7"))
                .value();
        out.remove("pattern");

        assertThat(StixSchemas.indicatorViolations(out)).isNotEmpty();
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
