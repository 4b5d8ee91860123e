package io.threatline.consumer.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.Tlp2;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps one batch of indicators to one MISP event in the feed layout that PyMISP's
 * {@code MISPEvent.to_feed(with_meta=True)} writes and MISP's feed generator
 * ({@code examples/feed-generator/generate.py}, {@code pymisp/tools/feed.py}) stores: the file
 * holds {@code {"Event": {...}}} with the event's {@code uuid, info, date, timestamp,
 * publish_timestamp, published, analysis, threat_level_id, Orgc {name, uuid}, Tag [{name, colour}],
 * Attribute [...]}}; numbers are JSON numbers and timestamps epoch seconds, as PyMISP writes them.
 *
 * <p>Event: uuid is derived from the batch's idempotency key (a retried batch replaces its event
 * instead of adding a second one); info {@code Threatline indicators for <partner> under
 * <agreement> v<version>}; date the UTC day it was written; analysis 2 (completed);
 * threat_level_id from the highest score in the batch: 75..100 → 1 (high), 40..74 → 2 (medium),
 * 1..39 → 3 (low), 0 → 4 (undefined); event Tag the most restrictive TLP of the batch.
 *
 * <table>
 *   <caption>Attribute mapping</caption>
 *   <tr><th>IndicatorType</th><th>MISP type</th><th>category</th></tr>
 *   <tr><td>IPV4, IPV6 (address or CIDR)</td><td>ip-dst</td><td>Network activity</td></tr>
 *   <tr><td>DOMAIN</td><td>domain</td><td>Network activity</td></tr>
 *   <tr><td>URL</td><td>url</td><td>Network activity</td></tr>
 *   <tr><td>MD5, SHA1, SHA256</td><td>md5, sha1, sha256</td><td>Payload delivery</td></tr>
 *   <tr><td>EMAIL</td><td>email-src</td><td>Payload delivery</td></tr>
 * </table>
 *
 * <p>Attribute fields: uuid derived from the delivery id (stable across retries); value;
 * {@code to_ids} true for NEW and UPDATE, false for EXPIRE and REVOKE (a revoked false positive or
 * an expired indicator must stop raising alerts; the attribute stays so the partner sees the
 * change); comment {@code <action>; families: <f1, f2>; delivery <delivery id>}; timestamp the
 * last sighting; first_seen/last_seen ISO-8601; Tag the TLP ({@code tlp:clear}, {@code tlp:green},
 * {@code tlp:amber}, {@code tlp:amber+strict}, {@code tlp:red} of the MISP TLP 2.0 taxonomy) and the
 * indicator's tags as they are.
 */
final class MispEventMapper {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String orgName;
    private final String orgUuid;

    MispEventMapper(String orgName, String orgUuid) {
        this.orgName = orgName;
        this.orgUuid = orgUuid;
    }

