package io.threatline.consumer.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import java.util.List;
import java.util.Locale;

/**
 * A batch as Elastic Common Schema (ECS 8.x) documents: the webhook body is a JSON array of
 * documents, one per record, in batch order. An array (rather than NDJSON) because the usual Elastic
 * receivers take it as one event per element without configuration — Elastic Agent's Custom HTTP
 * Endpoint and Logstash's {@code http} input with its default {@code json} codec both split a
 * top-level array — and because a signature over one JSON value is easy to check.
 *
 * <table>
 *   <caption>Indicator document</caption>
 *   <tr><th>ECS field</th><th>from</th></tr>
 *   <tr><td>@timestamp</td><td>sharedAt</td></tr>
 *   <tr><td>event.kind / category / type</td><td>{@code enrichment} / {@code [threat]} / {@code [indicator]}
 *       (the ECS threat-intelligence convention)</td></tr>
 *   <tr><td>event.action</td><td>{@code indicator-<action>}, e.g. {@code indicator-revoke}</td></tr>
 *   <tr><td>event.id</td><td>delivery id (also {@code threatline.delivery_id})</td></tr>
 *   <tr><td>threat.feed.name</td><td>{@code Threatline}</td></tr>
 *   <tr><td>threat.indicator.type</td><td>IPV4 {@code ipv4-addr}, IPV6 {@code ipv6-addr}, DOMAIN
 *       {@code domain-name}, URL {@code url}, MD5/SHA1/SHA256 {@code file}, EMAIL {@code email-addr}</td></tr>
 *   <tr><td>threat.indicator.name</td><td>value, always</td></tr>
 *   <tr><td>threat.indicator.ip</td><td>value, for a single IPv4/IPv6 address; a CIDR block is not an
 *       {@code ip} value and is only in {@code name} and {@code description}</td></tr>
 *   <tr><td>threat.indicator.url.domain</td><td>value, for DOMAIN</td></tr>
 *   <tr><td>threat.indicator.url.full, url.original</td><td>value, for URL</td></tr>
 *   <tr><td>threat.indicator.file.hash.md5 / sha1 / sha256</td><td>value, for the hash types</td></tr>
 *   <tr><td>threat.indicator.email.address</td><td>value, for EMAIL</td></tr>
 *   <tr><td>threat.indicator.confidence</td><td>confidence 0..100 on the STIX 2.1 "None/Low/Med/High"
 *       scale (STIX 2.1 appendix A): 0 {@code None}, 1–29 {@code Low}, 30–69 {@code Medium}, 70–100
 *       {@code High}</td></tr>
 *   <tr><td>threat.indicator.marking.tlp</td><td>ECS values {@code CLEAR}, {@code GREEN}, {@code AMBER},
 *       {@code AMBER+STRICT}, {@code RED} (ECS 8.6 added CLEAR and AMBER+STRICT for TLP 2.0);
 *       {@code marking.tlp_version} {@code 2.0}</td></tr>
 *   <tr><td>threat.indicator.first_seen / last_seen / modified</td><td>firstSeen / lastSeen / sharedAt</td></tr>
 *   <tr><td>threat.indicator.provider</td><td>vendors joined with {@code ", "}, when not redacted</td></tr>
 *   <tr><td>threat.indicator.geo.country_iso_code, as.number</td><td>country, asn, when known</td></tr>
 *   <tr><td>threat.software.name</td><td>malware families (an array; ECS keyword fields take arrays)</td></tr>
 *   <tr><td>labels</td><td>{@code partner}, {@code agreement_id}, {@code agreement_version} (ECS labels are strings)</td></tr>
 *   <tr><td>tags</td><td>tags</td></tr>
 *   <tr><td>threatline.*</td><td>what ECS has no field for: {@code delivery_id}, {@code indicator_id},
 *       {@code action}, {@code confidence} (the number), {@code score}, {@code valid_until},
 *       {@code campaigns}, {@code kill_chain_phases}, {@code sensors},
 *       {@code redistribution.allowed}, {@code redistribution.scope}</td></tr>
 * </table>
 *
 * <p>Statistics are carried too, as {@code event.kind: metric}, {@code event.category: [threat]},
 * {@code event.type: [info]}, {@code event.action: trend-statistic}, {@code @timestamp} the window
 * end, the same {@code labels}, and {@code threatline.statistic.{window, window_start, window_end,
 * dimension, dimension_value, count, previous_count, change_ratio}}.
 */
