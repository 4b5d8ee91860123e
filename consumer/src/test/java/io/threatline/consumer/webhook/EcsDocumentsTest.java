package io.threatline.consumer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.Tlp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class EcsDocumentsTest {

    static Stream<Arguments> typesWithTheirEcsField() {
        return Stream.of(
                Arguments.of(IndicatorType.IPV4, "ipv4-addr", "ip"),
                Arguments.of(IndicatorType.IPV6, "ipv6-addr", "ip"),
                Arguments.of(IndicatorType.DOMAIN, "domain-name", "url.domain"),
                Arguments.of(IndicatorType.URL, "url", "url.full"),
                Arguments.of(IndicatorType.MD5, "file", "file.hash.md5"),
                Arguments.of(IndicatorType.SHA1, "file", "file.hash.sha1"),
                Arguments.of(IndicatorType.SHA256, "file", "file.hash.sha256"),
                Arguments.of(IndicatorType.EMAIL, "email-addr", "email.address"));
    }

    private static JsonNode at(JsonNode node, String dotted) {
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    @ParameterizedTest(name = "{0} -> threat.indicator.type {1}, value in threat.indicator.{2}")
    @MethodSource("typesWithTheirEcsField")
    void everyIndicatorTypeGetsItsEcsTypeAndValueField(IndicatorType type, String ecsType, String valueField) {
        // Given an indicator of the type
        DeliveryRecord record = TestRecords.record(42, TestRecords.indicator(type));

        // When mapped
        JsonNode doc = EcsDocuments.indicator(record);

        // Then each ECS field holds what the table says
        JsonNode indicator = doc.get("threat").get("indicator");
        assertThat(indicator.get("type").asText()).isEqualTo(ecsType);
        assertThat(at(indicator, valueField).asText()).isEqualTo(TestRecords.valueOf(type));
        assertThat(indicator.get("name").asText()).isEqualTo(TestRecords.valueOf(type));
        assertThat(indicator.get("confidence").asText()).isEqualTo("High");
        assertThat(at(indicator, "marking.tlp").asText()).isEqualTo("AMBER");
        assertThat(at(indicator, "marking.tlp_version").asText()).isEqualTo("2.0");
        assertThat(indicator.get("first_seen").asText()).isEqualTo(TestRecords.FIRST_SEEN.toString());
        assertThat(indicator.get("last_seen").asText()).isEqualTo(TestRecords.LAST_SEEN.toString());
        assertThat(indicator.get("modified").asText()).isEqualTo(TestRecords.SHARED_AT.toString());
        assertThat(indicator.get("provider").asText()).isEqualTo("acme");
        assertThat(at(indicator, "geo.country_iso_code").asText()).isEqualTo("NL");
        assertThat(at(indicator, "as.number").asLong()).isEqualTo(64500L);
        assertThat(at(doc, "threat.software.name")).extracting(JsonNode::asText).containsExactly("Emotet", "TrickBot");
        assertThat(at(doc, "threat.feed.name").asText()).isEqualTo("Threatline");
        assertThat(doc.get("@timestamp").asText()).isEqualTo(TestRecords.SHARED_AT.toString());
        assertThat(at(doc, "event.kind").asText()).isEqualTo("enrichment");
        assertThat(at(doc, "event.category")).extracting(JsonNode::asText).containsExactly("threat");
        assertThat(at(doc, "event.type")).extracting(JsonNode::asText).containsExactly("indicator");
        assertThat(at(doc, "event.action").asText()).isEqualTo("indicator-new");
        assertThat(at(doc, "event.id").asText()).isEqualTo(record.deliveryId());
        assertThat(at(doc, "labels.partner").asText()).isEqualTo(TestRecords.PARTNER);
        assertThat(at(doc, "labels.agreement_id").asText()).isEqualTo(TestRecords.AGREEMENT);
        assertThat(at(doc, "labels.agreement_version").asText()).isEqualTo("3");
        assertThat(doc.get("tags")).extracting(JsonNode::asText).containsExactly("c2", "botnet");
        assertThat(at(doc, "threatline.delivery_id").asText()).isEqualTo(TestRecords.TOPIC + "/0/42");
        assertThat(at(doc, "threatline.indicator_id").asText())
                .isEqualTo(TestRecords.indicator(type).getIndicatorId());
        assertThat(at(doc, "threatline.score").asInt()).isEqualTo(73);
        assertThat(at(doc, "threatline.confidence").asInt()).isEqualTo(80);
        assertThat(at(doc, "threatline.valid_until").asText()).isEqualTo(TestRecords.VALID_UNTIL.toString());
        assertThat(at(doc, "threatline.kill_chain_phases"))
                .extracting(JsonNode::asText)
                .containsExactly("DELIVERY", "COMMAND_AND_CONTROL");
        assertThat(at(doc, "threatline.redistribution.allowed").asBoolean()).isTrue();
        assertThat(at(doc, "threatline.redistribution.scope").asText()).isEqualTo("EU law enforcement");
    }

    @ParameterizedTest(name = "confidence {0} -> {1}")
    @CsvSource({"0,None", "1,Low", "29,Low", "30,Medium", "69,Medium", "70,High", "100,High"})
    void confidenceFollowsTheStixNoneLowMedHighScale(int confidence, String expected) {
        assertThat(EcsDocuments.confidence(confidence)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"CLEAR,CLEAR", "GREEN,GREEN", "AMBER,AMBER", "AMBER_STRICT,AMBER+STRICT", "RED,RED"})
    void tlpUsesTheEcsSpelling(Tlp tlp, String expected) {
        assertThat(EcsDocuments.tlp(tlp)).isEqualTo(expected);
    }

    @Test
    void aCidrBlockIsNotPutInTheIpField() {
        DeliveryRecord record = TestRecords.record(
                1,
                TestRecords.indicatorBuilder(IndicatorType.IPV4, "198.51.100.0/24")
                        .build());

        JsonNode indicator = EcsDocuments.indicator(record).get("threat").get("indicator");

        assertThat(indicator.has("ip")).isFalse();
        assertThat(indicator.get("name").asText()).isEqualTo("198.51.100.0/24");
        assertThat(indicator.get("description").asText()).contains("198.51.100.0/24");
    }

    @Test
    void aRevokedIndicatorWithoutFamiliesVendorsOrLocationLeavesThoseFieldsOut() {
        DeliveryRecord record = TestRecords.record(
                1,
                TestRecords.indicatorBuilder(IndicatorType.DOMAIN, "x.example")
                        .setAction(LifecycleAction.REVOKE)
                        .setMalwareFamilies(List.of())
                        .setVendors(List.of())
                        .setCountry(null)
                        .setAsn(null)
                        .setTags(List.of())
                        .build());

        JsonNode doc = EcsDocuments.indicator(record);

        assertThat(at(doc, "event.action").asText()).isEqualTo("indicator-revoke");
        assertThat(at(doc, "threatline.action").asText()).isEqualTo("REVOKE");
        assertThat(doc.get("threat").has("software")).isFalse();
        assertThat(doc.has("tags")).isFalse();
        JsonNode indicator = doc.get("threat").get("indicator");
        assertThat(indicator.has("provider")).isFalse();
        assertThat(indicator.has("geo")).isFalse();
        assertThat(indicator.has("as")).isFalse();
    }

    @Test
    void aStatisticIsAMetricDocument() {
        DeliveryRecord record = TestRecords.record(9, TestRecords.statistic("Emotet", 50));

        JsonNode doc = EcsDocuments.statistic(record);

        assertThat(at(doc, "event.kind").asText()).isEqualTo("metric");
        assertThat(at(doc, "event.action").asText()).isEqualTo("trend-statistic");
        assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-11-29T10:00:00Z");
        assertThat(at(doc, "threatline.delivery_id").asText()).isEqualTo(record.deliveryId());
        assertThat(at(doc, "threatline.statistic.dimension").asText()).isEqualTo("MALWARE_FAMILY");
        assertThat(at(doc, "threatline.statistic.dimension_value").asText()).isEqualTo("Emotet");
        assertThat(at(doc, "threatline.statistic.count").asLong()).isEqualTo(50);
        assertThat(at(doc, "threatline.statistic.previous_count").asLong()).isEqualTo(40);
        assertThat(at(doc, "threatline.statistic.change_ratio").asDouble()).isEqualTo(0.25);
        assertThat(at(doc, "labels.agreement_version").asText()).isEqualTo("3");
    }
}
