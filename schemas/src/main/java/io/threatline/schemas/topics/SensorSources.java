package io.threatline.schemas.topics;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who speaks for a sensor event, proven by Kafka rather than claimed in the payload
 * (docs/security.md). Each vendor writes its own topic ({@link ThreatlineTopics#vendorEvents}),
 * which only its Kafka user may write (a prefixed ACL), so an event read there is that vendor's
 * whatever its {@code vendor} field says; the hub dead-letters one that claims another vendor. The
 * operator's actions come from a topic only Threatline's own user writes, and carry the vendor
 * {@code operator:<name>}, a name no sensor may use. The shared sensor-events topic remains for
 * deployments without authentication; there the vendor is as claimed, and with authentication no
 * vendor's user may write it.
 */
public final class SensorSources {

    /** Vendor names starting with this are the operator's; no sensor may claim one. */
    public static final String OPERATOR_PREFIX = "operator:";

    private final ThreatlineTopics topics;

    public SensorSources(ThreatlineTopics topics) {
        this.topics = topics;
    }

    /** The vendor whose own topic {@code topic} is, if it is one. */
    public Optional<String> vendorOf(String topic) {
        String start = topics.prefix() + "vendor.";
        String end = ".events.v1";
        if (topic == null
                || !topic.startsWith(start)
                || !topic.endsWith(end)
                || topic.length() <= start.length() + end.length()) {
            return Optional.empty();
        }
        String vendor = topic.substring(start.length(), topic.length() - end.length());
        return ThreatlineTopics.isPartnerId(vendor) ? Optional.of(vendor) : Optional.empty();
    }

    /** The operator's actions topic, or its erasure requests (docs/data-protection.md). */
    public boolean isOperatorTopic(String topic) {
        return topics.operatorActions().equals(topic)
                || topics.erasureRequests().equals(topic);
    }

    /**
     * The sensor id of an erasure request ({@code threatline indicators erase}): with an operator's
     * vendor name, which no sensor may use, it asks the hub to erase the indicator rather than only
     * revoke it.
     */
    public static final String ERASURE_SENSOR = "threatline-indicators-erase";

    /**
     * The tag prefix by which an erasure request names a partner that received the indicator before
     * (from its receipts), so that it hears of the erasure even if it no longer holds it.
     */
    public static final String ERASURE_RECIPIENT_TAG = "erasure-recipient:";

    /**
     * The tag prefix by which an erasure request names the key id its erasure record was made with, so
     * that a hub with another key records the erasure under its own (docs/data-protection.md).
     */
    public static final String ERASURE_KEY_TAG = "erasure-key:";

    /** The key id an erasure request's tags name ({@link #ERASURE_KEY_TAG}), if any. */
    public static Optional<String> erasureKeyId(List<String> tags) {
        return tags == null
                ? Optional.empty()
                : tags.stream()
                        .filter(t -> t != null && t.startsWith(ERASURE_KEY_TAG))
                        .map(t -> t.substring(ERASURE_KEY_TAG.length()))
                        .findFirst();
    }

    /** The partners an erasure request's tags name ({@link #ERASURE_RECIPIENT_TAG}). */
    public static List<String> erasureRecipients(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        return tags.stream()
                .filter(t -> t != null && t.startsWith(ERASURE_RECIPIENT_TAG))
                .map(t -> t.substring(ERASURE_RECIPIENT_TAG.length()))
                .filter(p -> ThreatlineTopics.PARTNER_ID.matcher(p).matches())
                .toList();
    }

    /** Whether an event from {@code vendor} with {@code sensorId} is an erasure request. */
    public static boolean isErasureRequest(String vendor, String sensorId) {
        return isOperator(vendor) && ERASURE_SENSOR.equals(sensorId);
    }

    public static boolean isOperator(String vendor) {
        return vendor != null && vendor.startsWith(OPERATOR_PREFIX);
    }

    /** The Kafka principal of a vendor's sensors, {@code User:vendor.<id>} (apart from partners' {@code User:<id>}). */
    public static String vendorUser(String vendorId) {
        return "vendor." + ThreatlineTopics.checkPartnerId(vendorId);
    }

    /**
     * Write and describe on the vendor's own topics ({@code <prefix>vendor.<id>.}, the dot keeping
     * {@code a} from matching {@code ab}), and nothing else: no other vendor's topic, not the shared
     * sensor-events topic, not the operator's.
     */
    public List<AclBinding> vendorWriter(String vendorId, String principal) {
        ResourcePattern own = new ResourcePattern(
                ResourceType.TOPIC,
                topics.prefix() + "vendor." + ThreatlineTopics.checkPartnerId(vendorId) + ".",
                PatternType.PREFIXED);
        return List.of(allow(own, principal, AclOperation.WRITE), allow(own, principal, AclOperation.DESCRIBE));
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