final class EcsDocuments {

    static final String FEED_NAME = "Threatline";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EcsDocuments() {}

    static ArrayNode of(DeliveryBatch batch) {
        ArrayNode documents = NODES.arrayNode();
        for (DeliveryRecord record : batch.records()) {
            documents.add(record.isIndicator() ? indicator(record) : statistic(record));
        }
        return documents;
    }

    static ObjectNode indicator(DeliveryRecord record) {
        PartnerIndicator i = record.indicator();
        ObjectNode doc = document(
                i.getSharedAt().toString(),
                "enrichment",
                "indicator",
                "indicator-" + i.getAction().name().toLowerCase(Locale.ROOT),
                record.deliveryId());

        ObjectNode threat = doc.putObject("threat");
        threat.putObject("feed").put("name", FEED_NAME);
        ObjectNode indicator = threat.putObject("indicator");
        indicator.put("type", ecsType(i.getType()));
        indicator.put("name", i.getValue());
        value(indicator, i);
        indicator.put("confidence", confidence(i.getConfidence()));
        ObjectNode marking = indicator.putObject("marking");
        marking.put("tlp", tlp(i.getTlp()));
        marking.put("tlp_version", "2.0");
        indicator.put("first_seen", i.getFirstSeen().toString());
        indicator.put("last_seen", i.getLastSeen().toString());
        indicator.put("modified", i.getSharedAt().toString());
        if (!i.getVendors().isEmpty()) {
            indicator.put("provider", String.join(", ", i.getVendors()));
        }
        if (i.getCountry() != null) {
            indicator.putObject("geo").put("country_iso_code", i.getCountry());
        }
        if (i.getAsn() != null) {
            indicator.putObject("as").put("number", i.getAsn());
        }
        if (!i.getMalwareFamilies().isEmpty()) {
            strings(threat.putObject("software").putArray("name"), i.getMalwareFamilies());
        }
        labels(doc, i.getPartnerId(), i.getAgreementId(), i.getAgreementVersion());
        if (!i.getTags().isEmpty()) {
            strings(doc.putArray("tags"), i.getTags());
        }

        ObjectNode own = doc.putObject("threatline");
        own.put("delivery_id", record.deliveryId());
        own.put("indicator_id", i.getIndicatorId());
        own.put("action", i.getAction().name());
        own.put("confidence", i.getConfidence());
        own.put("score", i.getScore());
        own.put("valid_until", i.getValidUntil().toString());
        strings(own.putArray("campaigns"), i.getCampaigns());
        strings(
                own.putArray("kill_chain_phases"),
                i.getKillChainPhases().stream().map(Enum::name).toList());
        strings(own.putArray("sensors"), i.getSensors());
        ObjectNode redistribution = own.putObject("redistribution");
        redistribution.put("allowed", i.getRedistributionAllowed());
        if (i.getRedistributionScope() != null) {
            redistribution.put("scope", i.getRedistributionScope());
        }
        return doc;
    }

    /** A document with its {@code @timestamp} and ECS {@code event.*} fields (category threat). */
    private static ObjectNode document(String timestamp, String kind, String type, String action, String deliveryId) {
        ObjectNode doc = NODES.objectNode();
        doc.put("@timestamp", timestamp);
        ObjectNode event = doc.putObject("event");
        event.put("kind", kind);
        event.putArray("category").add("threat");
        event.putArray("type").add(type);
        event.put("action", action);
        event.put("id", deliveryId);
        return doc;
    }