    static String eventUuid(DeliveryBatch batch) {
        return UUID.nameUUIDFromBytes(
                        ("threatline/misp-event/" + batch.idempotencyKey()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static String attributeUuid(DeliveryRecord record) {
        return UUID.nameUUIDFromBytes(
                        ("threatline/misp-attribute/" + record.deliveryId()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Why a record has no MISP attribute, or empty. */
    static Optional<String> cannotExpress(DeliveryRecord record) {
        if (!record.isIndicator()) {
            return Optional.of("a MISP feed holds events of attributes; a trend statistic has no MISP attribute type");
        }
        if (attributeType(record.indicator().getType()) == null) {
            return Optional.of("indicator type " + record.indicator().getType() + " has no MISP attribute type");
        }
        return Optional.empty();
    }

    /** {@code {"Event": {...}}} for the batch; every record must be expressible. */
    ObjectNode event(DeliveryBatch batch, Instant now) {
        ObjectNode event = NODES.objectNode();
        event.put("uuid", eventUuid(batch));
        event.put(
                "info",
                "Threatline indicators for " + batch.partnerId() + " under " + batch.agreementId() + " v"
                        + batch.agreementVersion());
        event.put("date", now.atOffset(ZoneOffset.UTC).toLocalDate().toString());
        event.put("timestamp", now.getEpochSecond());
        event.put("publish_timestamp", now.getEpochSecond());
        event.put("published", true);
        event.put("analysis", 2);
        event.put("threat_level_id", threatLevel(batch));
        event.set("Orgc", orgc());
        ArrayNode eventTags = event.putArray("Tag");
        eventTags.add(tlpTag(mostRestrictiveTlp(batch)));
        ArrayNode attributes = event.putArray("Attribute");
        for (DeliveryRecord record : batch.records()) {
            attributes.add(attribute(record));
        }
        ObjectNode root = NODES.objectNode();
        root.set("Event", event);
        return root;
    }

    /** The manifest entry of {@code event} (the inner object): what PyMISP's {@code MISPEvent.manifest} holds. */
    ObjectNode manifestEntry(ObjectNode event) {
        ObjectNode e = (ObjectNode) event.get("Event");
        ObjectNode entry = NODES.objectNode();
        entry.set("Orgc", e.get("Orgc"));
        entry.set("Tag", e.get("Tag"));
        entry.set("info", e.get("info"));
        entry.set("date", e.get("date"));
        entry.set("analysis", e.get("analysis"));
        entry.set("threat_level_id", e.get("threat_level_id"));
        entry.set("timestamp", e.get("timestamp"));
        return entry;
    }

    private ObjectNode orgc() {
        ObjectNode orgc = NODES.objectNode();
        orgc.put("name", orgName);
        orgc.put("uuid", orgUuid);
        return orgc;
    }

    private static ObjectNode attribute(DeliveryRecord record) {
        PartnerIndicator i = record.indicator();
        IndicatorType type = i.getType();
        ObjectNode a = NODES.objectNode();
        a.put("uuid", attributeUuid(record));
        a.put("type", attributeType(type));
        a.put("category", category(type));
        a.put("value", i.getValue());
        a.put("to_ids", i.getAction() == LifecycleAction.NEW || i.getAction() == LifecycleAction.UPDATE);
        a.put("comment", comment(record));
        a.put("timestamp", i.getLastSeen().getEpochSecond());
        a.put("first_seen", i.getFirstSeen().toString());
        a.put("last_seen", i.getLastSeen().toString());
        a.put("deleted", false);
        a.put("disable_correlation", false);
        ArrayNode tags = a.putArray("Tag");
        tags.add(tlpTag(i.getTlp()));
        for (String tag : i.getTags()) {
            ObjectNode t = NODES.objectNode();
            t.put("name", tag);
            tags.add(t);
        }
        return a;
    }

    private static String comment(DeliveryRecord record) {
        PartnerIndicator i = record.indicator();
        StringBuilder comment = new StringBuilder().append(i.getAction());
        if (!i.getMalwareFamilies().isEmpty()) {
            comment.append("; families: ").append(String.join(", ", i.getMalwareFamilies()));
        }
        return comment.append("; delivery ").append(record.deliveryId()).toString();
    }

    static String attributeType(IndicatorType type) {
        return switch (type) {
            case IPV4, IPV6 -> "ip-dst";
            case DOMAIN -> "domain";
            case URL -> "url";
            case MD5 -> "md5";
            case SHA1 -> "sha1";
            case SHA256 -> "sha256";
            case EMAIL -> "email-src";
            case UNKNOWN -> null;
        };
    }

    private static String category(IndicatorType type) {
        return switch (type) {
            case IPV4, IPV6, DOMAIN, URL -> "Network activity";
            default -> "Payload delivery";
        };
    }

    /** UNKNOWN is never delivered; should one slip through it is marked red, failing closed. */
    static String tlpTagName(Tlp tlp) {
        if (tlp == Tlp.UNKNOWN) {
            return "tlp:red";
        }
        return "tlp:" + tlp.name().toLowerCase(Locale.ROOT).replace('_', '+');
    }

    private static ObjectNode tlpTag(Tlp tlp) {
        ObjectNode tag = NODES.objectNode();
        tag.put("name", tlpTagName(tlp));
        tag.put(
                "colour",
                switch (tlp) {
                    case CLEAR -> "#ffffff";
                    case GREEN -> "#33FF00";
                    case AMBER, AMBER_STRICT -> "#FFC000";
                    case RED, UNKNOWN -> "#FF2B2B";
                });
        return tag;
    }

    private static Tlp mostRestrictiveTlp(DeliveryBatch batch) {
        Tlp most = Tlp.CLEAR;
        for (DeliveryRecord record : batch.records()) {
            most = Tlp2.mostRestrictive(most, record.indicator().getTlp());
        }
        return most;
    }

    private static int threatLevel(DeliveryBatch batch) {
        int score = batch.records().stream()
                .mapToInt(r -> r.indicator().getScore())
                .max()
                .orElse(0);
        if (score >= 75) {
            return 1;
        }
        if (score >= 40) {
            return 2;
        }
        return score >= 1 ? 3 : 4;
    }
}