    static ObjectNode statistic(DeliveryRecord record) {
        TrendStatistic s = record.statistic();
        ObjectNode doc =
                document(s.getWindowEnd().toString(), "metric", "info", "trend-statistic", record.deliveryId());
        doc.putObject("threat").putObject("feed").put("name", FEED_NAME);
        labels(doc, s.getPartnerId(), s.getAgreementId(), s.getAgreementVersion());
        ObjectNode own = doc.putObject("threatline");
        own.put("delivery_id", record.deliveryId());
        ObjectNode stat = own.putObject("statistic");
        stat.put("window", s.getWindow().name());
        stat.put("window_start", s.getWindowStart().toString());
        stat.put("window_end", s.getWindowEnd().toString());
        stat.put("dimension", s.getDimension().name());
        stat.put("dimension_value", s.getDimensionValue());
        stat.put("count", s.getCount());
        if (s.getPreviousCount() != null) {
            stat.put("previous_count", s.getPreviousCount());
        }
        if (s.getChangeRatio() != null && Double.isFinite(s.getChangeRatio())) {
            stat.put("change_ratio", s.getChangeRatio());
        }
        return doc;
    }

    static String ecsType(IndicatorType type) {
        return switch (type) {
            case IPV4 -> "ipv4-addr";
            case IPV6 -> "ipv6-addr";
            case DOMAIN -> "domain-name";
            case URL -> "url";
            case MD5, SHA1, SHA256 -> "file";
            case EMAIL -> "email-addr";
            case UNKNOWN -> throw new IllegalArgumentException("indicator type UNKNOWN is never delivered");
        };
    }

    /** STIX 2.1 appendix A "None / Low / Med / High" scale, with ECS's spelling {@code Medium}. */
    static String confidence(int confidence) {
        if (confidence <= 0) {
            return "None";
        }
        if (confidence < 30) {
            return "Low";
        }
        return confidence < 70 ? "Medium" : "High";
    }

    static String tlp(Tlp tlp) {
        return switch (tlp) {
            case CLEAR -> "CLEAR";
            case GREEN -> "GREEN";
            case AMBER -> "AMBER";
            case AMBER_STRICT -> "AMBER+STRICT";
            case RED -> "RED";
            case UNKNOWN -> throw new IllegalArgumentException("TLP UNKNOWN is never delivered");
        };
    }

    private static void value(ObjectNode indicator, PartnerIndicator i) {
        String value = i.getValue();
        switch (i.getType()) {
            case IPV4, IPV6 -> {
                if (value.contains("/")) {
                    indicator.put("description", "network block " + value);
                } else {
                    indicator.put("ip", value);
                }
            }
            case DOMAIN -> indicator.putObject("url").put("domain", value);
            case URL -> indicator.putObject("url").put("full", value).put("original", value);
            case MD5 -> indicator.putObject("file").putObject("hash").put("md5", value);
            case SHA1 -> indicator.putObject("file").putObject("hash").put("sha1", value);
            case SHA256 -> indicator.putObject("file").putObject("hash").put("sha256", value);
            case EMAIL -> indicator.putObject("email").put("address", value);
            case UNKNOWN -> throw new IllegalArgumentException("indicator type UNKNOWN is never delivered");
        }
    }

    private static void labels(ObjectNode doc, String partner, String agreementId, int agreementVersion) {
        ObjectNode labels = doc.putObject("labels");
        labels.put("partner", partner);
        labels.put("agreement_id", agreementId);
        labels.put("agreement_version", Integer.toString(agreementVersion));
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    static boolean canExpress(PartnerIndicator i) {
        return i.getType() != IndicatorType.UNKNOWN && i.getTlp() != Tlp.UNKNOWN;
    }
}
